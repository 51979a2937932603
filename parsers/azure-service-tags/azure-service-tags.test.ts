import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { EmptyDocumentError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import { azureServiceTagsParser, parseAzureServiceTags } from './index.js';
import { assertParseError } from '../../test/helpers/parse-result.js';
import { fixtureDoc, lineFinder, places, textDoc } from '../../test/helpers/feed-fixtures.js';
import { syntheticAzureFeed } from '../../test/helpers/synthetic-feeds.js';

const doc = fixtureDoc(import.meta.url, 'ServiceTags_Public.json');

test('every prefix of every tag: section = tag name, region = tag region or null', () => {
  const result = parseAzureServiceTags(doc);
  const d = 'destination';
  assert.deepEqual(places(result), [
    ['ip', '4.145.74.52/30', 'ActionGroup', null, null, d],
    ['ip', '13.66.60.119', 'ActionGroup', null, null, d],
    ['ip', '2603:1030:c06:400::978/125', 'ActionGroup', null, null, d],
    ['ip', '20.20.32.0/19', 'AzureActiveDirectory', null, null, d],
    ['ip', '40.126.0.0/18', 'AzureActiveDirectory', null, null, d],
    ['ip', '2603:1006:2000::/48', 'AzureActiveDirectory', null, null, d],
    ['ip', '4.175.0.0/16', 'AzureCloud.westeurope', 'westeurope', null, d],
    ['ip', '13.69.0.0/17', 'AzureCloud.westeurope', 'westeurope', null, d],
    ['ip', '20.50.0.0/18', 'AzureCloud.westeurope', 'westeurope', null, d],
    ['ip', '2603:1020:200::/46', 'AzureCloud.westeurope', 'westeurope', null, d],
    ['ip', '13.107.208.0/24', 'AzureFrontDoor.Frontend', null, null, d],
    ['ip', '13.107.213.0/24', 'AzureFrontDoor.Frontend', null, null, d],
    ['ip', '2620:1ec:bdf::/48', 'AzureFrontDoor.Frontend', null, null, d],
    ['ip', '20.38.108.0/23', 'Storage.WestEurope', 'westeurope', null, d],
    ['ip', '52.239.140.0/22', 'Storage.WestEurope', 'westeurope', null, d],
    ['ip', '2603:1026:2405::/48', 'Storage.WestEurope', 'westeurope', null, d],
  ]);
  assert.deepEqual(result.warnings, []);
  // The tag's own changeNumber and systemService ride along as notes.
  const notes = new Map(result.entries.map((e) => [e.section, e.notes]));
  assert.equal(notes.get('AzureFrontDoor.Frontend'), 'changeNumber 33; systemService AzureFrontDoor');
  assert.equal(notes.get('AzureCloud.westeurope'), 'changeNumber 98');
  const next = lineFinder(doc.text);
  for (const entry of result.entries) {
    const written = entry.value === '13.66.60.119' ? '13.66.60.119/32' : entry.value;
    assert.equal(entry.provenance.line, next(`"${written}"`), entry.value);
    assert.equal(entry.provenance.column, 'addressPrefixes');
  }
});

test("the file's changeNumber is the serial; the shape lists the tag fields present", () => {
  const result = parseAzureServiceTags(doc);
  assert.deepEqual(result.serial, { name: 'changeNumber', value: '317' });
  assert.equal(result.shape.tables, 1);
  assert.equal(result.shape.rows, 6);
  assert.deepEqual(result.shape.columns, [
    ['name', 'properties.region', 'properties.systemService', 'properties.addressPrefixes', 'properties.changeNumber'],
  ]);
  assert.deepEqual(buildCatalog('azure', result).serial, { name: 'changeNumber', value: '317' });
});

test('detected from content and by `format: azure-service-tags`; an empty file is held, not a removal', () => {
  assert.equal(parsers.get('azure-service-tags'), azureServiceTagsParser);
  for (const contentType of ['application/json', 'application/octet-stream', null])
    assert.equal(selectParser({ ...doc, contentType }).id, 'azure-service-tags', `${contentType}`);
  const empty = textDoc('{"changeNumber": 318, "cloud": "Public", "values": []}');
  assert.equal(selectParser(empty).id, 'azure-service-tags');
  assert.throws(() => parseAzureServiceTags(empty), EmptyDocumentError);
});

test('a broken tag is a ParseError naming its path; an unreadable prefix a warning', () => {
  assertParseError(
    () =>
      parseAzureServiceTags(textDoc('{"values": [{"name": "Sql", "properties": {"addressPrefixes": "1.2.3.0/24"}}]}')),
    /not an Azure Service Tags file .*: values\[0\]\.properties\.addressPrefixes: Invalid input: expected array, received string/,
  );
  assertParseError(
    () => parseAzureServiceTags(textDoc('{"values": [{"properties": {"addressPrefixes": []}}]}')),
    /values\[0\]\.name: Invalid input/,
  );
  const result = parseAzureServiceTags(
    textDoc('{"values": [{"name": "Sql", "properties": {"region": "", "addressPrefixes": ["1.2.3.0/24", "1.2.3"]}}]}'),
  );
  assert.deepEqual(
    result.entries.map((e) => e.value),
    ['1.2.3.0/24'],
  );
  assert.deepEqual(result.warnings, ['line 1: Sql addressPrefixes: "1.2.3" is not an IP address, CIDR or host name']);
  assert.equal(result.serial, undefined);
});

test('a prefix added to a regional tag is one change for that tag and region', () => {
  const before = buildCatalog('azure', parseAzureServiceTags(doc));
  const text = doc.text.replace('"52.239.140.0/22"', '"52.239.140.0/22",\n          "20.60.222.0/23"');
  const after = buildCatalog('azure', parseAzureServiceTags(textDoc(text)));
  const changes = diffCatalogs(before, after).changes;
  assert.deepEqual(
    changes.map((c) => [c.type, c.section, c.region, c.value]),
    [['added', 'Storage.WestEurope', 'westeurope', '20.60.222.0/23']],
  );
});

test('a Service Tags file of Azure size (100k prefixes) parses completely', { timeout: 180_000 }, () => {
  const feed = syntheticAzureFeed();
  const result = selectParser(textDoc(feed.text)).parse(textDoc(feed.text));
  assert.equal(result.entries.length, 100_000);
  assert.deepEqual(
    result.entries.map((e) => `${e.value} ${e.section} ${e.region}`),
    feed.expected.map((e) => `${e.value} ${e.section} ${e.region}`),
  );
  assert.equal(buildCatalog('azure', result).entries.length, 100_000);
});
