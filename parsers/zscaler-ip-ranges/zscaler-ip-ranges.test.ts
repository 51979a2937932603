import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { parsers, selectParser } from '../registry.js';
import { parseZscalerIpRanges, zscalerIpRangesParser } from './index.js';
import { assertParseError } from '../../test/helpers/parse-result.js';
import { fixtureDoc, lineFinder, places, textDoc } from '../../test/helpers/feed-fixtures.js';

const cenr = fixtureDoc(import.meta.url, 'cenr.json');
const hubs = fixtureDoc(import.meta.url, 'hubs-recommended.json');

test('enforcement node ranges: section = continent, region = city, one entry per range', () => {
  const result = parseZscalerIpRanges(cenr);
  const d = 'destination';
  assert.deepEqual(places(result), [
    ['ip', '165.225.240.0/23', 'EMEA', 'Amsterdam II', null, d],
    ['ip', '147.161.172.0/23', 'EMEA', 'Amsterdam II', null, d],
    ['ip', '165.225.72.0/22', 'EMEA', 'Frankfurt IV', null, d],
    ['ip', '2a03:eec0:1411::/48', 'EMEA', 'Frankfurt IV', null, d],
    ['ip', '104.129.206.0/23', 'Americas', 'Atlanta II', null, d],
    ['ip', '136.226.82.0/23', 'Americas', 'Atlanta II', null, d],
    ['ip', '165.225.0.0/23', 'Americas', 'Chicago', null, d],
    ['ip', '165.225.112.0/23', 'APAC', 'Singapore IV', null, d],
  ]);
  assert.deepEqual(result.warnings, []);
  const next = lineFinder(cenr.text);
  for (const entry of result.entries)
    assert.equal(entry.provenance.line, next(`"range": "${entry.value}"`), entry.value);
  assert.equal(result.shape.rows, 8);
  assert.deepEqual(result.shape.columns, [['range']]);
  assert.equal(result.serial, undefined);
});

test('hub prefixes: one section', () => {
  const result = parseZscalerIpRanges(hubs);
  assert.deepEqual(places(result), [
    ['ip', '147.161.128.0/17', 'hubPrefixes', null, null, 'destination'],
    ['ip', '136.226.0.0/16', 'hubPrefixes', null, null, 'destination'],
    ['ip', '165.225.0.0/17', 'hubPrefixes', null, null, 'destination'],
    ['ip', '2400:7aa0::/32', 'hubPrefixes', null, null, 'destination'],
  ]);
  assert.deepEqual(
    result.entries.map((e) => e.provenance.line),
    [3, 4, 5, 6],
  );
});

test('two clouds in one file keep their continents apart', () => {
  const text = JSON.stringify({
    'zscaler.net': { 'continent : EMEA': { 'city : Paris II': [{ range: '165.225.20.0/23' }] } },
    'zscloud.net': { 'continent : EMEA': { 'city : Paris II': [{ range: '147.161.20.0/23' }] } },
  });
  assert.deepEqual(
    parseZscalerIpRanges(textDoc(text)).entries.map((e) => [e.section, e.region, e.value]),
    [
      ['zscaler.net EMEA', 'Paris II', '165.225.20.0/23'],
      ['zscloud.net EMEA', 'Paris II', '147.161.20.0/23'],
    ],
  );
});

test('a node without a range, or a city that is not a list, is a ParseError naming its path', () => {
  assertParseError(
    () =>
      parseZscalerIpRanges(
        textDoc('{"zscaler.net": {"continent : EMEA": {"city : Paris II": [{"vpn": "par2-vpn.zscaler.net"}]}}}'),
      ),
    /zscaler\.net\.continent : EMEA\.city : Paris II\[0\]\.range: Invalid input: expected string, received undefined/,
  );
  assertParseError(
    () => parseZscalerIpRanges(textDoc('{"hubPrefixes": "147.161.128.0/17"}')),
    /hubPrefixes: Invalid input: expected array, received string/,
  );
  // An empty range (seen for nodes being set up) is a warning, not a silent gap.
  const result = parseZscalerIpRanges(
    textDoc(
      '{"zscaler.net": {"continent : EMEA": {"city : Paris II": [{"range": ""}, {"range": "165.225.20.0/23"}]}}}',
    ),
  );
  assert.equal(result.entries.length, 1);
  assert.deepEqual(result.warnings, ['line 1: EMEA (Paris II) range: "" is not an IP address, CIDR or host name']);
});

test('both shapes are detected, and `format: zscaler-ip-ranges` is accepted', () => {
  assert.equal(parsers.get('zscaler-ip-ranges'), zscalerIpRangesParser);
  for (const doc of [cenr, hubs])
    for (const contentType of ['application/json', null])
      assert.equal(selectParser({ ...doc, contentType }).id, 'zscaler-ip-ranges');
});

test('a range moved to another city is removed there and added here', () => {
  const before = buildCatalog('zs', parseZscalerIpRanges(cenr));
  const moved = JSON.parse(cenr.text);
  const cities = moved['zscaler.net']['continent : Americas'];
  cities['city : Chicago'].push(cities['city : Atlanta II'].pop());
  const after = buildCatalog('zs', parseZscalerIpRanges(textDoc(JSON.stringify(moved, null, 2))));
  assert.deepEqual(
    diffCatalogs(before, after)
      .changes.map((c) => `${c.type} ${c.region} ${c.value}`)
      .sort(),
    ['added Chicago 136.226.82.0/23', 'removed Atlanta II 136.226.82.0/23'],
  );
});
