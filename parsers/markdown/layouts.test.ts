/**
 * One fixture per layout the markdown parser reads (written for this project, not copied from
 * vendor pages), each with its expected entries written out by hand in `<name>.expected.json`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CatalogEntry } from '../../catalog/model.js';
import { formatPorts } from '../../catalog/ports.js';
import { markdownParser } from './index.js';

interface Expected {
  shape: { tables: number; rows: number; columns: string[][] };
  warnings: string[];
  warningCounts?: Record<string, number>;
  entries: Record<string, unknown>[];
}

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

/** The fields a fixture states, with ports in their printed form. */
function project(entry: CatalogEntry, withNotes: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: entry.kind,
    value: entry.value,
    section: entry.section,
    region: entry.region,
    group: entry.group,
    groupKey: entry.groupKey,
    required: entry.required,
    expressRoute: entry.expressRoute,
    role: entry.role,
    ports: formatPorts(entry.ports),
    line: entry.provenance.line,
    column: entry.provenance.column ?? null,
  };
  if (withNotes) out.notes = entry.notes ?? null;
  return out;
}

const order = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  Number(a.line) - Number(b.line) ||
  String(a.value).localeCompare(String(b.value)) ||
  String(a.role).localeCompare(String(b.role));

function check(name: string): void {
  const text = readFileSync(fixture(`${name}.md`), 'utf8');
  const expected = JSON.parse(readFileSync(fixture(`${name}.expected.json`), 'utf8')) as Expected;
  const result = markdownParser.parse({ location: `${name}.md`, text, contentType: 'text/markdown' });
  const withNotes = expected.entries.some((e) => 'notes' in e);
  assert.deepEqual(result.entries.map((e) => project(e, withNotes)).sort(order), [...expected.entries].sort(order));
  assert.deepEqual(
    { tables: result.shape.tables, rows: result.shape.rows, columns: result.shape.columns },
    expected.shape,
  );
  assert.equal(result.shape.format, 'markdown');
  assert.deepEqual(result.warnings, expected.warnings);
  if (expected.warningCounts) assert.deepEqual(result.warningCounts, expected.warningCounts);
  for (const entry of result.entries) {
    assert.ok(
      Array.isArray(entry.ports.tcp) && Array.isArray(entry.ports.udp) && Array.isArray(entry.ports.any),
      'complete PortSpec',
    );
  }
}

test('header-less tables: synthetic header, front matter skipped, labels to regions, ports from prose', () =>
  check('headerless-tables'));
test('header rows: <br>/<br/>/commas/spaces, escaped and bare wildcards, indented URL table, blockquote table, [!div] before a table', () =>
  check('header-rows'));
test('wide tables: empty-header continuation columns, short delimiter row, bold/empty headers, in-cell labels, Port(s) column, bad token warned', () =>
  check('wide-tables'));
test('endpoint lists outside tables: bare IP lines, CIDR list, colon tail, code block of hosts; prose and links are not endpoints', () =>
  check('endpoint-lists'));
test('host patterns (*x, x*, #-x, host(range)) catalogued; an origin-only URL line in a host list is its host; what is not read is warned', () =>
  check('patterns'));
test('row labels: numbers are no region, purposes and names are the group, in-cell regions stay regions', () =>
  check('row-labels'));
test('ports from prose: the nearest statement above a block, never a union with earlier ones', () =>
  check('prose-ports'));
test('DocFX rows between pipe tables: markdown in columns, labels, sources, notes, links ignored, sections from headings', () =>
  check('docfx-blocks'));
test('DocFX rows with HTML in indented columns (<b>, <br>, <a href>, <u>)', () => check('docfx-html'));
test('DocFX rows in the compact layout (values on single lines, no blank lines)', () => check('docfx-compact'));

test('the three DocFX layouts give the same endpoint set', () => {
  const key = (e: CatalogEntry) =>
    [e.kind, e.value, e.groupKey, e.required, e.expressRoute, e.role, formatPorts(e.ports)].join(' | ');
  const sets = ['docfx-blocks', 'docfx-html', 'docfx-compact'].map((name) => {
    const text = readFileSync(fixture(`${name}.md`), 'utf8');
    return markdownParser
      .parse({ location: name, text, contentType: null })
      .entries.filter((e) => e.group !== null)
      .map(key)
      .sort();
  });
  assert.equal(sets[0]!.length, 9);
  assert.deepEqual(sets[1], sets[0]);
  assert.deepEqual(sets[2], sets[0]);
});

test('CRLF line ends give the same entries and lines', () => {
  const text = readFileSync(fixture('header-rows.md'), 'utf8');
  const lf = markdownParser.parse({ location: 'lf', text, contentType: null });
  const crlf = markdownParser.parse({ location: 'crlf', text: text.replace(/\n/g, '\r\n'), contentType: null });
  assert.deepEqual(crlf.entries, lf.entries);
});

test('a document without any endpoint parses to no entries and says so', () => {
  const result = markdownParser.parse({
    location: 'empty.md',
    text: '# Title\n\nJust words, and a link to [docs.example.com](https://docs.example.com).\n',
    contentType: null,
  });
  assert.deepEqual(result.entries, []);
  assert.equal(result.shape.tables, 0);
  assert.match(result.warnings.join('\n'), /no endpoint found/);
});

test('an unclosed :::row::: is read to the end of the document and reported', () => {
  const text =
    ':::row:::\n:::column:::\nRow\n:::column-end:::\n:::column:::\nPurpose / Destination\n:::column-end:::\n:::row-end:::\n:::row:::\n:::column:::\n1\n:::column-end:::\n:::column:::\n**Destination:** a.example.com\n:::column-end:::\n';
  const result = markdownParser.parse({ location: 'open.md', text, contentType: null });
  assert.deepEqual(
    result.entries.map((e) => [e.value, e.group, e.provenance.line]),
    [['a.example.com', '1', 14]],
  );
  assert.match(result.warnings.join('\n'), /line 9: :::row::: without :::row-end:::/);
});

test('DocFX columns without labels: lines of endpoints are read, hosts inside prose are not', () => {
  const text = [
    ':::row:::',
    ':::column:::',
    '**Row**',
    ':::column-end:::',
    ':::column:::',
    '**Purpose / Destination**',
    ':::column-end:::',
    ':::row-end:::',
    ':::row:::',
    ':::column:::',
    '7',
    ':::column-end:::',
    ':::column:::',
    'Reporting service, see status.example.org for outages',
    '',
    'reports.example.com',
    'upload.example.com, 192.0.2.77',
    ':::column-end:::',
    ':::row-end:::',
  ].join('\n');
  const result = markdownParser.parse({ location: 'unlabelled.md', text, contentType: null });
  assert.deepEqual(
    result.entries.map((e) => [e.value, e.group, e.required, e.provenance.line]),
    [
      ['reports.example.com', '7: Reporting service, see status.example.org for outages', null, 16],
      ['upload.example.com', '7: Reporting service, see status.example.org for outages', null, 17],
      ['192.0.2.77', '7: Reporting service, see status.example.org for outages', null, 17],
    ],
  );
});
