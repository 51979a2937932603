import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CatalogEntry } from '../../catalog/model.js';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import type { TextDocument } from '../types.js';
import { detectM365Json, m365JsonParser, parseM365Json } from './index.js';
import { assertParseError, ofSet, withoutProvenance } from '../../test/helpers/parse-result.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

function doc(
  text: string,
  contentType: string | null = 'application/json; charset=utf-8',
  location = 'endpoints/worldwide',
): TextDocument {
  return { location, text, contentType };
}

const pretty = fixture('worldwide.json');

/** 1-based line of the first line containing `needle`, computed independently of the parser. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `fixture has no line with ${needle}`);
  return index + 1;
}

test('set 1 becomes one entry per url and per ip, with every attribute of the set', () => {
  const result = parseM365Json(doc(pretty));
  const set1 = ofSet(result, 1);
  const common = {
    section: 'Exchange Online',
    region: null,
    group: '1: Exchange Online',
    groupKey: 'set 1',
    ports: { tcp: ['80', '443'], udp: [], any: [], custom: false },
    required: true,
    expressRoute: true,
    role: 'destination',
    category: 'Optimize',
    notes: null,
  } as const;
  const expected: CatalogEntry[] = [
    ['fqdn', 'outlook.office.com', 'urls'],
    ['fqdn', 'outlook.office365.com', 'urls'],
    ['ip', '13.107.6.152/31', 'ips'],
    ['ip', '13.107.18.10/31', 'ips'],
    ['ip', '40.96.0.0/13', 'ips'],
    ['ip', '52.96.0.0/14', 'ips'],
    ['ip', '2603:1006::/40', 'ips'],
    // A /128 is a single address: canonical form drops the prefix.
    ['ip', '2620:1ec:4::152', 'ips', '"2620:1ec:4::152/128"'],
  ].map(([kind, value, column, needle]) => ({
    ...common,
    ports: { ...common.ports, tcp: [...common.ports.tcp], udp: [], any: [] },
    kind: kind as CatalogEntry['kind'],
    value: value!,
    provenance: { line: lineOf(pretty, needle ?? `"${value}"`), column: column! },
  }));
  assert.deepEqual(set1, expected);
});

test('a set with notes, no ips and wildcard urls; optional sets keep required false', () => {
  const result = parseM365Json(doc(pretty));
  const set27 = ofSet(result, 27);
  assert.deepEqual(
    set27.map((e) => [e.kind, e.value]),
    [
      ['fqdn', '*.keydelivery.mediaservices.windows.net'],
      ['fqdn', '*.streaming.mediaservices.windows.net'],
      ['fqdn', 'mlccdn.blob.core.windows.net'],
    ],
  );
  for (const entry of set27) {
    assert.equal(entry.section, 'Skype for Business Online and Microsoft Teams');
    assert.equal(entry.group, '27: Skype for Business Online and Microsoft Teams');
    assert.equal(entry.category, 'Default');
    assert.equal(entry.required, false);
    assert.equal(entry.expressRoute, false);
    assert.equal(entry.notes, 'Only for playing back recorded meeting video.');
    assert.deepEqual(entry.ports, { tcp: ['443'], udp: [], any: [], custom: false });
  }
});

test('UDP-only sets, port ranges and unsorted port lists', () => {
  const result = parseM365Json(doc(pretty));
  const set11 = ofSet(result, 11);
  assert.deepEqual(
    set11.map((e) => e.value),
    ['13.107.64.0/18', '52.112.0.0/14', '52.120.0.0/14'],
  );
  assert.deepEqual(set11[0]?.ports, { tcp: [], udp: ['3478', '3479', '3480', '3481'], any: [], custom: false });
  // "443,80" is sorted; "3478-3481" stays a range.
  assert.deepEqual(ofSet(result, 12)[0]?.ports, { tcp: ['80', '443'], udp: ['3478-3481'], any: [], custom: false });
});

test('<tenant> placeholders, including a hyphenated suffix, are kept as host names', () => {
  const result = parseM365Json(doc(pretty));
  assert.deepEqual(
    ofSet(result, 31)
      .filter((e) => e.kind === 'fqdn')
      .map((e) => e.value),
    ['<tenant>.sharepoint.com', '<tenant>-my.sharepoint.com'],
  );
  assert.ok(ofSet(result, 8).some((e) => e.value === 'autodiscover.<tenant>.onmicrosoft.com'));
});

test('whole document: counts, shape and no warnings', () => {
  const result = parseM365Json(doc(pretty));
  const sets = JSON.parse(pretty) as { urls?: string[]; ips?: string[] }[];
  const expectedCount = sets.reduce((n, s) => n + (s.urls?.length ?? 0) + (s.ips?.length ?? 0), 0);
  assert.equal(result.entries.length, expectedCount);
  assert.deepEqual(result.warnings, []);
  assert.equal(result.shape.format, 'm365-json');
  assert.equal(result.shape.tables, 1);
  assert.equal(result.shape.rows, sets.length);
  assert.deepEqual(result.shape.columns, [
    ['id', 'serviceArea', 'urls', 'ips', 'tcpPorts', 'udpPorts', 'category', 'expressRoute', 'required'],
  ]);
  assert.deepEqual(Object.keys(result.shape.entriesPerSection).sort(), [
    'Exchange Online',
    'Microsoft 365 Common and Office Online',
    'SharePoint Online and OneDrive for Business',
    'Skype for Business Online and Microsoft Teams',
  ]);
});

test('minified JSON gives the same catalog, every value on line 1', () => {
  const minified = fixture('worldwide.min.json');
  assert.equal(minified.includes('\n'), false);
  const result = parseM365Json(doc(minified));
  assert.deepEqual(
    withoutProvenance(buildCatalog('m365', result)),
    withoutProvenance(buildCatalog('m365', parseM365Json(doc(pretty)))),
  );
  assert.ok(result.entries.every((e) => e.provenance.line === 1));
  assert.deepEqual(new Set(result.entries.map((e) => e.provenance.column)), new Set(['urls', 'ips']));
});

test('serviceArea stands in for a missing display name', () => {
  const text = JSON.stringify([
    {
      id: 70,
      serviceArea: 'Common',
      urls: ['*.office.com'],
      tcpPorts: '443',
      expressRoute: false,
      category: 'Default',
      required: true,
    },
  ]);
  const [entry] = parseM365Json(doc(text)).entries;
  assert.equal(entry?.section, 'Common');
  assert.equal(entry?.group, '70: Common');
  assert.equal(entry?.groupKey, 'set 70');
});

test('the service error object is a ParseError carrying its message', () => {
  assertParseError(
    () => parseM365Json(doc(fixture('error.json'))),
    /answered with an error: The clientrequestid parameter must be a GUID\./,
  );
  assertParseError(
    () => parseM365Json(doc('{"error":{"code":"BadRequest","message":"no such instance"}}')),
    /answered with an error: .*no such instance/,
  );
});

test('answers of the /version and /changes endpoints are refused by name', () => {
  assertParseError(
    () => parseM365Json(doc('[{"instance":"Worldwide","latest":"2020080600"}]')),
    /\/version endpoint.*\/endpoints\/<instance>/,
  );
  assertParseError(() => parseM365Json(doc('{"instance":"Worldwide","latest":"2020080600"}')), /\/version endpoint/);
  const changes = JSON.stringify([
    { id: 424, endpointSetId: 32, disposition: 'Change', version: '2020080600', impact: 'RemovedIpOrUrl' },
  ]);
  assertParseError(() => parseM365Json(doc(changes)), /\/changes endpoint/);
});

test('invalid JSON, wrong shapes and empty documents are ParseErrors', () => {
  assertParseError(() => parseM365Json(doc(pretty.slice(0, 500))), /not valid JSON/);
  assertParseError(() => parseM365Json(doc('')), /not valid JSON/);
  assertParseError(
    () => parseM365Json(doc('{"value": []}')),
    /expected a JSON array of endpoint sets.*, got an object \(keys: value\)/,
  );
  assertParseError(() => parseM365Json(doc('"worldwide"')), /got a JSON string/);
  assertParseError(() => parseM365Json(doc('[]')), /empty/);
  const badSet = JSON.stringify([
    {
      id: '1',
      serviceArea: 'Exchange',
      urls: ['outlook.office.com'],
      expressRoute: true,
      category: 'Optimize',
      required: true,
    },
  ]);
  assertParseError(() => parseM365Json(doc(badSet)), /set #1 id: .*number/i);
  const missingFlag = JSON.stringify([
    { id: 1, serviceArea: 'Exchange', urls: ['outlook.office.com'], category: 'Optimize', required: true },
  ]);
  assertParseError(() => parseM365Json(doc(missingFlag)), /set #1 expressRoute/);
  assertParseError(() => parseM365Json(doc('[1, 2]')), /set #1: .*object/i);
  const noEndpoints = JSON.stringify([
    { id: 1, serviceArea: 'Exchange', tcpPorts: '443', expressRoute: true, category: 'Optimize', required: true },
  ]);
  assertParseError(() => parseM365Json(doc(noEndpoints)), /not one url or ip/);
});

test('unreadable values and ports become warnings, never silent loss or a crash', () => {
  const text = JSON.stringify([
    {
      id: 1,
      serviceArea: 'Exchange',
      urls: ['outlook.office.com', 'not a host!'],
      ips: ['13.107.6.152/31', 'smtp.office365.com'],
      tcpPorts: '443,eighty',
      expressRoute: true,
      category: 'Optimize',
      required: true,
    },
    { id: 2, serviceArea: 'Exchange', tcpPorts: '443', expressRoute: true, category: 'Allow', required: true },
  ]);
  const result = parseM365Json(doc(text));
  assert.deepEqual(
    result.entries.map((e) => e.value),
    ['outlook.office.com', '13.107.6.152/31', 'smtp.office365.com'],
  );
  assert.deepEqual(result.entries[0]?.ports.tcp, ['443']);
  assert.deepEqual(result.warnings, [
    'set 1 tcpPorts: unreadable port(s) in "443,eighty"',
    'set 1: unrecognised value in urls: "not a host!"',
    'set 1: fqdn "smtp.office365.com" listed under ips',
    'set 2 lists no urls and no ips',
  ]);
  assert.equal(result.shape.rows, 1);
});

test('detect: endpoint sets score high, other JSON low, non-JSON zero', () => {
  assert.ok(detectM365Json(doc(pretty)) >= 0.9);
  assert.ok(detectM365Json(doc(pretty, null)) >= 0.9, 'recognised by content even without a content type');
  assert.ok(detectM365Json(doc(fixture('worldwide.min.json'), 'text/plain')) >= 0.9);
  assert.equal(detectM365Json(doc(fixture('error.json'))), 0.1);
  assert.equal(detectM365Json(doc('[{"instance":"Worldwide","latest":"2020080600"}]', null)), 0.1);
  assert.equal(
    detectM365Json(doc('{not json', 'application/json')),
    0.1,
    'broken JSON served as JSON still lands here to be reported',
  );
  assert.equal(detectM365Json(doc('[link](https://example.com) text', 'text/markdown')), 0);
  assert.equal(detectM365Json(doc('# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n', 'text/markdown')), 0);
  assert.equal(m365JsonParser.id, 'm365-json');
});

test('diff between two versions reports exactly the narrowed ports, the added IP and the flipped required flag', () => {
  const before = buildCatalog('m365', parseM365Json(doc(pretty)));
  const after = buildCatalog('m365', parseM365Json(doc(fixture('worldwide-next.json'))));
  const changes = diffCatalogs(before, after).changes.map((c) => ({
    type: c.type,
    value: c.value,
    group: c.group,
    fields: c.fields,
    before: c.before,
    after: c.after,
  }));
  const set12 = [
    '*.lync.com',
    '*.teams.microsoft.com',
    'teams.microsoft.com',
    '13.70.151.216',
    '52.112.0.0/14',
    '52.120.0.0/14',
    '2603:1027::/48',
    '2620:1ec:6::/48',
    '2620:1ec:40::/42',
  ];
  const set27 = [
    '*.keydelivery.mediaservices.windows.net',
    '*.streaming.mediaservices.windows.net',
    'mlccdn.blob.core.windows.net',
  ];
  const expected = [
    {
      type: 'added',
      value: '150.171.40.0/22',
      group: '31: SharePoint Online and OneDrive for Business',
      fields: [],
      before: undefined,
      after: undefined,
    },
    ...set12.map((value) => ({
      type: 'modified',
      value,
      group: '12: Skype for Business Online and Microsoft Teams',
      fields: ['ports'],
      before: { ports: { tcp: ['80', '443'], udp: ['3478-3481'], any: [], custom: false } },
      after: { ports: { tcp: ['443'], udp: ['3478-3481'], any: [], custom: false } },
    })),
    ...set27.map((value) => ({
      type: 'modified',
      value,
      group: '27: Skype for Business Online and Microsoft Teams',
      fields: ['required'],
      before: { required: false },
      after: { required: true },
    })),
  ];
  const order = (list: { value: string; group: string | null }[]) =>
    [...list].sort((a, b) => `${a.group}\u0000${a.value}`.localeCompare(`${b.group}\u0000${b.value}`));
  assert.deepEqual(order(changes), order(expected));
});
