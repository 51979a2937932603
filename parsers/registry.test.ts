/**
 * Every registered format is checked against a fixture of its own: detection picks it, it
 * parses to entries, and the result is a valid catalog. A new parser without a line here fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsers, selectParser } from './registry.js';
import { decodeDocument } from './decode.js';
import { buildCatalog } from '../catalog/canonical.js';
import { classifyToken } from '../catalog/normalize.js';
import { ParseError } from '../errors/index.js';

const FIXTURES: Record<string, { path: string; contentType: string | null }> = {
  markdown: { path: 'markdown/__fixtures__/header-rows.md', contentType: 'text/markdown' },
  'm365-json': { path: 'm365-json/__fixtures__/worldwide.json', contentType: 'application/json' },
  'm365-urls': { path: 'm365-urls/__fixtures__/urls-and-ip-ranges.md', contentType: 'text/plain' },
  html: { path: 'html/__fixtures__/data-centers.html', contentType: 'text/html' },
};

test('every registered parser has a fixture, is picked for it, and yields a valid catalog', () => {
  assert.deepEqual(
    [...parsers.keys()].sort(),
    Object.keys(FIXTURES).sort(),
    'each registered id needs a fixture line here',
  );
  for (const [id, parser] of parsers) {
    assert.equal(parser.id, id);
    assert.ok(parser.description.length > 0, `${id} has a description`);
    const fixture = FIXTURES[id]!;
    const text = decodeDocument(readFileSync(new URL(fixture.path, import.meta.url)));
    const doc = { location: fixture.path, text, contentType: fixture.contentType };
    assert.equal(selectParser(doc).id, id, `${fixture.path} is detected as ${id}`);
    const catalog = buildCatalog('fixture', parser.parse(doc));
    assert.ok(catalog.entries.length > 0, `${id} finds entries`);
    assert.equal(catalog.format, id);
    for (const entry of catalog.entries) {
      // Canonical values: classifying the stored value again gives the same kind and value.
      assert.deepEqual(classifyToken(entry.value), { kind: entry.kind, value: entry.value }, `${id}: ${entry.value}`);
      assert.ok(
        Number.isInteger(entry.provenance.line) && entry.provenance.line >= 1,
        `${id}: ${entry.value} has a line`,
      );
      assert.ok(['destination', 'source'].includes(entry.role));
    }
  }
});

test('an unknown configured format is a clear error naming the known ones', () => {
  assert.throws(
    () => selectParser({ location: 'x', text: 'x', contentType: null }, 'yaml'),
    (err: unknown) => err instanceof ParseError && /unknown format "yaml" \(known: .*markdown/.test(err.message),
  );
});
