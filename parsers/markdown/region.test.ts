import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinRegion, regionLabel } from './region.js';

test('regionLabel drops the words that say "data center" and keeps the name as written', () => {
  assert.equal(regionLabel('US1 data center'), 'US1');
  assert.equal(regionLabel('EU1 Data Center'), 'EU1');
  assert.equal(regionLabel('EU2'), 'EU2');
  assert.equal(regionLabel('US Gov GCC High data center'), 'US Gov GCC High');
  assert.equal(regionLabel('Gov US1'), 'Gov US1');
  assert.equal(regionLabel('  **US2**  datacenter '), 'US2');
  assert.equal(regionLabel('Data center: EU3'), 'EU3');
  assert.equal(regionLabel('West Europe region'), 'West Europe');
  assert.equal(regionLabel('Session controls'), 'Session controls');
  assert.equal(regionLabel('US1:'), 'US1');
});

test('regionLabel gives null when nothing is left', () => {
  assert.equal(regionLabel(''), null);
  assert.equal(regionLabel('   '), null);
  assert.equal(regionLabel('** **'), null);
  assert.equal(regionLabel(' - '), null);
});

test('joinRegion puts an in-cell label under the row label', () => {
  assert.equal(joinRegion('Session controls', 'West US 2'), 'Session controls / West US 2');
  assert.equal(joinRegion(null, 'US Gov  Arizona'), 'US Gov Arizona');
  assert.equal(joinRegion('US1', null), 'US1');
  assert.equal(joinRegion(null, null), null);
});
