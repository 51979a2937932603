/**
 * `npm run bench` (second part), or `node --import tsx bench/scale.ts [sizes...]`: the catalog
 * at feed scale. Synthetic Azure Service Tags files (test/helpers/synthetic-feeds.ts) of 10k,
 * 50k, 100k and 200k prefixes and a second version of each that differs by 1% (0.5% of the
 * prefixes removed, as many added).
 *
 *  - diff: a fresh process does what `run` does with a changed version: reads the stored
 *    catalog.json of the old version, parses the new document and builds its catalog, diffs
 *    them and writes the new catalog.json. It prints each step's wall time, the diff's (best
 *    of 3) next to a plain set difference of the two catalogs' values measured in the same
 *    process (best of 5) and their ratio, and the process's peak RSS through that one pass
 *    (Node and the modules loaded included: about 60 MiB before any catalog). The measured
 *    processes run the program compiled by tsc, as dist/ does; BENCH_TSX=1 runs them under
 *    tsx, which adds ~35 MiB.
 *  - run: a loopback HTTP server serves the 100k feed; `endpoint-watch run` (a fresh process
 *    each time, the config's source pointing at it) records the baseline, then the changed
 *    version (fetch, parse, diff, commit, console alert), then again with nothing changed.
 *
 * Not a test: wall times depend on the machine and on what else it runs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

// Each child imports only what its work needs (as `run` loads one parser), so that its peak RSS
// is that work's and not the whole program's.
const self = fileURLToPath(import.meta.url);
const root = join(self, '..', '..');
const peakMiB = () => process.resourceUsage().maxRSS / 1024;

function timed<T>(work: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = work();
  return { ms: performance.now() - start, result };
}

function best<T>(times: number, work: () => T): { ms: number; result: T } {
  let ms = Number.POSITIVE_INFINITY;
  let result!: T;
  for (let i = 0; i < times; i += 1) {
    const run = timed(work);
    ms = Math.min(ms, run.ms);
    result = run.result;
  }
  return { ms, result };
}

/**
 * In the child: one pass as `run` makes it (read the stored old catalog, parse the new document,
 * diff, write the new catalog), its peak RSS, then the diff and the set difference timed again.
 */
async function diffChild(dir: string): Promise<void> {
  const { buildCatalog, parseStoredCatalog, serializeCatalogBytes } = await import('../catalog/canonical.js');
  const { diffCatalogs } = await import('../catalog/diff.js');
  const { azureServiceTagsParser } = await import('../parsers/azure-service-tags/index.js');
  // The stored text is dropped once read, as `run` drops it (store/snapshots.ts).
  const readStored = async () => {
    const text = await readFile(join(dir, 'old.json'), 'utf8');
    return { bytes: Buffer.byteLength(text), read: timed(() => parseStoredCatalog(text)) };
  };
  const { bytes: storedBytes, read } = await readStored();
  const doc = { location: 'ServiceTags_Public.json', text: await readFile(join(dir, 'new-feed.json'), 'utf8') };
  const parse = timed(() =>
    buildCatalog('bench', azureServiceTagsParser.parse({ ...doc, contentType: 'application/json' })),
  );
  const before = read.result;
  const after = parse.result;
  const first = timed(() => diffCatalogs(before, after));
  const write = timed(() => serializeCatalogBytes(after));
  await writeFile(join(dir, 'written.json'), write.result);
  const rss = peakMiB();
  const set = best(5, () => {
    const a = new Set(before.entries.map((e) => e.value));
    const b = new Set(after.entries.map((e) => e.value));
    let differ = 0;
    for (const v of a) if (!b.has(v)) differ += 1;
    for (const v of b) if (!a.has(v)) differ += 1;
    return differ;
  });
  const diff = best(2, () => diffCatalogs(before, after));
  console.log(
    JSON.stringify({
      readMs: read.ms,
      parseMs: parse.ms,
      writeMs: write.ms,
      setMs: set.ms,
      differ: set.result,
      diffMs: Math.min(first.ms, diff.ms),
      changes: first.result.changes.length,
      storedBytes,
      rss,
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

/**
 * The measured processes run the compiled JavaScript, as `endpoint-watch` runs from dist/: tsx
 * compiling TypeScript in the child added ~35 MiB to every peak RSS. `compiled` is the folder
 * `compile` wrote; null runs them under tsx (BENCH_TSX=1).
 */
function child(args: string[], compiled: string | null, cwd = root): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const script = compiled ? [join(compiled, 'bench', 'scale.js')] : ['--import', 'tsx', self];
    execFile(
      process.execPath,
      // BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the measured processes.
      [...(process.env.BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? []), ...script, ...args],
      { cwd, maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${args[0]} failed: ${stderr || err.message}`));
        const line = stdout.trim().split('\n').pop()!;
        resolve({ ...JSON.parse(line), processMs: performance.now() - start });
      },
    );
  });
}

/** Compiles the program, this file and the feed generator into `dir` (tsc, as `npm run build`). */
async function compile(dir: string): Promise<string> {
  const out = join(dir, 'compiled');
  const config = join(dir, 'tsconfig.json');
  const base = JSON.parse(await readFile(join(root, 'tsconfig.json'), 'utf8')) as { include: string[] };
  await writeFile(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: {
        outDir: out,
        rootDir: root,
        sourceMap: false,
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      include: [...base.include.map((d) => join(root, d)), self, join(root, 'test', 'helpers', 'synthetic-feeds.ts')],
      exclude: ['**/*.test.ts', '**/__fixtures__'].map((g) => join(root, g)),
    }),
  );
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], (err, stdout) =>
      err ? reject(new Error(`tsc failed: ${stdout || err.message}`)) : resolve(),
    ),
  );
  // ESM needs to know the compiled files are modules, and where the dependencies are.
  await writeFile(join(out, 'package.json'), '{"type": "module"}\n');
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  return out;
}

const fmt = (ms: unknown) => `${((ms as number) / 1000).toFixed(3)} s`;
const mib = (rss: unknown) => `${(rss as number).toFixed(0)} MiB`;

async function parent(sizes: number[], runEntries = 100_000): Promise<void> {
  const { changedAzureFeed, syntheticAzureFeed } = await import('../test/helpers/synthetic-feeds.js');
  const dir = await mkdtemp(join(tmpdir(), 'ew-bench-'));
  try {
    const compiled = process.env.BENCH_TSX ? null : await compile(dir);
    const { buildCatalog, serializeCatalog } = await import('../catalog/canonical.js');
    const { selectParser } = await import('../parsers/registry.js');
    const catalogOf = (text: string) => {
      const doc = { location: 'bench.json', text, contentType: 'application/json' };
      return buildCatalog('bench', selectParser(doc).parse(doc));
    };
    console.log(
      'diff of two catalogs 1% apart, as `run` makes it (fresh process each: read the stored catalog, ' +
        'parse the new feed, diff, write; set = plain set difference of the values, same process):',
    );
    for (const n of sizes) {
      const feed = syntheticAzureFeed(n).text;
      await writeFile(join(dir, 'old.json'), serializeCatalog(catalogOf(feed)));
      await writeFile(join(dir, 'new-feed.json'), changedAzureFeed(feed));
      const r = await child(['diff-child', dir], compiled);
      const ratio = (r.diffMs as number) / (r.setMs as number);
      console.log(
        `  ${String(n).padStart(7)} entries: diff ${fmt(r.diffMs)} (${r.changes} changes, ` +
          `${(((r.diffMs as number) * 1000) / n).toFixed(1)} µs/entry)  set ${fmt(r.setMs)} (${r.differ} values)  ` +
          `ratio ${ratio.toFixed(1)}x  peak RSS ${mib(r.rss)}  | read ${fmt(r.readMs)} ` +
          `(${((r.storedBytes as number) / n).toFixed(0)} B/entry)  parse ${fmt(r.parseMs)}  write ${fmt(r.writeMs)}`,
      );
    }

    // A full run against a loopback server: baseline, the 1% change, then nothing changed.
    if (runEntries === 0) return;
    const versions = [syntheticAzureFeed(runEntries).text];
    versions.push(changedAzureFeed(versions[0]!));
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
        const r = await child(['run-child', 'run', '--config', config], compiled);
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
const SIZES = [10_000, 50_000, 100_000, 200_000];
if (mode === 'diff-child') await diffChild(rest[0]!);
else if (mode === 'run-child') await runChild(rest);
// `bench/scale.ts run [entries]`: the runs only (`run 500000`: the size at which git's output
// once overflowed); `bench/scale.ts diff [sizes...]`: the diffs only; `bench/scale.ts 10000
// 50000`: those diffs, then the runs.
else if (mode === 'run') await parent([], Number(rest[0] ?? 100_000));
else if (mode === 'diff') await parent(rest.length ? rest.map(Number) : SIZES, 0);
else await parent(mode ? [mode, ...rest].map(Number) : SIZES);
