import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffCatalogs } from './diff.js';
import { describeChange } from './messages.js';
import { emptyPorts } from './model.js';
import { catalog, entry } from './__fixtures__/entries.js';

const row1 = { group: '1: Portal access' };
const row2 = { group: '2: Admin console' };

test('an endpoint moved between rows of one section is one moved change', () => {
  const before = catalog([
    entry('a.example.com', row1),
    entry('stay1.example.com', row1),
    entry('stay2.example.com', row2),
  ]);
  const after = catalog([
    entry('a.example.com', row2),
    entry('stay1.example.com', row1),
    entry('stay2.example.com', row2),
  ]);
  const set = diffCatalogs(before, after);
  assert.equal(set.changes.length, 1);
  const moved = set.changes[0]!;
  assert.equal(moved.type, 'moved');
  assert.deepEqual(moved.from, { section: 'Portal access', region: 'EU1', group: '1: Portal access' });
  assert.deepEqual(moved.to, { section: 'Portal access', region: 'EU1', group: '2: Admin console' });
  assert.deepEqual(moved.fields, []);
  assert.equal(
    moved.message,
    'EU1 Portal access: host a.example.com moved from [1: Portal access] to [2: Admin console]',
  );
  assert.deepEqual(set.summary, {
    added: 0,
    removed: 0,
    modified: 0,
    moved: 1,
    reshaped: 0,
    bySeverity: { action: 1, cleanup: 0, info: 0 },
    netAddresses: { ipv4: { added: '0', removed: '0' }, ipv6: { added: '0', removed: '0' } },
  });
});

test('an endpoint moved between sections names both places', () => {
  const other = { section: 'Log collector', group: '1: Log collector' };
  const before = catalog([entry('13.95.30.47'), entry('stay.example.com'), entry('logs.example.com', other)]);
  const after = catalog([entry('13.95.30.47', other), entry('stay.example.com'), entry('logs.example.com', other)]);
  const [moved, ...rest] = diffCatalogs(before, after).changes;
  assert.equal(rest.length, 0);
  assert.equal(moved?.type, 'moved');
  assert.equal(moved?.section, 'Log collector');
  assert.equal(moved?.from?.section, 'Portal access');
  assert.equal(
    moved?.message,
    'IP 13.95.30.47 moved from EU1 Portal access [1: Portal access] to EU1 Log collector [1: Log collector]',
  );
});

test('a move with a ports change keeps both and says so', () => {
  const before = catalog([
    entry('a.example.com', row1),
    entry('stay1.example.com', row1),
    entry('stay2.example.com', row2),
  ]);
  const after = catalog([
    entry('a.example.com', { ...row2, ports: { ...emptyPorts(), tcp: ['80', '443'] } }),
    entry('stay1.example.com', row1),
    entry('stay2.example.com', row2),
  ]);
  const [moved, ...rest] = diffCatalogs(before, after).changes;
  assert.equal(rest.length, 0);
  assert.equal(moved?.type, 'moved');
  assert.deepEqual(moved?.fields, ['ports']);
  assert.deepEqual(moved?.before?.ports?.tcp, ['443']);
  assert.deepEqual(moved?.after?.ports?.tcp, ['80', '443']);
  assert.equal(moved?.impact, 'Moved');
  assert.equal(
    moved?.message,
    'EU1 Portal access: host a.example.com moved from [1: Portal access] to [2: Admin console]; ports TCP 443 -> TCP 80, 443',
  );
});

test('a moved endpoint never pairs across regions: that is a removal in one and an addition in the other', () => {
  const before = catalog([
    entry('13.95.30.47', { region: 'EU1' }),
    entry('stay.example.com', { region: 'EU1' }),
    entry('stay.example.com', { region: 'US1' }),
  ]);
  const after = catalog([
    entry('13.95.30.47', { region: 'US1' }),
    entry('stay.example.com', { region: 'EU1' }),
    entry('stay.example.com', { region: 'US1' }),
  ]);
  assert.deepEqual(
    diffCatalogs(before, after).changes.map((c) => [c.type, c.region]),
    [
      ['added', 'US1'],
      ['removed', 'EU1'],
    ],
  );
});

test('renumbered rows and a re-worded row are not changes', () => {
  const before = catalog([
    entry('a.example.com', { group: '1: Portal access' }),
    entry('b.example.com', { group: '1: Portal access' }),
  ]);
  const renumbered = catalog([
    entry('a.example.com', { group: '3: Portal access' }),
    entry('b.example.com', { group: '3: Portal access' }),
  ]);
  const reworded = catalog([
    entry('a.example.com', { group: '1: Portal and admin access' }),
    entry('b.example.com', { group: '1: Portal and admin access' }),
  ]);
  assert.deepEqual(diffCatalogs(before, renumbered).changes, []);
  assert.deepEqual(diffCatalogs(before, reworded).changes, []);
});

test('messages of hand-built reshaped and moved changes without the new fields still read', () => {
  const e = entry('13.64.0.0/24');
  const base = {
    kind: e.kind,
    value: e.value,
    section: e.section,
    region: e.region,
    group: e.group,
    fields: [],
    entry: e,
  };
  assert.equal(
    describeChange({ ...base, type: 'reshaped' }),
    'EU1 Portal access [1: Portal access]: CIDR re-shaped, covered addresses unchanged: 13.64.0.0/24',
  );
  assert.equal(
    describeChange({ ...base, type: 'moved' }),
    'CIDR 13.64.0.0/24 moved from ? to EU1 Portal access [1: Portal access]',
  );
  assert.equal(
    describeChange({ ...base, type: 'added' }),
    'EU1 Portal access [1: Portal access]: CIDR added: 13.64.0.0/24',
  );
});

test('an endpoint removed from one section but still listed in another of its region says so', () => {
  // v177 -> v178: a section deleted whose IPs all stay listed under App connector.
  const dlp = { section: 'Third-party DLP integration', group: null };
  const app = { section: 'App connector', group: null };
  const before = catalog([
    entry('13.80.22.71', dlp),
    entry('13.80.22.71', app),
    entry('13.80.22.71', { ...app, region: 'US1' }),
    entry('40.90.220.190', { ...dlp, region: 'US3' }),
    entry('13.95.30.47', app),
  ]);
  const after = catalog([
    entry('13.80.22.71', app),
    entry('13.80.22.71', { ...app, region: 'US1' }),
    entry('40.90.220.190', { ...app, region: 'US1' }),
    entry('13.95.30.47', { ...dlp, region: null }),
    entry('13.95.30.47', app),
  ]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(
    set.changes.map((c) => [c.severity, c.message]),
    [
      ['action', 'US1 App connector: IP added: 40.90.220.190'],
      // Listed without a region: every region's team reads the EU1 row too.
      ['action', 'Third-party DLP integration: IP added: 13.95.30.47 (already listed under EU1 App connector)'],
      ['cleanup', 'EU1 Third-party DLP integration: IP removed: 13.80.22.71 (still listed under EU1 App connector)'],
      // Still listed, but for another region only: not a reason to keep it for US3.
      ['cleanup', 'US3 Third-party DLP integration: IP removed: 40.90.220.190'],
    ],
  );
  assert.deepEqual(set.changes[2]?.listedElsewhere, [{ section: 'App connector', region: 'EU1', group: null }]);
  assert.equal(set.changes[3]?.listedElsewhere, undefined);
});

test('two 20k-entry feeds a few prefixes apart: exactly those prefixes change, with their net addresses', () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => `20.${(i >> 8) & 255}.${i & 255}.0/24`);
  const v6 = Array.from({ length: 2000 }, (_, i) => `2603:10${(i >> 8).toString(16)}:${(i & 255).toString(16)}::/48`);
  const place = (i: number) => ({ section: `Tag${i % 40}`, region: i % 3 ? `region${i % 7}` : null, group: null });
  const make = (list: string[]) => catalog(list.map((v, i) => entry(v, place(i))));
  const oldValues = [...values(18_000), ...v6];
  const newValues = [...oldValues];
  newValues[100] = '198.51.100.0/24'; // replaces one IPv4 /24 in the same place
  newValues[18_500] = '2001:db8:1::/48'; // and one IPv6 /48
  const set = diffCatalogs(make(oldValues), make(newValues));
  const seen = set.changes.map((c) => `${c.type} ${c.value}`).sort();
  assert.deepEqual(seen, [
    `added 198.51.100.0/24`,
    `added 2001:db8:1::/48`,
    `removed ${oldValues[100]}`,
    `removed ${oldValues[18_500]}`,
  ]);
  assert.deepEqual(set.summary.netAddresses, {
    ipv4: { added: '256', removed: '256' },
    ipv6: { added: String(2n ** 80n), removed: String(2n ** 80n) },
  });
});
