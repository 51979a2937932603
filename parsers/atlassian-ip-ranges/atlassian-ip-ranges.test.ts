import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { EmptyDocumentError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import { atlassianIpRangesParser, parseAtlassianIpRanges } from './index.js';
import { assertParseError } from '../../test/helpers/parse-result.js';
import { fixtureDoc, lineFinder, places, textDoc } from '../../test/helpers/feed-fixtures.js';

const doc = fixtureDoc(import.meta.url, 'ip-ranges.json');

test('an item is one entry per product, region and direction; egress is a source', () => {
  const result = parseAtlassianIpRanges(doc);
  const [s, d] = ['source', 'destination'];
  assert.deepEqual(places(result), [
    ['ip', '104.192.136.0/21', 'bitbucket', 'us-east-1', null, s],
    ['ip', '104.192.136.0/21', 'bitbucket', 'us-east-1', null, d],
    ['ip', '185.166.140.0/22', 'bitbucket', 'eu-west-1', null, s],
    ['ip', '185.166.140.0/22', 'bitbucket', 'eu-west-1', null, d],
    ['ip', '13.52.5.0/25', 'confluence', 'us-west-1', null, s],
    ['ip', '13.52.5.0/25', 'jira', 'us-west-1', null, s],
    ['ip', '13.52.5.0/25', 'jira-service-management', 'us-west-1', null, s],
    ['ip', '18.184.99.128/25', 'confluence', 'eu-central-1', null, d],
    ['ip', '18.184.99.128/25', 'jira', 'eu-central-1', null, d],
    ['ip', '16.63.53.128/25', 'opsgenie', 'eu-central-2', null, s],
    ['ip', '16.63.53.128/25', 'statuspage', 'eu-central-2', null, s],
    ['ip', '2401:1d80:3000::/36', 'trello', 'global', null, d],
  ]);
  assert.deepEqual(result.warnings, []);
  // Every entry of an item points at the line of its cidr (not of its "network").
  const next = lineFinder(doc.text);
  const lineOfItem = new Map<string, number>();
  for (const entry of result.entries) {
    if (!lineOfItem.has(entry.value)) lineOfItem.set(entry.value, next(`"cidr": "${entry.value}"`));
    assert.equal(entry.provenance.line, lineOfItem.get(entry.value), entry.value);
    assert.equal(entry.provenance.column, 'cidr');
  }
  assert.deepEqual(result.serial, { name: 'syncToken', value: '1733801109' });
  assert.deepEqual(result.shape.columns, [['cidr', 'region', 'product', 'direction']]);
  assert.equal(result.shape.rows, 6);
});

test('no product, region or direction: one destination entry with no section or region', () => {
  const result = parseAtlassianIpRanges(
    textDoc(
      '{"items": [{"cidr": "52.215.192.128/25", "region": [], "product": [], "direction": []}, {"cidr": "52.41.219.63/32", "direction": ["sideways"]}]}',
    ),
  );
  assert.deepEqual(places(result), [
    ['ip', '52.215.192.128/25', '', null, null, 'destination'],
    ['ip', '52.41.219.63', '', null, null, 'destination'],
  ]);
  assert.deepEqual(result.warnings, [
    'line 1: 52.41.219.63/32: unknown direction "sideways", read as ingress (a destination)',
  ]);
  assert.equal(result.serial, undefined);
});

test('an unreadable cidr is one warning, however many products it lists; a missing one a ParseError', () => {
  const result = parseAtlassianIpRanges(
    textDoc(
      '{"items": [{"cidr": "13.52.5.0/25", "product": ["jira"]}, {"cidr": "13.52.5/25", "product": ["jira", "confluence"], "region": ["us-west-1"]}]}',
    ),
  );
  assert.deepEqual(
    result.entries.map((e) => e.value),
    ['13.52.5.0/25'],
  );
  assert.deepEqual(result.warnings, [
    'line 1: jira, confluence (us-west-1) cidr: "13.52.5/25" is not an IP address, CIDR or host name',
  ]);
  assertParseError(
    () => parseAtlassianIpRanges(textDoc('{"items": [{"network": "13.52.5.0", "mask_len": 25}]}')),
    /not Atlassian's ip-ranges\.json .*: items\[0\]\.cidr: Invalid input: expected string, received undefined/,
  );
  const empty = textDoc('{"creationDate": "2024-12-10T03:25:09", "syncToken": 1, "items": []}');
  assert.equal(selectParser(empty).id, 'atlassian-ip-ranges');
  assert.throws(() => parseAtlassianIpRanges(empty), EmptyDocumentError);
});

test('detected from content, and by `format: atlassian-ip-ranges`', () => {
  assert.equal(parsers.get('atlassian-ip-ranges'), atlassianIpRangesParser);
  for (const contentType of ['application/json', null])
    assert.equal(selectParser({ ...doc, contentType }).id, 'atlassian-ip-ranges');
});

test('a product added to an item is a change for that product only', () => {
  const before = buildCatalog('atl', parseAtlassianIpRanges(doc));
  const text = doc.text.replace(
    '"product": [\n        "trello"\n      ]',
    '"product": [\n        "trello",\n        "loom"\n      ]',
  );
  assert.notEqual(text, doc.text);
  const changes = diffCatalogs(before, buildCatalog('atl', parseAtlassianIpRanges(textDoc(text)))).changes;
  assert.deepEqual(
    changes.map((c) => [c.type, c.section, c.region, c.value]),
    [['added', 'loom', 'global', '2401:1d80:3000::/36']],
  );
});
