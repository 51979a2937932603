import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { EmptyDocumentError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import { oktaIpRangesParser, parseOktaIpRanges } from './index.js';
import { assertParseError } from '../../test/helpers/parse-result.js';
import { fixtureDoc, lineFinder, textDoc } from '../../test/helpers/feed-fixtures.js';

const doc = fixtureDoc(import.meta.url, 'ip_ranges.json');

test('every range of every cell, region = the cell', () => {
  const result = parseOktaIpRanges(doc);
  assert.deepEqual(
    result.entries.map((e) => [e.region, e.value]),
    [
      ['apac_cell_1', '3.24.40.128/26'],
      ['apac_cell_1', '13.55.116.224/28'],
      ['apac_cell_1', '52.62.81.176/28'],
      ['emea_cell_1', '3.65.150.96/27'],
      ['emea_cell_1', '18.158.103.0/24'],
      ['emea_cell_1', '52.28.230.64/28'],
      ['preview_cell_1', '3.18.116.0/24'],
      ['preview_cell_1', '52.14.228.0/24'],
      ['us_cell_1', '3.209.71.64/28'],
      ['us_cell_1', '18.205.3.0/26'],
      ['us_cell_1', '23.22.168.32/28'],
      ['us_cell_1', '35.174.101.0/24'],
      ['us_cell_2', '3.216.245.0/24'],
      ['us_cell_2', '34.199.177.128/25'],
      // The same range in two cells is two entries: each cell's org allow-lists its own.
      ['us_cell_2', '18.205.3.0/26'],
    ],
  );
  assert.deepEqual(result.warnings, []);
  assert.equal(result.serial, undefined);
  const next = lineFinder(doc.text);
  for (const entry of result.entries) {
    assert.equal(entry.section, '');
    assert.equal(entry.kind, 'ip');
    assert.equal(entry.provenance.line, next(`"${entry.value}"`), `${entry.region} ${entry.value}`);
  }
  assert.equal(result.shape.rows, 5);
  assert.equal(buildCatalog('okta', result).entries.length, 15);
});

test('a key that is not a cell is a warning; a cell of the wrong shape a ParseError naming it', () => {
  const result = parseOktaIpRanges(
    textDoc(
      '{"us_cell_1": {"ip_ranges": ["3.209.71.64/28"]}, "updated": "2024-12-01", "us_cell_2": {"ip_ranges": []}}',
    ),
  );
  assert.deepEqual(
    result.entries.map((e) => e.value),
    ['3.209.71.64/28'],
  );
  assert.deepEqual(result.warnings, ['updated: not a cell (no ip_ranges); not read']);
  assertParseError(
    () => parseOktaIpRanges(textDoc('{"us_cell_1": {"ip_ranges": "3.209.71.64/28"}}')),
    /not Okta's ip_ranges\.json .*: us_cell_1\.ip_ranges: Invalid input: expected array, received string/,
  );
  assert.throws(() => parseOktaIpRanges(textDoc('{"us_cell_1": {"ip_ranges": []}}')), EmptyDocumentError);
});

test('detected by its cells, and by `format: okta-ip-ranges`', () => {
  assert.equal(parsers.get('okta-ip-ranges'), oktaIpRangesParser);
  for (const contentType of ['application/json', 'binary/octet-stream', null])
    assert.equal(selectParser({ ...doc, contentType }).id, 'okta-ip-ranges');
  assert.equal(oktaIpRangesParser.detect(textDoc('{"a": {"b": []}, "c": 1}')), 0);
});

test("a range added to a cell is a change in that cell's region only", () => {
  const before = buildCatalog('okta', parseOktaIpRanges(doc));
  const text = doc.text.replace('"3.65.150.96/27",', '"3.65.150.96/27",\n      "3.72.200.0/26",');
  const changes = diffCatalogs(before, buildCatalog('okta', parseOktaIpRanges(textDoc(text)))).changes;
  assert.deepEqual(
    changes.map((c) => [c.type, c.region, c.value]),
    [['added', 'emea_cell_1', '3.72.200.0/26']],
  );
});
