/**
 * `npm run bench` (last part), or `node --import tsx bench/cycle.ts [runs]`: the everyday cycle,
 * side by side with urlwatch on the same job. One loopback server serves two documents (a
 * markdown page of endpoints and a Microsoft 365 web-service answer at
 * `/endpoints/worldwide`, with its `/version/worldwide`), each with an ETag; both tools watch
 * the same two URLs with their own temporary config and cache, get their first state recorded,
 * and are then run alternately (A B A B ...) with nothing changed, each run a fresh process.
 * Prints the median and the spread of each, the requests each tool made per run, and the
 * `--help` time next to `node -e 0`. Then 50 sources behind a server that takes 200 ms per
 * answer: one unchanged run with `concurrency: 1` (one source after the other) and with 4.
 *
 * endpoint-watch runs from the built CLI (`dist/cli/bin.js`, `npm run build`), as installed.
 * Skipped, saying so, when urlwatch is not on the PATH. Not a test: wall times depend on the
 * machine and on what else it runs.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
// EW_BIN: another build to compare with (an older checkout's dist/cli/bin.js).
const bin = process.env.EW_BIN ?? join(root, 'dist', 'cli', 'bin.js');
const runs = Number(process.argv[2] ?? 10);

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve((performance.now() - start) / 1000);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function describe(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${median(values).toFixed(3)} s (min ${sorted[0]!.toFixed(3)}, max ${sorted.at(-1)!.toFixed(3)}, n=${values.length})`;
}

async function main(): Promise<void> {
  if (spawnSync('urlwatch', ['--version']).error) {
    console.log(
      'bench/cycle.ts: SKIPPED: urlwatch is not installed (apt-get install urlwatch), nothing to compare with',
    );
    return;
  }
  if (!existsSync(bin)) {
    console.log(`bench/cycle.ts: SKIPPED: ${bin} is missing; run \`npm run build\` first`);
    return;
  }
  const markdown = await readFile(join(root, 'ingest', '__fixtures__', 'endpoints.md'));
  const endpoints = await readFile(join(root, 'parsers', 'm365-json', '__fixtures__', 'worldwide.json'));
  const version = Buffer.from('{"instance":"Worldwide","latest":"2024043000"}');
  const documents: Record<string, { body: Buffer; type: string }> = {
    '/docs/network.md': { body: markdown, type: 'text/markdown; charset=utf-8' },
    '/endpoints/worldwide': { body: endpoints, type: 'application/json; charset=utf-8' },
    '/version/worldwide': { body: version, type: 'application/json; charset=utf-8' },
  };
  const requests = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const doc = documents[path];
    if (!doc) {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${doc.body.length}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': doc.type, etag, 'content-length': doc.body.length }).end(doc.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const urls = [
    `${base}/docs/network.md`,
    `${base}/endpoints/worldwide?clientrequestid=b10c5ed1-bad1-445f-b386-b919946339a7`,
  ];
  const dir = await mkdtemp(join(tmpdir(), 'ew-bench-cycle-'));
  try {
    const config = join(dir, 'endpoint-watch.yaml');
    await writeFile(
      config,
      [
        `snapshotDir: ${join(dir, 'snapshots')}`,
        'sources:',
        `  - id: network-page\n    url: ${urls[0]}`,
        `  - id: microsoft-365\n    url: ${urls[1]}\n    format: m365-json`,
        '',
      ].join('\n'),
    );
    const uw = { urls: join(dir, 'urls.yaml'), config: join(dir, 'urlwatch.yaml'), cache: join(dir, 'cache.db') };
    await writeFile(uw.urls, urls.map((url) => `url: "${url}"\n`).join('---\n'));
    const env = { ...process.env, HOME: dir, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' };
    const endpointWatch = () => run(process.execPath, [bin, 'run', '--config', config], env);
    const urlwatch = () =>
      run('urlwatch', ['--urls', uw.urls, '--config', uw.config, '--cache', uw.cache], { ...env, EDITOR: 'true' });
    // First states: endpoint-watch's baseline commits, urlwatch's first cache entries.
    await endpointWatch();
    await urlwatch();
    const times = { endpointWatch: [] as number[], urlwatch: [] as number[] };
    const before = new Map(requests);
    for (let i = 0; i < runs; i++) {
      times.endpointWatch.push(await endpointWatch());
      times.urlwatch.push(await urlwatch());
    }
    const perRun = [...requests]
      .map(([path, count]) => `${path} ${((count - (before.get(path) ?? 0)) / runs).toFixed(1)}`)
      .join(', ');
    console.log(`unchanged cycle, two loopback URLs, alternated, ${runs} runs each:`);
    console.log(`  endpoint-watch run   ${describe(times.endpointWatch)}`);
    console.log(`  urlwatch             ${describe(times.urlwatch)}`);
    console.log(
      `  ratio                ${(median(times.endpointWatch) / median(times.urlwatch)).toFixed(2)}x (requests per run pair: ${perRun})`,
    );
    const help: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      help.push(await run(process.execPath, [bin, '--help']));
      bare.push(await run(process.execPath, ['-e', '0']));
    }
    console.log(`  endpoint-watch --help ${describe(help)}`);
    console.log(`  node -e 0             ${describe(bare)}`);
    await fanOut(dir, env);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** 50 sources behind a server that answers each request after 200 ms: one unchanged run, serial and concurrent. */
async function fanOut(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const count = 50;
  const server = createServer((req, res) => {
    const id = (req.url ?? '/').slice(1);
    const etag = `"${id}"`;
    setTimeout(() => {
      if (req.headers['if-none-match'] === etag) res.writeHead(304, { etag }).end();
      else
        res.writeHead(200, { 'content-type': 'text/markdown', etag }).end(`| Host |\n|---|\n| ${id}.example.com |\n`);
    }, 200);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const sources = Array.from({ length: count }, (_, i) => `  - id: s${i}\n    url: ${base}/s${i}.md`);
    const config = (concurrency: number | null) =>
      [
        `snapshotDir: ${join(dir, 'fan-out')}`,
        ...(concurrency === null ? [] : [`concurrency: ${concurrency}`]),
        'sources:',
        ...sources,
        '',
      ].join('\n');
    const file = join(dir, 'fan-out.yaml');
    await writeFile(file, config(4));
    // A build from before `concurrency` (EW_BIN) refuses the key: it runs one source after the other.
    const settings = await run(process.execPath, [bin, 'run', '--config', file], env).then(
      () => [1, 4],
      async () => {
        await writeFile(file, config(null));
        await run(process.execPath, [bin, 'run', '--config', file], env);
        return [null];
      },
    );
    for (const concurrency of settings) {
      await writeFile(file, config(concurrency));
      const seconds = await run(process.execPath, [bin, 'run', '--config', file], env);
      console.log(
        `  ${count} unchanged sources, 200 ms each, ${concurrency === null ? 'no concurrency key' : `concurrency ${concurrency}`}: ${seconds.toFixed(2)} s`,
      );
    }
  } finally {
    server.close();
  }
}

await main();
