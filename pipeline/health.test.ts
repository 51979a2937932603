import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog, CatalogEntry } from '../catalog/model.js';
import { emptyPorts } from '../catalog/model.js';
import { buildCatalog } from '../catalog/canonical.js';
import { assessHealth } from './health.js';

function catalog(count: number, options: { tables?: number; columns?: string[][]; format?: string } = {}): Catalog {
  const entries: CatalogEntry[] = Array.from({ length: count }, (_, i) => ({
    kind: 'ip',
    value: `13.64.0.${i + 1}`,
    section: 'Portal access',
    region: 'US1',
    group: null,
    groupKey: null,
    ports: emptyPorts(),
    required: null,
    expressRoute: null,
    role: 'destination',
    provenance: { line: i + 1 },
  }));
  return buildCatalog('cas', {
    entries,
    shape: {
      format: options.format ?? 'markdown',
      tables: options.tables ?? 2,
      rows: count,
      columns: options.columns ?? [
        ['Data center', 'IP addresses'],
        ['Data center', 'IP addresses', 'DNS name'],
      ],
      entriesPerSection: {},
    },
    warnings: [],
  });
}

test('a healthy new version raises nothing, even when it adds tables, columns and entries', () => {
  assert.deepEqual(
    assessHealth(
      catalog(10),
      catalog(12, {
        tables: 3,
        columns: [
          ['Data center', 'IP addresses'],
          ['Data center', 'IP addresses', 'DNS name'],
          ['Region', 'IP addresses'],
        ],
      }),
    ),
    [],
  );
  assert.deepEqual(assessHealth(catalog(10), catalog(5)), [], 'exactly half is still plausible');
  // Bold markers and case in headers are formatting, not a rename.
  assert.deepEqual(
    assessHealth(
      catalog(10),
      catalog(10, {
        columns: [
          ['**Data center**', 'ip addresses'],
          ['Data Center', 'IP Addresses', 'DNS Name'],
        ],
      }),
    ),
    [],
  );
});

test('a lost table, a renamed column, more than half of the entries gone, or a new format are each reported', () => {
  assert.match(assessHealth(catalog(10), catalog(10, { tables: 1 })).join('\n'), /lost 1 of 2 table/);
  assert.match(assessHealth(catalog(10), catalog(4)).join('\n'), /entries dropped by more than half: 10 -> 4/);
  assert.match(
    assessHealth(catalog(10), catalog(0, { tables: 0, columns: [] })).join('\n'),
    /entries dropped by more than half: 10 -> 0/,
  );
  assert.match(
    assessHealth(
      catalog(10),
      catalog(10, {
        columns: [
          ['Data center', 'Addresses'],
          ['Data center', 'Addresses', 'DNS name'],
        ],
      }),
    ).join('\n'),
    /column\(s\) renamed or gone: "ip addresses" \(new: "addresses"\)/,
  );
  assert.match(
    assessHealth(catalog(10), catalog(10, { format: 'html' })).join('\n'),
    /document format changed: markdown -> html/,
  );
});
