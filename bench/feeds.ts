/**
 * `node --import tsx bench/feeds.ts [rounds]`: parse time of the cloud IP feeds at their real
 * size, generated on the fly (test/helpers/synthetic-feeds.ts): an AWS ip-ranges.json of
 * ~17k prefixes and an Azure Service Tags file of 100k. Prints, per feed and round, the time
 * to pick the parser (detect), to parse, and to build the catalog (buildCatalog: canonical
 * values, duplicates merged, sorted), the entries found, and the process's peak RSS so far.
 * Next to it, JSON.parse of the same text: the floor. Not a test: numbers depend on the
 * machine and on what else runs; the first round includes V8 compiling the code.
 */
import { performance } from 'node:perf_hooks';
import { buildCatalog } from '../catalog/canonical.js';
import { selectParser } from '../parsers/registry.js';
import { syntheticAwsFeed, syntheticAzureFeed } from '../test/helpers/synthetic-feeds.js';

const rounds = Number(process.argv[2] ?? 3);
const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`.padStart(8);

for (const [label, make] of [
  ['AWS ip-ranges.json', syntheticAwsFeed],
  ['Azure Service Tags', syntheticAzureFeed],
] as const) {
  const feed = make();
  const doc = { location: label, text: feed.text, contentType: 'application/json' };
  console.log(`${label}: ${(feed.text.length / 1e6).toFixed(1)} MB, ${feed.expected.length} prefixes`);
  for (let round = 1; round <= rounds; round += 1) {
    let start = performance.now();
    JSON.parse(feed.text);
    const floor = ms(start);
    start = performance.now();
    const parser = selectParser(doc);
    const detect = ms(start);
    start = performance.now();
    const result = parser.parse(doc);
    const parse = ms(start);
    start = performance.now();
    const catalog = buildCatalog('bench', result);
    const build = ms(start);
    const rss = `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
    console.log(
      `  round ${round}: JSON.parse ${floor} | detect ${detect} | parse ${parse} | buildCatalog ${build} | ${result.entries.length} entries -> ${catalog.entries.length} in the catalog (${parser.id}) | peak RSS ${rss}`,
    );
  }
}
