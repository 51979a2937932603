/**
 * The address pass builds ranges only for entries near a change (catalog/address-diff.ts).
 * These randomized catalogs (IPv4 and IPv6 addresses and CIDRs that overlap, hosts, several
 * sections, regions and groups; removals, additions, re-shapings, moves, port changes and a
 * renamed section) must give the same ChangeSet as the exhaustive pass, which gives every IP
 * entry of both catalogs its range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffCatalogs } from './diff.js';
import { catalog, entry } from './__fixtures__/entries.js';
import type { CatalogEntry } from './model.js';
import { buildCatalog } from './canonical.js';
import { azureServiceTagsParser } from '../parsers/azure-service-tags/index.js';
import { changedAzureFeed, syntheticAzureFeed } from '../test/helpers/synthetic-feeds.js';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const SECTIONS = ['Portal access', 'App connector access', 'Log collector', 'Proxy'];
const REGIONS = ['EU1', 'US1', null];
const HOSTS = ['portal.example.com', 'api.example.net', 'logs.example.org', 'cdn.example.com'];

/** A value from a small space, so that ranges overlap, nest and sit side by side. */
function value(next: () => number): string {
  const pick = next();
  const n = (k: number) => Math.floor(next() * k);
  if (pick < 0.55) {
    const prefix = 22 + n(11);
    const address = `10.${n(3)}.${n(8)}.${n(256)}`;
    return prefix === 32 ? address : `${address}/${prefix}`;
  }
  if (pick < 0.85) {
    const prefix = [40, 44, 48, 56, 64, 128][n(6)]!;
    const address = `2603:1000:${n(4).toString(16)}${n(16).toString(16)}00::${n(3) ? '' : n(65536).toString(16)}`;
    return prefix === 128 ? address.replace(/::$/, '::1') : `${address}/${prefix}`;
  }
  return HOSTS[n(HOSTS.length)]!;
}

function place(next: () => number): Partial<CatalogEntry> {
  const section = SECTIONS[Math.floor(next() * SECTIONS.length)]!;
  const group = next() < 0.5 ? `1: ${section}` : `2: ${section} (optional)`;
  return { section, region: REGIONS[Math.floor(next() * REGIONS.length)]!, group };
}

function randomEntry(next: () => number): CatalogEntry {
  return entry(value(next), place(next));
}

/** The old catalog's entries changed as a new version of a document changes them. */
function changed(old: CatalogEntry[], next: () => number): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  const renamed = next() < 0.3 ? SECTIONS[Math.floor(next() * SECTIONS.length)] : null;
  for (const e of old) {
    const roll = next();
    if (roll < 0.08) continue; // removed
    if (roll < 0.14) {
      // moved to another place of the same region
      out.push({ ...e, ...place(next), region: e.region });
      continue;
    }
    if (roll < 0.19) {
      out.push({ ...e, ports: { ...e.ports, tcp: ['443', '80'] } });
      continue;
    }
    if (roll < 0.24 && e.kind === 'ip' && e.value.includes('/')) {
      // re-shaped: a CIDR written as its two halves, where the halves exist
      const [address, prefix] = e.value.split('/');
      const bits = Number(prefix);
      if (!e.value.includes(':') && bits < 32) {
        const octets = address!.split('.').map(Number);
        const start = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
        const size = 2 ** (32 - bits);
        const base = start - (start % size);
        const text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
        const half = (n: number) => (bits + 1 === 32 ? text(n) : `${text(n)}/${bits + 1}`);
        out.push(entry(half(base), e), entry(half(base + size / 2), e));
        continue;
      }
    }
    out.push(renamed && e.section === renamed ? { ...e, section: `${renamed} (renamed)` } : e);
  }
  const added = Math.floor(next() * old.length * 0.1);
  for (let i = 0; i < added; i += 1) out.push(randomEntry(next));
  return out;
}

test('the quick address pass gives the ChangeSet of the exhaustive one on randomized catalogs', () => {
  const seen = { reshaped: 0, moved: 0, modified: 0, netAdded: 0, netRemoved: 0, relabels: 0 };
  for (let seed = 1; seed <= 150; seed += 1) {
    const next = random(seed);
    const size = 5 + Math.floor(next() * 60);
    const oldEntries: CatalogEntry[] = [];
    for (let i = 0; i < size; i += 1) oldEntries.push(randomEntry(next));
    const before = catalog(oldEntries);
    const after = catalog(changed(before.entries, next));
    const quick = diffCatalogs(before, after);
    const reference = diffCatalogs(before, after, { exhaustive: true });
    assert.deepEqual(quick, reference, `seed ${seed}`);
    for (const c of quick.changes) {
      if (c.type === 'reshaped') seen.reshaped += 1;
      if (c.type === 'moved') seen.moved += 1;
      if (c.type === 'modified') seen.modified += 1;
      if (c.netAddresses && c.netAddresses.added !== '0') seen.netAdded += 1;
      if (c.netAddresses && c.netAddresses.removed !== '0') seen.netRemoved += 1;
    }
    seen.relabels += quick.relabels?.length ?? 0;
  }
  // The catalogs exercise every path the address pass has.
  for (const [what, count] of Object.entries(seen)) assert.ok(count > 0, `no ${what} in any seed`);
});

test('the quick address pass gives the ChangeSet of the exhaustive one on a feed of 20k prefixes, both ways', () => {
  const catalogOf = (text: string) =>
    buildCatalog(
      'azure',
      azureServiceTagsParser.parse({ location: 'ServiceTags_Public.json', text, contentType: 'application/json' }),
    );
  const feed = syntheticAzureFeed(20_000).text;
  const before = catalogOf(feed);
  const after = catalogOf(changedAzureFeed(feed));
  for (const [a, b] of [
    [before, after],
    [after, before],
  ] as const) {
    const quick = diffCatalogs(a, b);
    assert.equal(quick.changes.length, 200);
    assert.notEqual(quick.summary.netAddresses?.ipv4.removed, '0');
    assert.deepEqual(quick, diffCatalogs(a, b, { exhaustive: true }));
  }
});
