import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildCatalog } from './canonical.js';
import { filterCatalog } from './filter.js';
import { selectParser } from '../parsers/registry.js';

function feedCatalog(path: string) {
  const text = readFileSync(new URL(path, import.meta.url), 'utf8');
  const doc = { location: path, text, contentType: 'application/json' };
  return buildCatalog('feed', selectParser(doc).parse(doc));
}

const aws = feedCatalog('../parsers/aws-ip-ranges/__fixtures__/ip-ranges.json');
const azure = feedCatalog('../parsers/azure-service-tags/__fixtures__/ServiceTags_Public.json');
const places = (entries: { section: string; region: string | null }[]) =>
  [...new Set(entries.map((e) => `${e.section} ${e.region}`))].sort();

test('include AMAZON in us-west-2 keeps exactly those entries of the AWS feed', () => {
  const filtered = filterCatalog(aws, { include: [{ service: ['AMAZON'], region: ['us-west-2'] }], exclude: [] });
  const expected = aws.entries.filter((e) => e.section === 'AMAZON' && e.region === 'us-west-2');
  assert.ok(expected.length > 0 && expected.length < aws.entries.length, 'the fixture has that slice and more');
  assert.deepEqual(filtered.entries, expected);
  assert.deepEqual(filtered.shape.entriesPerSection, { AMAZON: expected.length });
  assert.equal(aws.entries.length > filtered.entries.length, true, 'the input catalog is not changed');
});

test('rules OR together, fields AND, exclude wins; a * matches any run of characters', () => {
  const filtered = filterCatalog(aws, {
    include: [{ region: ['eu-*'] }, { service: ['S3'] }],
    exclude: [{ region: ['eu-central-1'] }],
  });
  const keep = (e: { section: string; region: string | null }) =>
    (e.region?.startsWith('eu-') || e.section === 'S3') && e.region !== 'eu-central-1';
  assert.deepEqual(filtered.entries, aws.entries.filter(keep));
  assert.ok(filtered.entries.length > 0);
  assert.ok(filtered.entries.every((e) => e.region !== 'eu-central-1'));
  assert.ok(
    aws.entries.some((e) => e.region === 'eu-central-1'),
    'the excluded region is in the feed',
  );
});

test('an Azure tag by name, or by its systemService; no rule keeps the catalog as it is', () => {
  const frontDoor = filterCatalog(azure, { include: [{ section: ['AzureFrontDoor.Frontend'] }], exclude: [] });
  assert.ok(frontDoor.entries.length > 0);
  assert.deepEqual(places(frontDoor.entries), ['AzureFrontDoor.Frontend null']);
  const byService = filterCatalog(azure, { include: [{ service: ['AzureFrontDoor'] }], exclude: [] });
  assert.ok(byService.entries.some((e) => e.section === 'AzureFrontDoor.Frontend'));
  assert.ok(
    byService.entries.every(
      (e) => /systemService AzureFrontDoor(;|$)/.test(e.notes ?? '') || e.section === 'AzureFrontDoor',
    ),
  );
  assert.equal(filterCatalog(azure, { include: [], exclude: [] }), azure);
  assert.equal(filterCatalog(azure, undefined), azure);
});

test('rules that keep nothing of a feed are a parse error naming its sections, not an empty page', () => {
  assert.throws(
    () => filterCatalog(aws, { include: [{ region: ['eu-west-9'] }], exclude: [] }),
    /include\/exclude rules keep none of the \d+ entries \(sections: AMAZON, /,
  );
});
