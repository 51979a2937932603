import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { EmptyDocumentError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import { awsIpRangesParser, parseAwsIpRanges } from './index.js';
import { assertParseError } from '../../test/helpers/parse-result.js';
import { fixtureDoc, lineFinder, places, textDoc } from '../../test/helpers/feed-fixtures.js';
import { syntheticAwsFeed } from '../../test/helpers/synthetic-feeds.js';

const doc = fixtureDoc(import.meta.url, 'ip-ranges.json');

test('every prefix becomes one entry: section = service, region = region, the zone as group', () => {
  const result = parseAwsIpRanges(doc);
  assert.deepEqual(places(result), [
    ['ip', '3.5.140.0/22', 'AMAZON', 'ap-northeast-2', null, 'destination'],
    ['ip', '3.5.140.0/22', 'S3', 'ap-northeast-2', null, 'destination'],
    ['ip', '13.34.65.64/27', 'AMAZON', 'il-central-1', null, 'destination'],
    // A /32 is a single address: canonical form drops the prefix.
    ['ip', '52.93.178.234', 'AMAZON', 'us-west-1', null, 'destination'],
    ['ip', '15.230.39.60/31', 'AMAZON', 'us-east-2', null, 'destination'],
    ['ip', '3.120.0.0/14', 'EC2', 'eu-central-1', null, 'destination'],
    ['ip', '15.181.232.0/21', 'EC2', 'us-west-2', 'us-west-2-lax-1', 'destination'],
    ['ip', '130.176.0.0/17', 'CLOUDFRONT', 'GLOBAL', null, 'destination'],
    ['ip', '205.251.249.0/24', 'ROUTE53', 'GLOBAL', null, 'destination'],
    ['ip', '54.239.0.240/28', 'ROUTE53_HEALTHCHECKS', 'eu-west-1', null, 'destination'],
    ['ip', '2600:1ff2:4000::/40', 'AMAZON', 'us-west-2', null, 'destination'],
    ['ip', '2600:1ff2:4000::/40', 'S3', 'us-west-2', null, 'destination'],
    ['ip', '2a05:d07a:a000::/40', 'AMAZON', 'eu-south-1', null, 'destination'],
    ['ip', '2600:9000:3000::/36', 'CLOUDFRONT', 'GLOBAL', null, 'destination'],
    ['ip', '2406:da70:8800::/40', 'EC2', 'ap-east-1', null, 'destination'],
    ['ip', '2600:1f14:fff:f800::/56', 'ROUTE53_HEALTHCHECKS', 'us-west-2', null, 'destination'],
  ]);
  assert.deepEqual(result.warnings, []);
  const zone = result.entries.find((e) => e.group === 'us-west-2-lax-1')!;
  assert.equal(zone.groupKey, 'us-west-2-lax-1');
  // Each entry points at the line of its own prefix, the second listing of a prefix included.
  const next = lineFinder(doc.text);
  for (const entry of result.entries) {
    const written = entry.value === '52.93.178.234' ? '52.93.178.234/32' : entry.value;
    assert.equal(entry.provenance.line, next(`"${written}"`), entry.value);
    assert.equal(entry.provenance.column, entry.value.includes(':') ? 'ipv6_prefix' : 'ip_prefix');
  }
});

test('the syncToken is the serial; the shape has both lists and their fields', () => {
  const result = parseAwsIpRanges(doc);
  assert.deepEqual(result.serial, { name: 'syncToken', value: '1733875393' });
  assert.equal(result.shape.format, 'aws-ip-ranges');
  assert.equal(result.shape.tables, 2);
  assert.equal(result.shape.rows, 16);
  assert.deepEqual(result.shape.columns, [
    ['ip_prefix', 'region', 'service', 'network_border_group'],
    ['ipv6_prefix', 'region', 'service', 'network_border_group'],
  ]);
  const catalog = buildCatalog('aws', result);
  assert.deepEqual(catalog.serial, { name: 'syncToken', value: '1733875393' });
  assert.equal(catalog.shape.entriesPerSection.AMAZON, 6);
});

test('detected from content, whatever the content type, and by `format: aws-ip-ranges`', () => {
  assert.equal(parsers.get('aws-ip-ranges'), awsIpRangesParser);
  for (const contentType of ['application/json', 'binary/octet-stream', 'text/plain', null])
    assert.equal(selectParser({ ...doc, contentType }).id, 'aws-ip-ranges', `${contentType}`);
  assert.equal(selectParser(textDoc('{"a": 1}'), 'aws-ip-ranges'), awsIpRangesParser);
  // An empty file with AWS's stamps is still AWS's (so it is held as a broken generation).
  const empty = textDoc('{"syncToken": "1", "createDate": "2024-01-01-00-00-00", "prefixes": [], "ipv6_prefixes": []}');
  assert.equal(selectParser(empty).id, 'aws-ip-ranges');
  assert.throws(() => parseAwsIpRanges(empty), EmptyDocumentError);
});

test('a prefix that is no address is a warning naming its line and place; the others are kept', () => {
  const text = JSON.stringify(
    {
      syncToken: '2',
      prefixes: [
        { ip_prefix: '3.2.34.0/26', region: 'af-south-1', service: 'AMAZON', network_border_group: 'af-south-1' },
        { ip_prefix: 'not-an-ip', region: 'af-south-1', service: 'EC2', network_border_group: 'af-south-1' },
      ],
    },
    null,
    2,
  );
  const result = parseAwsIpRanges(textDoc(text));
  assert.deepEqual(
    result.entries.map((e) => e.value),
    ['3.2.34.0/26'],
  );
  assert.equal(result.warnings.length, 1);
  assert.match(
    result.warnings[0]!,
    /^line 11: EC2 \(af-south-1\) ip_prefix: "not-an-ip" is not an IP address, CIDR or host name$/,
  );
});

test('a feed of the wrong shape is a ParseError naming the path; broken JSON says so', () => {
  assertParseError(
    () => parseAwsIpRanges(textDoc('{"prefixes": [{"ip_prefix": "3.2.34.0/26", "region": 7, "service": "AMAZON"}]}')),
    /not an AWS ip-ranges\.json .*: prefixes\[0\]\.region: Invalid input: expected string, received number/,
  );
  assertParseError(
    () => parseAwsIpRanges(textDoc('{"prefixes": "3.2.34.0/26"}')),
    /prefixes: Invalid input: expected array/,
  );
  assertParseError(() => parseAwsIpRanges(textDoc('{"prefixes": [')), /not valid JSON/);
});

test('a change names its service and region', () => {
  const before = buildCatalog('aws', parseAwsIpRanges(doc));
  const text = doc.text.replace('"3.120.0.0/14"', '"3.124.0.0/14"');
  const after = buildCatalog('aws', parseAwsIpRanges(textDoc(text)));
  const messages = diffCatalogs(before, after).changes.map((c) => `${c.type} ${c.region} ${c.section} ${c.value}`);
  assert.deepEqual(messages.sort(), ['added eu-central-1 EC2 3.124.0.0/14', 'removed eu-central-1 EC2 3.120.0.0/14']);
});

test('a feed of AWS size (10.7k IPv4, 6.2k IPv6 prefixes) parses completely', { timeout: 120_000 }, () => {
  const feed = syntheticAwsFeed();
  const result = selectParser(textDoc(feed.text)).parse(textDoc(feed.text));
  assert.equal(result.entries.length, 16_900);
  assert.deepEqual(
    result.entries.map((e) => `${e.value} ${e.section} ${e.region}`),
    feed.expected.map((e) => `${e.value} ${e.section} ${e.region}`),
  );
  assert.equal(buildCatalog('aws', result).entries.length, 16_900);
  // Lines are those of the pretty-printed file: 6 lines per prefix, after 4 lines of head.
  assert.equal(result.entries[0]!.provenance.line, 6);
  assert.equal(result.entries[1]!.provenance.line, 12);
});
