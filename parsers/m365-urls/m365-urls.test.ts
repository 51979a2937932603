import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CatalogEntry } from '../../catalog/model.js';
import { buildCatalog, entryKey } from '../../catalog/canonical.js';
import type { TextDocument } from '../types.js';
import { parseM365Json } from '../m365-json/index.js';
import { detectM365Urls, m365UrlsParser, parseM365Urls } from './index.js';
import { addressTokens, readCategoryCell } from './cells.js';
import { EmptyDocumentError, ParseError } from '../../errors/index.js';
import { assertParseError, ofSet, withoutProvenance } from '../../test/helpers/parse-result.js';

const page = readFileSync(new URL('./__fixtures__/urls-and-ip-ranges.md', import.meta.url), 'utf8');
const serviceJson = readFileSync(new URL('../m365-json/__fixtures__/worldwide.json', import.meta.url), 'utf8');

function doc(text: string, contentType: string | null = 'text/markdown'): TextDocument {
  return { location: 'urls-and-ip-ranges.md', text, contentType };
}

/** 1-based line of the table row for endpoint set `id`, computed independently of the parser. */
function rowLine(id: number): number {
  const index = page.split('\n').findIndex((line) => line.startsWith(`${id} | `));
  assert.ok(index >= 0, `fixture has no row ${id}`);
  return index + 1;
}

const TABLE_HEAD = 'ID | Category | ER | Addresses | Ports\n-- | -------- | -- | --------- | -----\n';

test('set 31: <tenant> written three ways, hosts then CIDRs, full entries', () => {
  const result = parseM365Urls(doc(page));
  const line = rowLine(31);
  const common = {
    section: 'SharePoint Online and OneDrive for Business',
    region: null,
    group: '31: SharePoint Online and OneDrive for Business',
    groupKey: 'set 31',
    required: true,
    expressRoute: true,
    role: 'destination',
    category: 'Optimize',
    notes: null,
  } as const;
  const expected: CatalogEntry[] = [
    ['fqdn', '<tenant>.sharepoint.com'],
    ['fqdn', '<tenant>-my.sharepoint.com'],
    ['ip', '13.107.136.0/22'],
    ['ip', '40.108.128.0/17'],
    ['ip', '52.104.0.0/14'],
    ['ip', '104.146.128.0/17'],
    ['ip', '2603:1061:1300::/40'],
    ['ip', '2620:1ec:8f8::/46'],
  ].map(([kind, value]) => ({
    ...common,
    kind: kind as CatalogEntry['kind'],
    value: value!,
    ports: { tcp: ['80', '443'], udp: [], any: [], custom: false },
    provenance: { line, column: 'Addresses' },
  }));
  assert.deepEqual(ofSet(result, 31), expected);
  // Escaped as \<tenant\> in the page.
  assert.ok(ofSet(result, 8).some((e) => e.value === 'autodiscover.<tenant>.onmicrosoft.com'));
});

test('set 2: Category cell with Optional and notes; set 12: TCP and UDP ports kept apart', () => {
  const result = parseM365Urls(doc(page));
  const set2 = ofSet(result, 2);
  assert.deepEqual(
    set2.map((e) => e.value),
    ['smtp.office365.com', '13.107.6.152/31', '40.96.0.0/13', '2603:1006::/40'],
  );
  for (const entry of set2) {
    assert.equal(entry.category, 'Allow');
    assert.equal(entry.required, false);
    assert.equal(entry.expressRoute, true);
    assert.equal(entry.notes, 'Needed only by mail clients that submit messages over authenticated SMTP.');
    assert.deepEqual(entry.ports, { tcp: ['587'], udp: [], any: [], custom: false });
    assert.equal(entry.provenance.line, rowLine(2));
  }
  const set12 = ofSet(result, 12);
  assert.equal(set12.length, 9);
  assert.ok(
    set12.every(
      (e) =>
        JSON.stringify(e.ports) === JSON.stringify({ tcp: ['80', '443'], udp: ['3478-3481'], any: [], custom: false }),
    ),
  );
  assert.deepEqual(ofSet(result, 11)[0]?.ports, {
    tcp: [],
    udp: ['3478', '3479', '3480', '3481'],
    any: [],
    custom: false,
  });
  assert.equal(ofSet(result, 10)[0]?.expressRoute, false);
});

test('shape: four tables, sixteen rows, the header of each, and the version from the HTML comment', () => {
  const result = parseM365Urls(doc(page));
  assert.deepEqual(result.warnings, []);
  assert.equal(result.shape.format, 'm365-urls');
  assert.equal(result.shape.tables, 4);
  assert.equal(result.shape.rows, 16);
  assert.deepEqual(
    result.shape.columns,
    Array.from({ length: 4 }, () => ['ID', 'Category', 'ER', 'Addresses', 'Ports']),
  );
  assert.equal(result.shape.version, '2020080600');
  assert.deepEqual(Object.keys(result.shape.entriesPerSection), [
    'Exchange Online',
    'Microsoft 365 Common and Office Online',
    'SharePoint Online and OneDrive for Business',
    'Skype for Business Online and Microsoft Teams',
  ]);
  const withoutComment = parseM365Urls(doc(page.replace(/<!--Worldwide endpoints version \d+-->/, '')));
  assert.equal(withoutComment.shape.version, null);
});

test('the markdown page and the web-service JSON of the same data give the same catalog', () => {
  const fromPage = parseM365Urls(doc(page));
  const fromJson = parseM365Json({
    location: 'endpoints/worldwide',
    text: serviceJson,
    contentType: 'application/json',
  });
  assert.ok(fromJson.entries.length > 50);
  assert.deepEqual(
    buildCatalog('m365', fromPage).entries.map(entryKey),
    buildCatalog('m365', fromJson).entries.map(entryKey),
  );
  assert.deepEqual(
    withoutProvenance(buildCatalog('m365', fromPage)),
    withoutProvenance(buildCatalog('m365', fromJson)),
  );
});

test('Addresses cells: backticks, <BR>, escapes, entities and a raw <tenant> outside code', () => {
  const { tokens, unreadable } = addressTokens(
    '`a.example.com, \\*.b.example.com`<br/>`10.0.0.0/8, 2603:1006::/40`<BR><tenant>.sharepoint.com, &lt;tenant&gt;-files.sharepoint.com, 13.107.6.352/31, see note',
  );
  assert.deepEqual(tokens, [
    { kind: 'fqdn', value: 'a.example.com' },
    { kind: 'fqdn', value: '*.b.example.com' },
    { kind: 'ip', value: '10.0.0.0/8' },
    { kind: 'ip', value: '2603:1006::/40' },
    { kind: 'fqdn', value: '<tenant>.sharepoint.com' },
    { kind: 'fqdn', value: '<tenant>-files.sharepoint.com' },
  ]);
  // An address that is no address is reported; prose words are not.
  assert.deepEqual(unreadable, ['13.107.6.352/31']);
});

test('Category cells: category, required flag and notes in any order of parts', () => {
  assert.deepEqual(readCategoryCell('Optimize<BR>Required'), { category: 'Optimize', required: true, notes: null });
  assert.deepEqual(
    readCategoryCell('Default<br>Optional<br>**Notes:** Used for [migration](https://example.com/x) only'),
    {
      category: 'Default',
      required: false,
      notes: 'Used for migration only',
    },
  );
  assert.deepEqual(readCategoryCell('Allow'), { category: 'Allow', required: null, notes: null });
  assert.deepEqual(readCategoryCell(''), { category: null, required: null, notes: null });
});

test('rows it cannot fully read give warnings, and keep what they can', () => {
  const text = `## Exchange Online\n\n${TABLE_HEAD}1 | Optimize<BR>Required | Maybe | \`outlook.office.com, 40.96.0.0/33\` | **TCP:** 443\nX | Allow<BR>Required | No | \`smtp.office365.com\` | **TCP:** 587\n3 | Allow<BR>Required | No | nothing here | **TCP:** 443\n`;
  const result = parseM365Urls(doc(text));
  assert.deepEqual(
    result.entries.map((e) => [e.value, e.group, e.groupKey, e.expressRoute]),
    [
      ['outlook.office.com', '1: Exchange Online', 'set 1', null],
      ['smtp.office365.com', null, null, false],
    ],
  );
  assert.deepEqual(result.warnings, [
    'Exchange Online, set 1: ER "Maybe" is neither Yes nor No',
    'Exchange Online, set 1: unrecognised address "40.96.0.0/33"',
    'Exchange Online, line 6: ID "X" is not a number; the row is kept without a group',
    'Exchange Online, set 3: no address in "nothing here"',
  ]);
  assert.equal(result.shape.rows, 2);
});

test('a page without an endpoint-set table, or with no address in it, is a ParseError', () => {
  assertParseError(
    () => parseM365Urls(doc('# Notes\n\n| Host | Port |\n|---|---|\n| a.example.com | 443 |\n')),
    /no endpoint-set table/,
  );
  assertParseError(
    () =>
      parseM365Urls(doc(`## Exchange Online\n\n${TABLE_HEAD}1 | Optimize<BR>Required | Yes | TBD | **TCP:** 443\n`)),
    /not one address/,
  );
  assertParseError(() => parseM365Urls(doc('')), /no endpoint-set table/);
});

test('the page published with only its generator comments is this page, empty: an EmptyDocumentError', () => {
  const empty = doc(
    '---\ntitle: x\n---\n\n<!--Worldwide endpoints version 2020080700-->\n<!--File generated 2020-08-08-->\n',
  );
  assert.equal(detectM365Urls(empty), 0.9);
  assert.throws(
    () => parseM365Urls(empty),
    (err: unknown) =>
      err instanceof EmptyDocumentError && err.format === 'm365-urls' && /no endpoint-set table/.test(err.message),
  );
  assert.equal(detectM365Urls(doc('<!--USGovDoD endpoints version 2020080600-->\n')), 0.9);
  // Some other page without the comment, or with another comment about a version, is no empty generation of this one.
  assert.throws(
    () => parseM365Urls(doc('# Notes\n')),
    (err: unknown) => err instanceof ParseError && !(err instanceof EmptyDocumentError),
  );
  assert.equal(detectM365Urls(doc('# Notes\n\n<!-- generated: endpoints version 2020080600 -->\n')), 0);
  const noAddress = doc(`## Exchange Online\n\n${TABLE_HEAD}1 | Optimize<BR>Required | Yes | TBD | **TCP:** 443\n`);
  assert.throws(
    () => parseM365Urls(noAddress),
    (err: unknown) => err instanceof EmptyDocumentError && /not one address/.test(err.message),
  );
});

test('detect: the endpoint-set header scores above the generic markdown score; anything else is 0', () => {
  assert.ok(detectM365Urls(doc(page)) > 0.5);
  assert.ok(
    detectM365Urls(doc(`| **ID** | **Category** | **ER** | **Addresses** | **Ports** |\n|---|---|---|---|---|\n`)) >
      0.5,
    'outer pipes and bold headers',
  );
  assert.equal(detectM365Urls(doc('# Title\n\n| Data center | IP addresses |\n|---|---|\n| US1 | 13.80.22.71 |\n')), 0);
  assert.equal(detectM365Urls(doc(serviceJson, 'application/json')), 0);
  assert.equal(detectM365Urls(doc('The ID | Category | ER | Addresses | Ports header, quoted in prose.')), 0);
  assert.equal(m365UrlsParser.id, 'm365-urls');
});
