import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffCatalogs } from './diff.js';
import { compareIpValues, netAddressSummary } from './address-diff.js';
import { catalog, entry } from './__fixtures__/entries.js';
import type { Change } from './changes.js';

const other = { section: 'App connector access', group: '1: App connector' };

function only(changes: Change[]): Change {
  assert.equal(changes.length, 1, changes.map((c) => c.message).join('\n'));
  return changes[0]!;
}

test('a /24 re-written as two /25s is one re-shaping, not one removal and two additions', () => {
  const before = catalog([entry('13.64.0.0/24'), entry('portal.cloudappsecurity.com')]);
  const after = catalog([entry('13.64.0.0/25'), entry('13.64.0.128/25'), entry('portal.cloudappsecurity.com')]);
  const set = diffCatalogs(before, after);
  const change = only(set.changes);
  assert.equal(change.type, 'reshaped');
  assert.equal(change.kind, 'ip');
  assert.equal(change.value, '13.64.0.0/24');
  assert.deepEqual(change.reshape, { before: ['13.64.0.0/24'], after: ['13.64.0.0/25', '13.64.0.128/25'] });
  assert.deepEqual(change.netAddresses, { added: '0', removed: '0' });
  assert.equal(change.impact, 'Reshaped');
  assert.equal(change.severity, 'info');
  assert.equal(
    change.message,
    'EU1 Portal access [1: Portal access]: 3 CIDRs re-shaped, covered addresses unchanged (13.64.0.0/24 -> 13.64.0.0/25, 13.64.0.128/25)',
  );
  assert.deepEqual(set.summary.netAddresses, {
    ipv4: { added: '0', removed: '0' },
    ipv6: { added: '0', removed: '0' },
  });
  assert.equal(set.summary.reshaped, 1);
  assert.equal(set.summary.added, 0);
  assert.equal(set.summary.removed, 0);
});

test('adjacent ranges merged into one is a re-shaping', () => {
  const before = catalog([entry('52.108.0.0/15'), entry('52.110.0.0/15')]);
  const after = catalog([entry('52.108.0.0/14')]);
  const change = only(diffCatalogs(before, after).changes);
  assert.equal(change.type, 'reshaped');
  assert.deepEqual(change.reshape, { before: ['52.108.0.0/15', '52.110.0.0/15'], after: ['52.108.0.0/14'] });
});

test('a range dropped or added inside a larger range still listed in the scope is a re-shaping', () => {
  const dropped = only(
    diffCatalogs(catalog([entry('20.190.128.0/18'), entry('20.190.130.0/24')]), catalog([entry('20.190.128.0/18')]))
      .changes,
  );
  assert.equal(dropped.type, 'reshaped');
  assert.deepEqual(dropped.reshape, { before: ['20.190.130.0/24'], after: [] });
  assert.match(
    dropped.message,
    /1 CIDR re-shaped, covered addresses unchanged \(20\.190\.130\.0\/24 dropped, still covered by other listed ranges\)/,
  );

  const added = only(
    diffCatalogs(catalog([entry('20.190.128.0/18')]), catalog([entry('20.190.128.0/18'), entry('20.190.150.7')]))
      .changes,
  );
  assert.equal(added.type, 'reshaped');
  assert.deepEqual(added.reshape, { before: [], after: ['20.190.150.7'] });
  assert.deepEqual(added.netAddresses, { added: '0', removed: '0' });
});

test('growth from /25 to /24 is a real change with net addresses', () => {
  const set = diffCatalogs(catalog([entry('13.64.0.0/25')]), catalog([entry('13.64.0.0/24')]));
  const added = set.changes.find((c) => c.type === 'added');
  const removed = set.changes.find((c) => c.type === 'removed');
  assert.ok(added && removed);
  assert.equal(set.changes.length, 2);
  assert.deepEqual(added.netAddresses, { added: '128', removed: '0' });
  assert.match(added.message, /CIDR added: 13\.64\.0\.0\/24 \(\+128 addresses new, the rest already covered here\)$/);
  assert.deepEqual(removed.netAddresses, { added: '0', removed: '0' });
  assert.match(removed.message, /CIDR removed: 13\.64\.0\.0\/25 \(no addresses lost: still covered here\)$/);
  assert.deepEqual(set.summary.netAddresses, {
    ipv4: { added: '128', removed: '0' },
    ipv6: { added: '0', removed: '0' },
  });
});

test('a re-shaping and a real addition in the same scope are told apart', () => {
  const before = catalog([entry('13.64.0.0/24')]);
  const after = catalog([entry('13.64.0.0/25'), entry('13.64.0.128/25'), entry('13.95.30.47')]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(
    set.changes.map((c) => [c.type, c.value, c.netAddresses]),
    [
      ['added', '13.95.30.47', { added: '1', removed: '0' }],
      ['reshaped', '13.64.0.0/24', { added: '0', removed: '0' }],
    ],
  );
  assert.equal(set.changes[0]!.message, 'EU1 Portal access [1: Portal access]: IP added: 13.95.30.47');
  assert.deepEqual(set.summary.netAddresses?.ipv4, { added: '1', removed: '0' });
});

test('the same addresses re-shaped across two scopes are not a re-shaping, but net to zero', () => {
  const before = catalog([entry('13.64.0.0/24')]);
  const after = catalog([entry('13.64.0.0/25', other), entry('13.64.0.128/25', other)]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(set.changes.map((c) => c.type).sort(), ['added', 'added', 'removed']);
  for (const c of set.changes.filter((c) => c.type === 'added'))
    assert.deepEqual(c.netAddresses, { added: '128', removed: '0' });
  assert.deepEqual(set.summary.netAddresses?.ipv4, { added: '0', removed: '0' });
});

test('IPv6: a /40 split into /41s is a re-shaping; a new /40 counts 2^88 addresses as a decimal string', () => {
  const reshaped = only(
    diffCatalogs(catalog([entry('2603:1006::/40')]), catalog([entry('2603:1006::/41'), entry('2603:1006:80::/41')]))
      .changes,
  );
  assert.equal(reshaped.type, 'reshaped');

  const set = diffCatalogs(
    catalog([entry('2603:1006::/40')]),
    catalog([entry('2603:1006::/40'), entry('2603:1026::/40')]),
  );
  const added = only(set.changes);
  assert.equal(added.type, 'added');
  assert.deepEqual(added.netAddresses, { added: (2n ** 88n).toString(), removed: '0' });
  assert.match(added.message, /\(\+2\^88 addresses\)$/);
  assert.deepEqual(set.summary.netAddresses, {
    ipv4: { added: '0', removed: '0' },
    ipv6: { added: '309485009821345068724781056', removed: '0' },
  });
  // The summary survives JSON exactly.
  assert.deepEqual(JSON.parse(JSON.stringify(set.summary)).netAddresses.ipv6.added, '309485009821345068724781056');
});

test('IPv4 and IPv6 are counted apart, and host names count nothing', () => {
  const before = catalog([entry('13.64.0.0/24'), entry('2603:1006::/48'), entry('a.example.com')]);
  const after = catalog([entry('13.64.0.0/23'), entry('b.example.com')]);
  assert.deepEqual(diffCatalogs(before, after).summary.netAddresses, {
    ipv4: { added: '256', removed: '0' },
    ipv6: { added: '0', removed: (2n ** 80n).toString() },
  });
});

test('host bits set: 10.1.2.3/24 and 10.1.2.0/24 cover the same network', () => {
  const change = only(diffCatalogs(catalog([entry('10.1.2.3/24')]), catalog([entry('10.1.2.0/24')])).changes);
  assert.equal(change.type, 'reshaped');
});

test('a renamed row keeps its scope for re-shaping', () => {
  const before = catalog([
    entry('13.64.0.0/24', { group: '1: Portal' }),
    entry('a.example.com', { group: '1: Portal' }),
    entry('b.example.com', { group: '1: Portal' }),
  ]);
  const after = catalog([
    entry('13.64.0.0/25', { group: '1: Portal and API' }),
    entry('13.64.0.128/25', { group: '1: Portal and API' }),
    entry('a.example.com', { group: '1: Portal and API' }),
    entry('b.example.com', { group: '1: Portal and API' }),
  ]);
  const change = only(diffCatalogs(before, after).changes);
  assert.equal(change.type, 'reshaped');
  assert.equal(change.group, '1: Portal and API');
});

test('a moved IP counts what it adds to its new scope and removes from its old one', () => {
  const before = catalog([entry('13.64.30.47'), entry('13.64.0.0/16', other)]);
  const after = catalog([entry('13.64.30.47', other), entry('13.64.0.0/16', other)]);
  const moved = only(diffCatalogs(before, after).changes);
  assert.equal(moved.type, 'moved');
  assert.deepEqual(moved.netAddresses, { added: '0', removed: '1' });
});

test('netAddressSummary on its own, and with no old catalog', () => {
  assert.deepEqual(netAddressSummary([], [entry('13.64.0.0/24')]), {
    ipv4: { added: '256', removed: '0' },
    ipv6: { added: '0', removed: '0' },
  });
  const set = diffCatalogs(null, catalog([entry('13.64.0.0/24'), entry('13.64.0.5')]));
  assert.deepEqual(set.summary.netAddresses?.ipv4, { added: '256', removed: '0' });
  assert.deepEqual(
    set.changes.map((c) => c.type),
    ['added', 'added'],
  );
});

test('compareIpValues orders by family, address, then larger blocks first', () => {
  assert.deepEqual(['2603:1006::', '104.209.35.177', '13.64.0.0/25', '13.64.0.0/24'].sort(compareIpValues), [
    '13.64.0.0/24',
    '13.64.0.0/25',
    '104.209.35.177',
    '2603:1006::',
  ]);
});

test('a large re-shaping stays one change; its message names the first values and counts the rest', () => {
  const before = Array.from({ length: 20 }, (_, i) => entry(`10.0.${i}.0/24`));
  const after = Array.from({ length: 20 }, (_, i) => [entry(`10.0.${i}.0/25`), entry(`10.0.${i}.128/25`)]).flat();
  const change = only(diffCatalogs(catalog(before), catalog(after)).changes);
  assert.equal(change.type, 'reshaped');
  assert.equal(change.reshape?.before.length, 20);
  assert.equal(change.reshape?.after.length, 40);
  assert.equal(change.value, '10.0.0.0/20, 10.0.16.0/22');
  assert.match(
    change.message,
    /: 60 CIDRs re-shaped, covered addresses unchanged \(10\.0\.0\.0\/24, .* and 12 more -> 10\.0\.0\.0\/25, .* and 32 more\)$/,
  );
});
