/**
 * `npm run bench`: parses every version of the real documents in ../shared/corpus and prints
 * versions/s, MB/s and memory, next to a plain regex token scan of the same bytes (the floor:
 * what reading the text at all costs). Not a test: numbers depend on the machine, and on what
 * else it runs; run it a few times. The parse + catalog line also says how the time splits
 * between the parser (parse) and buildCatalog (catalog). The last line is the process's peak
 * resident memory (maxRSS), the true peak of the whole run.
 * The timed loop is the work alone, wall clock from the first version to the last (garbage
 * collection included, wherever it falls): memory is not sampled inside it, since reading the
 * RSS after each version took 60-390 ms over the corpus in a timed run. Each line reports the
 * process's peak RSS so far (maxRSS) instead.
 * Markdown is parsed by remark-parse (GFM tables) as it is, with no shortcut: about 15 ms a
 * version, which only a backfill of years of history notices.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeDocument } from '../parsers/decode.js';
import { selectParser } from '../parsers/registry.js';
import { buildCatalog } from '../catalog/canonical.js';

const corpusRoot = new URL('../../shared/corpus/', import.meta.url).pathname;
if (!existsSync(corpusRoot)) {
  console.error(`corpus not found at ${corpusRoot}: nothing to measure`);
  process.exit(1);
}

const TOKEN = /\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b|\b(?:\*\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}\b/gi;

function measure(
  label: string,
  files: Array<{ name: string; body: Buffer }>,
  work: (body: Buffer, name: string) => number,
  detail = () => '',
): void {
  const bytes = files.reduce((n, f) => n + f.body.length, 0);
  let found = 0;
  const start = performance.now();
  for (const file of files) found += work(file.body, file.name);
  const seconds = (performance.now() - start) / 1000;
  // maxRSS is in KiB: the peak of the process so far, this measurement included.
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(
    `${label.padEnd(34)} ${files.length} versions  ${(bytes / 1e6).toFixed(2)} MB  ${seconds.toFixed(3)} s  ` +
      `${(files.length / seconds).toFixed(0)} versions/s  ${(bytes / 1e6 / seconds).toFixed(1)} MB/s  ` +
      `RSS ${(peak / 2 ** 20).toFixed(0)} MiB  (${found} entries/tokens)${detail()}`,
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

for (const folder of readdirSync(corpusRoot)
  .filter((d) => existsSync(join(corpusRoot, d, 'versions.tsv')))
  .sort()) {
  const dir = join(corpusRoot, folder);
  const files = readdirSync(dir)
    .filter((n) => /^\d{3}_.*\.md$/.test(n))
    .sort()
    .map((name) => ({ name, body: readFileSync(join(dir, name)) }));
  // Warm-up so that module loading and JIT are not counted against the first version.
  for (const file of files.slice(0, 3)) {
    const text = decodeDocument(file.body);
    selectParser({ location: file.name, text, contentType: 'text/markdown' }).parse({
      location: file.name,
      text,
      contentType: 'text/markdown',
    });
  }
  let parseMs = 0;
  let catalogMs = 0;
  measure(
    `${folder}: parse + catalog`,
    files,
    (body, name) => {
      const t0 = performance.now();
      const text = decodeDocument(body);
      const doc = { location: name, text, contentType: 'text/markdown' };
      const result = selectParser(doc).parse(doc);
      const t1 = performance.now();
      const catalog = buildCatalog(folder, result);
      const t2 = performance.now();
      parseMs += t1 - t0;
      catalogMs += t2 - t1;
      return catalog.entries.length;
    },
    () => `  [parse ${seconds(parseMs)}, catalog ${seconds(catalogMs)}]`,
  );
  measure(`${folder}: regex token scan`, files, (body) => decodeDocument(body).match(TOKEN)?.length ?? 0);
}

// maxRSS is in KiB: the peak resident memory of the whole process, module loading included.
console.log(`peak memory (maxRSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
