import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogEntry } from './model.js';
import { canonicalEntries, compareEntries, entryKey } from './canonical.js';
import { entry } from './__fixtures__/entries.js';

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Case, accents, a zero-width space the collator ignores, empty strings and mixed kinds: where
// a shortcut through ranks could part from the comparator.
const SECTIONS = ['Portal access', 'portal access', 'Pörtal access', 'Portal\u200baccess', 'Zeta', '', 'API connector'];
const REGIONS = [null, 'EU1', 'eu1', 'US1', 'US2'];
const GROUPS = [null, '1: Portal', '2: portal', '10: Éxchange', '3: exchange'];
const VALUES = [
  '13.80.22.71',
  '13.80.22.7',
  '104.209.35.177',
  '13.80.0.0/16',
  '2603:1006::/40',
  '2603:1006::1',
  'portal.example.com',
  'Portal.example.net',
  '*.example.com',
  'https://a.example.com/x',
  'b.example.com',
];
const ROLES: CatalogEntry['role'][] = ['destination', 'source'];

function randomEntries(seed: number, count: number): CatalogEntry[] {
  const next = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return Array.from({ length: count }, () =>
    entry(pick(VALUES), { section: pick(SECTIONS), region: pick(REGIONS), group: pick(GROUPS), role: pick(ROLES) }),
  );
}

test('canonicalEntries: each identity once, in exactly the order compareEntries gives', () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    const entries = randomEntries(seed, 400);
    const sorted = canonicalEntries(entries.map((e) => ({ ...e, ports: { ...e.ports } })));
    // Reference: the first copy of each identity, then the comparator sort (stable, like the shortcut).
    const seen = new Set<string>();
    const reference = entries.filter((e) => !seen.has(entryKey(e)) && seen.add(entryKey(e))).sort(compareEntries);
    assert.ok(reference.length < entries.length, 'the sample has duplicates to merge');
    assert.deepEqual(sorted.map(entryKey), reference.map(entryKey), `seed ${seed}`);
    assert.ok(new Set(sorted.map((e) => e.section)).size > 3, 'the sample mixes sections');
  }
});

test('canonicalEntries: duplicates of one identity unite their ports', () => {
  const a = entry('13.80.22.71', { ports: { tcp: ['443'], udp: [], any: [], custom: false } });
  const b = entry('13.80.22.71', { ports: { tcp: ['80'], udp: ['3478'], any: [], custom: false } });
  const [merged, ...rest] = canonicalEntries([a, b]);
  assert.deepEqual(rest, []);
  assert.deepEqual(merged!.ports, { tcp: ['80', '443'], udp: ['3478'], any: [], custom: false });
});
