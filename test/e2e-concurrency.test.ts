/**
 * Sources are fetched `concurrency` at a time and committed one at a time, in config order. A
 * loopback server holds each request until `concurrency` of them are in flight (or, for the
 * last ones, a moment has passed), and records the most it ever saw at once: with a bound of
 * 3 and 7 sources that is exactly 3, whatever the machine's speed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, snapshotSubjects } from './helpers/cli-run.js';

const BOUND = 3;
const SOURCES = ['s1', 's2', 's3', 's4', 's5', 's6', 's7'];

let dir: string;
let origin: string;
let close: () => Promise<void>;
const inFlight = { now: 0, max: 0, requests: 0 };
let held: Array<() => void> = [];

function page(id: string): string {
  const n = SOURCES.indexOf(id) + 1;
  return `# ${id}\n\n| Host | Address |\n|---|---|\n| portal-${n}.example.com | 198.51.100.${n} |\n`;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ew-concurrency-'));
  let timer: NodeJS.Timeout | null = null;
  const releaseAll = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const now = held;
    held = [];
    for (const release of now) release();
  };
  const server = createServer((req, res: ServerResponse) => {
    const id = (req.url ?? '').replace(/^\/|\.md$/g, '');
    inFlight.requests++;
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    held.push(() => {
      inFlight.now--;
      const etag = `"${id}"`;
      if (req.headers['if-none-match'] === etag) res.writeHead(304, { etag }).end();
      else res.writeHead(200, { 'content-type': 'text/markdown', etag }).end(page(id));
    });
    // Full: answer them all. Not full: the rest of the sources may be all there is.
    if (held.length >= BOUND) releaseAll();
    else {
      if (timer) clearTimeout(timer);
      timer = setTimeout(releaseAll, 300);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      `concurrency: ${BOUND}`,
      'sources:',
      ...SOURCES.map((id) => `  - id: ${id}\n    url: ${origin}/${id}.md`),
      '',
    ].join('\n'),
  );
});

after(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { NO_PROXY: '127.0.0.1' } });

test('at most `concurrency` sources are fetched at once; commits and output stay in config order', {
  timeout: 180_000,
}, async () => {
  const baseline = await cli('run');
  assert.equal(baseline.code, 0, baseline.stderr);
  assert.equal(inFlight.requests, SOURCES.length);
  assert.equal(inFlight.max, BOUND, 'the bound is reached and never passed');
  const lines = baseline.stdout.split('\n').filter((l) => /^s\d: baseline/.test(l));
  assert.deepEqual(
    lines.map((l) => l.split(':')[0]),
    SOURCES,
  );
  // Commits in config order (git log lists the newest first).
  assert.deepEqual(
    snapshotSubjects(join(dir, 'snapshots')).map((s) => s.split(':')[0]),
    [...SOURCES].reverse(),
  );

  inFlight.max = 0;
  inFlight.requests = 0;
  const unchanged = await cli('run', '--json');
  assert.equal(unchanged.code, 0, unchanged.stderr);
  const report = JSON.parse(unchanged.stdout) as { results: Array<{ source: string; status: string }> };
  assert.deepEqual(
    report.results.map((r) => [r.source, r.status]),
    SOURCES.map((id) => [id, 'unchanged']),
  );
  assert.equal(inFlight.requests, SOURCES.length);
  assert.equal(inFlight.max, BOUND);
});

test('concurrency: 1 fetches one source at a time', { timeout: 120_000 }, async () => {
  const config = join(dir, 'endpoint-watch.yaml');
  await writeFile(config, (await readFile(config, 'utf8')).replace(`concurrency: ${BOUND}`, 'concurrency: 1'));
  inFlight.max = 0;
  inFlight.requests = 0;
  const run = await cli('run');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(inFlight.requests, SOURCES.length);
  assert.equal(inFlight.max, 1);
});
