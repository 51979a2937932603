import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines } from 'diff';
import type { Catalog, CatalogEntry } from './model.js';
import {
  canonicalEntries,
  compareEntries,
  entryKey,
  isCanonicalCatalogText,
  isOutdatedCatalogText,
  parseStoredCatalog,
  serializeCatalog,
  storedCatalogFormat,
} from './canonical.js';
import { diffCatalogs } from './diff.js';
import { entry } from './__fixtures__/entries.js';

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Case, accents, a zero-width space the collator ignores, empty strings and mixed kinds: where
// a shortcut through ranks could part from the comparator.
const SECTIONS = ['Portal access', 'portal access', 'Pörtal access', 'Portal\u200baccess', 'Zeta', '', 'API connector'];
const REGIONS = [null, 'EU1', 'eu1', 'US1', 'US2'];
const GROUPS = [null, '1: Portal', '2: portal', '10: Éxchange', '3: exchange'];
const VALUES = [
  '13.80.22.71',
  '13.80.22.7',
  '104.209.35.177',
  '13.80.0.0/16',
  '2603:1006::/40',
  '2603:1006::1',
  'portal.example.com',
  'Portal.example.net',
  '*.example.com',
  'https://a.example.com/x',
  'b.example.com',
];
const ROLES: CatalogEntry['role'][] = ['destination', 'source'];

function randomEntries(seed: number, count: number): CatalogEntry[] {
  const next = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return Array.from({ length: count }, () =>
    entry(pick(VALUES), { section: pick(SECTIONS), region: pick(REGIONS), group: pick(GROUPS), role: pick(ROLES) }),
  );
}

test('canonicalEntries: each identity once, in exactly the order compareEntries gives', () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    const entries = randomEntries(seed, 400);
    const sorted = canonicalEntries(entries.map((e) => ({ ...e, ports: { ...e.ports } })));
    // Reference: the first copy of each identity, then the comparator sort (stable, like the shortcut).
    const seen = new Set<string>();
    const reference = entries.filter((e) => !seen.has(entryKey(e)) && seen.add(entryKey(e))).sort(compareEntries);
    assert.ok(reference.length < entries.length, 'the sample has duplicates to merge');
    assert.deepEqual(sorted.map(entryKey), reference.map(entryKey), `seed ${seed}`);
    assert.ok(new Set(sorted.map((e) => e.section)).size > 3, 'the sample mixes sections');
  }
});

test('canonicalEntries: duplicates of one identity unite their ports', () => {
  const a = entry('13.80.22.71', { ports: { tcp: ['443'], udp: [], any: [], custom: false } });
  const b = entry('13.80.22.71', { ports: { tcp: ['80'], udp: ['3478'], any: [], custom: false } });
  const [merged, ...rest] = canonicalEntries([a, b]);
  assert.deepEqual(rest, []);
  assert.deepEqual(merged!.ports, { tcp: ['80', '443'], udp: ['3478'], any: [], custom: false });
});

// catalog.json: the stored form.

const stored = (entries: CatalogEntry[], rows = entries.length): Catalog => ({
  source: 'cloud-app-security',
  format: 'markdown',
  entries: canonicalEntries(entries.map((e) => ({ ...e, ports: { ...e.ports } }))),
  shape: {
    format: 'markdown',
    tables: 1,
    rows,
    columns: [['Data center', 'IP addresses']],
    entriesPerSection: { 'Portal access': entries.length },
  },
});

/** The entries of a document whose lines all moved down by `shift` (a paragraph added above). */
function atLine(entries: CatalogEntry[], shift: number): CatalogEntry[] {
  return entries.map((e, i) => ({ ...e, provenance: { line: 40 + i + shift, column: 'IP addresses' } }));
}

const PORTAL = ['13.80.22.71', '13.95.29.177', '13.95.30.46', '40.67.219.133', '52.174.56.180'].map((v) =>
  entry(v, { group: null }),
);

test('serializeCatalog: one short line per entry, defaults left out, no line numbers, the column header kept', () => {
  const text = serializeCatalog(stored(atLine(PORTAL, 0)));
  const lines = text.split('\n');
  assert.equal(lines[1], '  "catalogFormat": 2,');
  const entryLines = lines.filter((l) => l.startsWith('    {"ip":'));
  assert.equal(entryLines.length, PORTAL.length);
  assert.equal(
    entryLines[0],
    '    {"ip":"13.80.22.71","section":"Portal access","region":"EU1","tcp":["443"],"column":"IP addresses"},',
  );
  assert.doesNotMatch(text, /"line"/);
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text).shape.columns, [['Data center', 'IP addresses']]);
});

test('serializeCatalog: a field is written when it is not its default, and read back as it was', () => {
  const catalog = stored([]);
  // In this order (not canonicalEntries, which knows no kind "pattern").
  catalog.entries = [
    { ...entry('13.80.22.71'), kind: 'pattern' as CatalogEntry['kind'] },
    entry('portal.example.com', {
      role: 'source',
      group: '2: Portal',
      // Not what groupKeyOf derives from the group: written.
      groupKey: 'portal access',
      required: false,
      expressRoute: true,
      category: null,
      notes: 'a note',
      ports: { tcp: ['443'], udp: ['3478'], any: ['80'], custom: true },
      provenance: { line: 3, column: null },
    }),
    entry('https://a.example.com/x', { group: '3: Mail', section: '', region: null }),
  ];
  const text = serializeCatalog(catalog);
  const entryLines = text.split('\n').filter((l) => l.startsWith('    {'));
  assert.deepEqual(entryLines, [
    '    {"kind":"pattern","value":"13.80.22.71","section":"Portal access","region":"EU1","group":"1: Portal access","groupKey":"portal access","tcp":["443"]},',
    '    {"fqdn":"portal.example.com","role":"source","section":"Portal access","region":"EU1","group":"2: Portal",' +
      '"groupKey":"portal access","tcp":["443"],"udp":["3478"],"any":["80"],"custom":true,"required":false,' +
      '"expressRoute":true,"category":null,"notes":"a note"},',
    '    {"url":"https://a.example.com/x","group":"3: Mail","groupKey":"mail","tcp":["443"]}',
  ]);
  const back = parseStoredCatalog(text);
  const noLine = (c: Catalog) =>
    c.entries.map(({ provenance, ...rest }) => ({ ...rest, column: provenance.column ?? null }));
  assert.deepEqual(noLine(back), noLine(catalog));
  assert.equal(serializeCatalog(back), text);
});

test('serializeCatalog: two IPs added below moved lines add two entry lines; only counts and a comma change besides', () => {
  const before = serializeCatalog(stored(atLine(PORTAL, 0)));
  const added = [entry('20.23.198.34', { group: null }), entry('104.40.28.202', { group: null })];
  // A note added above the table moves every line of it down; the two IPs are new rows.
  const after = serializeCatalog(stored(atLine([...PORTAL, ...added], 3)));
  const changed = diffLines(before, after).filter((part) => part.added || part.removed);
  const addedLines = changed.filter((p) => p.added).flatMap((p) => p.value.split('\n').filter(Boolean));
  const removedLines = changed.filter((p) => p.removed).flatMap((p) => p.value.split('\n').filter(Boolean));
  const shown = (line: string) => /\{"ip":"([^"]+)"/.exec(line)?.[1] ?? line.trim();
  assert.deepEqual(addedLines.map(shown), [
    '20.23.198.34',
    '52.174.56.180',
    '104.40.28.202',
    '"rows": 7,',
    '"Portal access": 7',
  ]);
  // The last entry of the old file, which now has a comma after it.
  assert.equal(removedLines.length, 3);
  assert.match(removedLines[0]!, /"ip":"52\.174\.56\.180".*\}$/);
  assert.deepEqual(
    removedLines.slice(1).map((l) => l.trim()),
    ['"rows": 5,', '"Portal access": 5'],
  );
});

test('serializeCatalog: the same catalog gives the same bytes whatever order a parser wrote the fields in', () => {
  const reversed = PORTAL.map(
    (e) =>
      Object.fromEntries(
        Object.entries({ ...e, ports: { custom: false, any: [], udp: [], tcp: ['443'] } }).reverse(),
      ) as unknown as CatalogEntry,
  );
  assert.equal(serializeCatalog(stored(reversed)), serializeCatalog(stored(PORTAL)));
});

test('parseStoredCatalog reads what serializeCatalog wrote: every field but the line number', () => {
  const catalog = stored([
    ...atLine(PORTAL, 0),
    entry('portal.example.com', {
      region: null,
      group: '2: "Quoted" \\ back',
      category: 'Optimize',
      notes: 'Ünïcode and\nnew line',
      required: false,
      expressRoute: true,
      ports: { tcp: ['80', '443'], udp: ['3478-3481'], any: [], custom: true },
      provenance: { line: 9, column: null },
    }),
  ]);
  const text = serializeCatalog(catalog);
  const back = parseStoredCatalog(text);
  const noLine = (c: Catalog) =>
    c.entries.map(({ provenance, ...rest }) => ({ ...rest, column: provenance.column ?? null }));
  assert.deepEqual(noLine(back), noLine(catalog));
  assert.ok(back.entries.every((e) => e.provenance.line === 0));
  assert.deepEqual(back.shape, catalog.shape);
  assert.equal(serializeCatalog(back), text);
  assert.equal(isCanonicalCatalogText(text), true);
});

test('an older catalog.json (pretty JSON with line numbers) is read, and known to be in the older form', () => {
  const catalog = stored(atLine(PORTAL, 0));
  const older = `${JSON.stringify(catalog, null, 2)}\n`;
  const read = parseStoredCatalog(older);
  assert.deepEqual(
    read.entries.map((e) => e.provenance),
    catalog.entries.map((e) => e.provenance),
    'its line numbers are kept as read',
  );
  assert.equal(isCanonicalCatalogText(older), false);
  assert.equal(isOutdatedCatalogText(older), true);
  // Rewritten once: the new text is canonical, and the diff sees nothing to report.
  const rewritten = serializeCatalog(read);
  assert.equal(isCanonicalCatalogText(rewritten), true);
  assert.equal(isOutdatedCatalogText(rewritten), false);
  assert.deepEqual(diffCatalogs(read, parseStoredCatalog(rewritten)).changes, []);
  assert.deepEqual(diffCatalogs(read, stored(atLine(PORTAL, 7))).changes, []);
});

/** catalog.json as the version before form 2 wrote it: every field of an entry, one entry per line. */
function formOne(catalog: Catalog): string {
  const lines = catalog.entries.map((e) =>
    JSON.stringify({
      kind: e.kind,
      value: e.value,
      role: e.role,
      section: e.section,
      region: e.region,
      group: e.group,
      groupKey: e.groupKey,
      ports: e.ports,
      required: e.required,
      expressRoute: e.expressRoute,
      ...(e.provenance.column ? { provenance: { column: e.provenance.column } } : {}),
    }),
  );
  const { entries: _entries, shape, ...rest } = catalog;
  const head = Object.entries(rest).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${head.join(',\n')},\n  "entries": [\n    ${lines.join(',\n    ')}\n  ],\n  "shape": ${JSON.stringify(shape)}\n}\n`;
}

test('the one-object-per-line form before form 2 is read as the same catalog, and known to be outdated', () => {
  const catalog = stored(atLine(PORTAL, 0));
  const before = formOne(catalog);
  assert.equal(storedCatalogFormat(before), 1);
  assert.equal(isOutdatedCatalogText(before), true);
  const read = parseStoredCatalog(before);
  assert.deepEqual(read.entries, parseStoredCatalog(serializeCatalog(catalog)).entries);
  assert.equal(serializeCatalog(read), serializeCatalog(catalog));
  const entryBytes = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('    {'))
      .join('\n').length;
  assert.ok(entryBytes(serializeCatalog(catalog)) * 2 < entryBytes(before), 'entry lines less than half the size');
});

test('form 2 re-indented by hand is still read; entries share frozen ports and provenance', () => {
  const catalog = stored(atLine(PORTAL, 0));
  const text = serializeCatalog(catalog);
  const reindented = `${JSON.stringify(JSON.parse(text), null, 4)}\n`;
  assert.equal(storedCatalogFormat(reindented), 2);
  assert.equal(isOutdatedCatalogText(reindented), false);
  assert.equal(isCanonicalCatalogText(reindented), false);
  const read = parseStoredCatalog(reindented);
  assert.deepEqual(read.entries, parseStoredCatalog(text).entries);
  const [a, b] = read.entries;
  assert.equal(a!.ports, b!.ports, 'the same ports, one object');
  assert.equal(a!.provenance, b!.provenance);
  assert.throws(() => a!.ports.tcp.push('80'), TypeError);
  assert.equal(storedCatalogFormat('not json'), null);
  assert.equal(isOutdatedCatalogText(''), false);
});

test('fields a later version adds are kept, in name order, and read back unchanged', () => {
  const catalog = stored(atLine(PORTAL, 0));
  const withExtra = {
    ...catalog,
    entries: catalog.entries.map((e, i) => ({ ...e, ...(i === 0 ? { pattern: true, tcp: 'x' } : {}) })),
    shape: { ...catalog.shape, version: '2024061300', uncatalogued: 2 },
  } as Catalog;
  const text = serializeCatalog(withExtra);
  // A field named like a key of the line is nested under "fields".
  assert.match(text, /"column":"IP addresses","pattern":true,"fields":\{"tcp":"x"\}\}/);
  assert.match(text, /"entriesPerSection": \{[^}]*\},\n {4}"version": "2024061300",\n {4}"uncatalogued": 2\n/);
  assert.equal(isCanonicalCatalogText(text), true);
  const first = parseStoredCatalog(text).entries[0] as unknown as { pattern: boolean; tcp: string };
  assert.equal(first.pattern, true);
  assert.equal(first.tcp, 'x');
});

test('parseStoredCatalog: text that is not a catalog is an error that says what is wrong', () => {
  assert.throws(() => parseStoredCatalog('{"source": '), /^Error: not valid JSON: /);
  assert.throws(
    () => parseStoredCatalog('{"source": "x", "format": "markdown", "shape": {}}'),
    /^Error: not a catalog: entries: /,
  );
  const text = serializeCatalog(stored(PORTAL)).replace('"ip":"13.95.29.177"', '"ip":7');
  assert.throws(() => parseStoredCatalog(text), /not a catalog: entries\.1\.ip: expected a string/);
  assert.throws(
    () => parseStoredCatalog(serializeCatalog(stored(PORTAL)).replace('"tcp":["443"]}', '"tcp":443}')),
    /not a catalog: entries\.0\.tcp: expected a list of strings/,
  );
  const older = formOne(stored(PORTAL)).replace('"value":"13.95.29.177"', '"value":7');
  assert.throws(() => parseStoredCatalog(older), /not a catalog: entries\.1\.value: /);
  assert.equal(isCanonicalCatalogText(text), false);
  assert.equal(isCanonicalCatalogText(''), false);
});
