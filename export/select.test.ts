import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectEntries } from './select.js';
import { catalog, entry } from '../catalog/__fixtures__/entries.js';
import { UsageError } from '../errors/index.js';

const cas = catalog(
  [
    entry('13.64.0.0/24', { region: 'EU1' }),
    entry('13.95.30.47', { region: 'US1' }),
    entry('portal.cloudappsecurity.com', { region: null }),
  ],
  'cloud-app-security',
);
const m365 = catalog(
  [
    entry('outlook.office.com', { region: null, required: true }),
    entry('telemetry.office.com', { region: null, required: false }),
    entry('52.96.0.0/14', { region: null, required: null }),
  ],
  'microsoft-365',
);

test('all entries of all catalogs, tagged with their source, sorted by source', () => {
  const all = selectEntries([m365, cas]);
  assert.equal(all.length, 6);
  assert.deepEqual(
    all.map((e) => [e.source, e.value]),
    [
      ['cloud-app-security', 'portal.cloudappsecurity.com'],
      ['cloud-app-security', '13.64.0.0/24'],
      ['cloud-app-security', '13.95.30.47'],
      ['microsoft-365', '52.96.0.0/14'],
      ['microsoft-365', 'outlook.office.com'],
      ['microsoft-365', 'telemetry.office.com'],
    ],
  );
});

test('--source keeps one source; an unknown one is a usage error naming the known ones', () => {
  assert.deepEqual(
    selectEntries([m365, cas], { source: 'microsoft-365' }).map((e) => e.value),
    ['52.96.0.0/14', 'outlook.office.com', 'telemetry.office.com'],
  );
  assert.throws(
    () => selectEntries([m365, cas], { source: 'azure' }),
    (err: unknown) => err instanceof UsageError && /known: cloud-app-security, microsoft-365/.test(err.message),
  );
});

test('--region keeps that region (any case) and the entries without a region', () => {
  assert.deepEqual(
    selectEntries([cas], { region: 'eu1' }).map((e) => [e.value, e.region]),
    [
      ['portal.cloudappsecurity.com', null],
      ['13.64.0.0/24', 'EU1'],
    ],
  );
  assert.throws(
    () => selectEntries([cas], { region: 'EU9' }),
    (err: unknown) => err instanceof UsageError && /regions: EU1, US1/.test(err.message),
  );
});

test('--required-only drops Optional entries and keeps unstated ones', () => {
  assert.deepEqual(
    selectEntries([m365], { requiredOnly: true }).map((e) => e.value),
    ['52.96.0.0/14', 'outlook.office.com'],
  );
});

test('the same catalog given twice yields each entry once', () => {
  assert.equal(selectEntries([cas, cas]).length, 3);
});
