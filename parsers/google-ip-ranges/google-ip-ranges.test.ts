import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { EmptyDocumentError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import { googleIpRangesParser, parseGoogleIpRanges } from './index.js';
import { assertParseError } from '../../test/helpers/parse-result.js';
import { fixtureDoc, lineFinder, places, textDoc } from '../../test/helpers/feed-fixtures.js';

const cloud = fixtureDoc(import.meta.url, 'cloud.json');
const goog = fixtureDoc(import.meta.url, 'goog.json');

test('cloud.json: every prefix, section = service, region = scope, on its own line', () => {
  const result = parseGoogleIpRanges(cloud);
  const s = 'Google Cloud';
  const d = 'destination';
  assert.deepEqual(places(result), [
    ['ip', '34.1.208.0/20', s, 'africa-south1', null, d],
    ['ip', '34.35.0.0/16', s, 'africa-south1', null, d],
    ['ip', '2600:1900:8000::/44', s, 'africa-south1', null, d],
    ['ip', '34.80.0.0/15', s, 'asia-east1', null, d],
    ['ip', '35.185.128.0/19', s, 'asia-east1', null, d],
    ['ip', '2600:1900:4030::/44', s, 'asia-east1', null, d],
    ['ip', '34.140.0.0/16', s, 'europe-west1', null, d],
    ['ip', '35.187.0.0/17', s, 'europe-west1', null, d],
    ['ip', '34.104.116.0/22', s, 'us-central1', null, d],
    ['ip', '2600:1900:4000::/44', s, 'us-central1', null, d],
  ]);
  assert.deepEqual(result.warnings, []);
  const next = lineFinder(cloud.text);
  for (const entry of result.entries) {
    assert.equal(entry.provenance.line, next(`"${entry.value}"`), entry.value);
    assert.equal(entry.provenance.column, entry.value.includes(':') ? 'ipv6Prefix' : 'ipv4Prefix');
  }
  assert.deepEqual(result.serial, { name: 'syncToken', value: '1733868000000' });
  assert.deepEqual(result.shape.columns, [['ipv4Prefix', 'ipv6Prefix', 'service', 'scope']]);
  assert.equal(result.shape.rows, 10);
});

test('goog.json: the same without service or scope', () => {
  const result = parseGoogleIpRanges(goog);
  assert.deepEqual(
    result.entries.map((e) => e.value),
    [
      '8.8.4.0/24',
      '8.8.8.0/24',
      '8.34.208.0/20',
      '35.190.247.0/24',
      '64.233.160.0/19',
      '142.250.0.0/15',
      '172.217.0.0/16',
      '2001:4860::/32',
      '2404:6800::/32',
      '2607:f8b0::/32',
    ],
  );
  for (const entry of result.entries) {
    assert.equal(entry.section, '');
    assert.equal(entry.region, null);
  }
  assert.deepEqual(result.serial, { name: 'syncToken', value: '1733868300000' });
  assert.deepEqual(result.shape.columns, [['ipv4Prefix', 'ipv6Prefix']]);
});

test('both files are detected as google-ip-ranges; an empty one is held as a broken generation', () => {
  assert.equal(parsers.get('google-ip-ranges'), googleIpRangesParser);
  for (const doc of [cloud, goog])
    for (const contentType of ['application/json', null])
      assert.equal(selectParser({ ...doc, contentType }).id, 'google-ip-ranges', `${doc.location} ${contentType}`);
  const empty = textDoc('{"syncToken": "1", "creationTime": "2024-12-10T14:00:00.000000", "prefixes": []}');
  assert.equal(selectParser(empty).id, 'google-ip-ranges');
  assert.throws(() => parseGoogleIpRanges(empty), EmptyDocumentError);
});

test('a prefix with neither address field, or of the wrong type, is a ParseError naming it', () => {
  assertParseError(
    () => parseGoogleIpRanges(textDoc('{"prefixes": [{"ipv4Prefix": "8.8.8.0/24"}, {"service": "Google Cloud"}]}')),
    /prefixes\[1\]: a prefix needs ipv4Prefix or ipv6Prefix/,
  );
  assertParseError(
    () => parseGoogleIpRanges(textDoc('{"prefixes": [{"ipv4Prefix": 134744064}]}')),
    /prefixes\[0\]\.ipv4Prefix: Invalid input: expected string, received number/,
  );
});

test('a prefix that moves to another region is removed there and added here', () => {
  const before = buildCatalog('gcp', parseGoogleIpRanges(cloud));
  const text = cloud.text.replace(
    '"ipv4Prefix": "35.187.0.0/17",\n    "service": "Google Cloud",\n    "scope": "europe-west1"',
    '"ipv4Prefix": "35.187.0.0/17",\n    "service": "Google Cloud",\n    "scope": "europe-west4"',
  );
  assert.notEqual(text, cloud.text);
  const after = buildCatalog('gcp', parseGoogleIpRanges(textDoc(text)));
  assert.deepEqual(
    diffCatalogs(before, after)
      .changes.map((c) => `${c.type} ${c.region} ${c.value}`)
      .sort(),
    ['added europe-west4 35.187.0.0/17', 'removed europe-west1 35.187.0.0/17'],
  );
});
