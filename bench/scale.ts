/**
 * `npm run bench` (second part), or `node --import tsx bench/scale.ts [sizes...]`: the catalog
 * at feed scale. Synthetic Azure Service Tags files (test/helpers/synthetic-feeds.ts) of 10k,
 * 50k, 100k and 200k prefixes and a second version of each that differs by 1% (0.5% of the
 * prefixes removed, as many added).
 *
 *  - diff: a fresh process reads both catalog.json files (as `endpoint-watch diff a.json b.json`
 *    and `run` do) and diffs them; it prints the diff's wall time (best of 3), a plain set
 *    difference of the two catalogs' values measured in the same process (best of 5) and the
 *    ratio, and the process's peak RSS (module loading and both catalogs included).
 *  - run: a loopback HTTP server serves the 100k feed; `endpoint-watch run` (a fresh process
 *    each time, the config's source pointing at it) records the baseline, then the changed
 *    version (fetch, parse, diff, commit, console alert), then again with nothing changed.
 *
 * Not a test: wall times depend on the machine and on what else it runs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildCatalog, parseStoredCatalog, serializeCatalog } from '../catalog/canonical.js';
import { diffCatalogs } from '../catalog/diff.js';
import { selectParser } from '../parsers/registry.js';
import { syntheticAzureFeed } from '../test/helpers/synthetic-feeds.js';

const self = fileURLToPath(import.meta.url);
const root = join(self, '..', '..');
const peakMiB = () => process.resourceUsage().maxRSS / 1024;

/** The feed with 0.5% of its prefixes removed and as many added, spread over every tag. */
export function changedFeed(text: string): string {
  const feed = JSON.parse(text) as {
    changeNumber: number;
    values: Array<{ properties: { addressPrefixes: string[] } }>;
  };
  let k = 0;
  for (const tag of feed.values) {
    const prefixes = tag.properties.addressPrefixes;
    for (let i = prefixes.length - 1; i >= 0; i -= 1) {
      k += 1;
      if (k % 200 === 0) prefixes.splice(i, 1);
      else if (k % 200 === 100) prefixes.push(`198.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}/32`);
    }
  }
  feed.changeNumber += 1;
  return JSON.stringify(feed, null, 2);
}

function catalogOf(text: string) {
  const doc = { location: 'bench.json', text, contentType: 'application/json' };
  return buildCatalog('bench', selectParser(doc).parse(doc));
}

function best<T>(times: number, work: () => T): { ms: number; result: T } {
  let ms = Number.POSITIVE_INFINITY;
  let result!: T;
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    result = work();
    ms = Math.min(ms, performance.now() - start);
  }
  return { ms, result };
}

/** In the child: read two catalog.json files, time the set difference and the diff. */
async function diffChild(dir: string): Promise<void> {
  const before = parseStoredCatalog(await readFile(join(dir, 'old.json'), 'utf8'));
  const after = parseStoredCatalog(await readFile(join(dir, 'new.json'), 'utf8'));
  const set = best(5, () => {
    const a = new Set(before.entries.map((e) => e.value));
    const b = new Set(after.entries.map((e) => e.value));
    let differ = 0;
    for (const v of a) if (!b.has(v)) differ += 1;
    for (const v of b) if (!a.has(v)) differ += 1;
    return differ;
  });
  const diff = best(3, () => diffCatalogs(before, after));
  console.log(
    JSON.stringify({
      setMs: set.ms,
      differ: set.result,
      diffMs: diff.ms,
      changes: diff.result.changes.length,
      rss: peakMiB(),
    }),
  );
}

/** In the child: the CLI, in this process, so that its peak RSS is this process's. */
async function runChild(args: string[]): Promise<void> {
  const { main } = await import('../cli/main.js');
  const out: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out.push(String(chunk));
      done();
    },
  });
  const start = performance.now();
  const code = await main(args, { stdout: sink, stderr: sink, env: process.env, cwd: process.cwd() });
  const ms = performance.now() - start;
  console.log(JSON.stringify({ code, ms, rss: peakMiB(), output: out.join('').trim().split('\n').slice(-3) }));
}

function child(args: string[], cwd = root): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    execFile(
      process.execPath,
      // BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the measured processes.
      [...(process.env.BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', self, ...args],
      { cwd, maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${args[0]} failed: ${stderr || err.message}`));
        const line = stdout.trim().split('\n').pop()!;
        resolve({ ...JSON.parse(line), processMs: performance.now() - start });
      },
    );
  });
}

const fmt = (ms: unknown) => `${((ms as number) / 1000).toFixed(3)} s`;
const mib = (rss: unknown) => `${(rss as number).toFixed(0)} MiB`;

async function parent(sizes: number[], runEntries = 100_000): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ew-bench-'));
  try {
    console.log('diff of two catalogs 1% apart (fresh process each; set = plain set difference of the values):');
    for (const n of sizes) {
      const feed = syntheticAzureFeed(n).text;
      await writeFile(join(dir, 'old.json'), serializeCatalog(catalogOf(feed)));
      await writeFile(join(dir, 'new.json'), serializeCatalog(catalogOf(changedFeed(feed))));
      const r = await child(['diff-child', dir]);
      console.log(
        `  ${String(n).padStart(7)} entries: diff ${fmt(r.diffMs)} (${r.changes} changes)  set ${fmt(r.setMs)} (${r.differ} values)  ` +
          `ratio ${((r.diffMs as number) / (r.setMs as number)).toFixed(1)}x  peak RSS ${mib(r.rss)}`,
      );
    }

    // A full run against a loopback server: baseline, the 1% change, then nothing changed.
    const versions = [syntheticAzureFeed(runEntries).text];
    versions.push(changedFeed(versions[0]!));
    let served = versions[0]!;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(served);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const config = join(dir, 'endpoint-watch.yaml');
    await writeFile(
      config,
      [
        `snapshotDir: ${join(dir, 'snapshots')}`,
        'sources:',
        '  - id: azure',
        `    url: http://127.0.0.1:${port}/ServiceTags_Public.json`,
        '    retries: 0',
        '',
      ].join('\n'),
    );
    console.log(`run on a feed of ${runEntries} prefixes served from loopback (fresh process each):`);
    try {
      for (const [label, text] of [
        ['baseline', versions[0]!],
        ['1% changed', versions[1]!],
        ['unchanged', versions[1]!],
      ] as const) {
        served = text;
        const r = await child(['run-child', 'run', '--config', config]);
        console.log(
          `  ${label.padEnd(10)}: run ${fmt(r.ms)} (process ${fmt(r.processMs)})  peak RSS ${mib(r.rss)}  exit ${r.code}`,
        );
        for (const line of r.output as string[]) console.log(`      ${line.slice(0, 140)}`);
      }
    } finally {
      server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'diff-child') await diffChild(rest[0]!);
else if (mode === 'run-child') await runChild(rest);
// `bench/scale.ts run [entries]`: the runs only (`run 500000`: the size at which git's output
// once overflowed); `bench/scale.ts 10000 50000`: those diffs, then the runs.
else if (mode === 'run') await parent([], Number(rest[0] ?? 100_000));
else await parent(mode ? [mode, ...rest].map(Number) : [10_000, 50_000, 100_000, 200_000]);
