/**
 * Diff of two synthetic catalogs of `n` entries that differ by 1% (0.5% removed, 0.5% added),
 * against a plain set difference of their values in the same process.
 */
import { performance } from 'node:perf_hooks';
import { buildCatalog } from '../catalog/canonical.js';
import { diffCatalogs } from '../catalog/diff.js';
import type { Catalog } from '../catalog/model.js';
import { selectParser } from '../parsers/registry.js';
import { syntheticAzureFeed } from '../test/helpers/synthetic-feeds.js';

export function syntheticCatalogPair(n: number): { before: Catalog; after: Catalog } {
  const feed = syntheticAzureFeed(n);
  const doc = { location: 'bench', text: feed.text, contentType: 'application/json' };
  const result = selectParser(doc).parse(doc);
  const before = buildCatalog('bench', result);
  const changed = JSON.parse(feed.text);
  // 0.5% removed and 0.5% added, spread over the tags.
  const step = 200;
  let k = 0;
  for (const tag of changed.values) {
    const prefixes: string[] = tag.properties.addressPrefixes;
    for (let i = prefixes.length - 1; i >= 0; i -= 1) {
      k += 1;
      if (k % step === 0) prefixes.splice(i, 1);
      else if (k % step === 100) prefixes.push(`198.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}/32`);
    }
  }
  const doc2 = { location: 'bench', text: JSON.stringify(changed), contentType: 'application/json' };
  const after = buildCatalog('bench', selectParser(doc2).parse(doc2));
  return { before, after };
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length ? sizes : [10_000, 50_000, 100_000]) {
  const { before, after } = syntheticCatalogPair(n);
  const setDiff = () => {
    const a = new Set(before.entries.map((e) => e.value));
    const b = new Set(after.entries.map((e) => e.value));
    let d = 0;
    for (const v of a) if (!b.has(v)) d += 1;
    for (const v of b) if (!a.has(v)) d += 1;
    return d;
  };
  const best = (f: () => unknown, times: number) => {
    let min = Infinity;
    let out: unknown;
    for (let i = 0; i < times; i += 1) {
      const t = performance.now();
      out = f();
      min = Math.min(min, performance.now() - t);
    }
    return [min, out] as const;
  };
  const [setMs, d] = best(setDiff, 5);
  const [diffMs, result] = best(() => diffCatalogs(before, after), Number(process.env.ROUNDS ?? 3));
  const changes = result as ReturnType<typeof diffCatalogs>;
  console.log(
    `${n}: set ${setMs.toFixed(1)} ms (${d}) diff ${diffMs.toFixed(0)} ms (${changes.changes.length} changes) x${(diffMs / setMs).toFixed(1)} rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}
