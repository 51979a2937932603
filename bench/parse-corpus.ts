/**
 * `npm run bench`: parses every version of the real documents in ../shared/corpus and prints
 * versions/s, MB/s and peak memory, next to a plain regex token scan of the same bytes (the
 * floor: what reading the text at all costs). Not a test: numbers depend on the machine.
 * Target: the whole CAS corpus (197 versions, 3.6 MB) in under 2 s on one core.
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

function measure(label: string, files: Array<{ name: string; body: Buffer }>, work: (body: Buffer, name: string) => number): void {
  const bytes = files.reduce((n, f) => n + f.body.length, 0);
  let peak = process.memoryUsage().rss;
  let found = 0;
  const start = performance.now();
  for (const file of files) {
    found += work(file.body, file.name);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${label.padEnd(34)} ${files.length} versions  ${(bytes / 1e6).toFixed(2)} MB  ${seconds.toFixed(3)} s  ` +
      `${(files.length / seconds).toFixed(0)} versions/s  ${(bytes / 1e6 / seconds).toFixed(1)} MB/s  ` +
      `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB  (${found} entries/tokens)`,
  );
}

for (const folder of readdirSync(corpusRoot).filter((d) => existsSync(join(corpusRoot, d, 'versions.tsv'))).sort()) {
  const dir = join(corpusRoot, folder);
  const files = readdirSync(dir)
    .filter((n) => /^\d{3}_.*\.md$/.test(n))
    .sort()
    .map((name) => ({ name, body: readFileSync(join(dir, name)) }));
  // Warm-up so that module loading and JIT are not counted against the first version.
  for (const file of files.slice(0, 3)) {
    const text = decodeDocument(file.body);
    selectParser({ location: file.name, text, contentType: 'text/markdown' }).parse({ location: file.name, text, contentType: 'text/markdown' });
  }
  measure(`${folder}: parse + catalog`, files, (body, name) => {
    const text = decodeDocument(body);
    const doc = { location: name, text, contentType: 'text/markdown' };
    return buildCatalog(folder, selectParser(doc).parse(doc)).entries.length;
  });
  measure(`${folder}: regex token scan`, files, (body) => decodeDocument(body).match(TOKEN)?.length ?? 0);
}
