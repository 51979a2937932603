import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRegionLike, joinRegion, readRowLabel, regionLabel } from './region.js';

test('regionLabel drops the words that say "data center" and keeps the name as written', () => {
  assert.equal(regionLabel('US1 data center'), 'US1');
  assert.equal(regionLabel('EU1 Data Center'), 'EU1');
  assert.equal(regionLabel('EU2'), 'EU2');
  assert.equal(regionLabel('US Gov GCC High data center'), 'US Gov GCC High');
  assert.equal(regionLabel('Gov US1'), 'Gov US1');
  assert.equal(regionLabel('  **US2**  datacenter '), 'US2');
  assert.equal(regionLabel('Data center: EU3'), 'EU3');
  assert.equal(regionLabel('West Europe region'), 'West Europe');
  assert.equal(regionLabel('US1:'), 'US1');
});

test('regionLabel gives null when nothing is left', () => {
  assert.equal(regionLabel(''), null);
  assert.equal(regionLabel('   '), null);
  assert.equal(regionLabel('** **'), null);
  assert.equal(regionLabel(' - '), null);
});

test('data-center and cloud-region labels are regions by themselves; row names, numbers and sentences are not', () => {
  for (const label of [
    'US1',
    'EU',
    'GCC',
    'Gov US1',
    'US1 data center',
    'US Gov GCC High data center',
    'West US 2',
    'Australia Southeast',
    'US Gov Arizona',
    'UK West',
    'us-east-1',
    'europe-west1',
  ])
    assert.ok(isRegionLike(label), label);
  for (const label of [
    'Session controls',
    '**SAML proxy**',
    'Access controls',
    'API',
    'SMTP',
    'Microsoft Teams',
    '1',
    '2.',
    '??',
    'Allow the connector to reach the portal on port 443.',
    'US1, EU1',
  ])
    assert.equal(isRegionLike(label), false, label);
});

test('a row label cell: a region, the row name, or nothing, as its header says', () => {
  assert.deepEqual(readRowLabel('US1 data center', ''), { region: 'US1', group: null });
  assert.deepEqual(readRowLabel('**Session controls**', ''), { region: null, group: 'Session controls' });
  // A "Data center" header makes any short label a region, but never a number or "??".
  assert.deepEqual(readRowLabel('Japan', 'Data center'), { region: 'Japan', group: null });
  assert.deepEqual(readRowLabel('Japan', ''), { region: null, group: 'Japan' });
  assert.deepEqual(readRowLabel('??', 'Data center'), { region: null, group: null });
  assert.deepEqual(readRowLabel('3', ''), { region: null, group: null });
  assert.deepEqual(readRowLabel('Portal', 'S.No'), { region: null, group: null });
  const sentence = 'Lets the connector reach the service and report its health';
  assert.deepEqual(readRowLabel(sentence, 'Data center'), { region: null, group: sentence });
});

test('joinRegion puts an in-cell label under the row label', () => {
  assert.equal(joinRegion('US1', 'West US 2'), 'US1 / West US 2');
  assert.equal(joinRegion(null, 'US Gov  Arizona'), 'US Gov Arizona');
  assert.equal(joinRegion('US1', null), 'US1');
  assert.equal(joinRegion(null, null), null);
});
