/**
 * What the command line loads: `--help` (and every command's `--help`) loads no parser, no
 * notifier, no HTTP stack; an unchanged `run` of a console-only config loads no parser, no
 * email or Slack client and not all of undici. Checked by recording the modules a real process
 * loads (test/helpers/record-modules.mjs), not by timing it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { reply, startDocServer, type DocServer } from './helpers/doc-server.js';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'cli', 'bin.ts');
const recorder = join(root, 'test', 'helpers', 'record-modules.mjs');
const run = promisify(execFile);
// The tests run in a temporary folder: tsx is named by its URL, not looked up from there.
const tsx = import.meta.resolve('tsx');

let dir: string;
let docs: DocServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ew-startup-'));
  docs = await startDocServer();
});

after(async () => {
  await docs.close();
  await rm(dir, { recursive: true, force: true });
});

/** The packages (node_modules/<name>) and our own files a process loaded, running the CLI with `args`. */
async function loadedBy(args: string[]): Promise<{ packages: Set<string>; files: string[]; stdout: string }> {
  const log = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
  const { stdout } = await run(process.execPath, ['--import', tsx, '--import', recorder, bin, ...args], {
    cwd: dir,
    env: { ...process.env, RECORD_MODULES: log, NO_PROXY: '127.0.0.1' },
  });
  const files = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  const packages = new Set<string>();
  for (const file of files) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (match) packages.add(match[1]!);
  }
  return { packages, files, stdout };
}

const HEAVY = ['undici', 'nodemailer', '@slack/webhook', 'cheerio', 'parse5', 'remark-parse', 'unified', 'zod', 'yaml'];

test('--help loads no parser, notifier, HTTP stack, zod or yaml', { timeout: 60_000 }, async () => {
  for (const args of [['--help'], ['run', '--help'], ['export', '--help'], ['parse', '--help']]) {
    const { packages, stdout } = await loadedBy(args);
    assert.match(stdout, /Usage: endpoint-watch/, args.join(' '));
    for (const name of HEAVY) assert.ok(!packages.has(name), `${args.join(' ')} loads ${name}`);
    assert.ok(packages.has('commander'), 'the recorder sees what is loaded');
  }
});

test('an unchanged run of a console-only config loads no parser, no email or Slack client', {
  timeout: 90_000,
}, async () => {
  docs.set('/network.md', reply.document('| Host |\n|---|\n| portal.example.com |\n', { etag: '"v1"' }));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    `snapshotDir: ./snapshots\nsources:\n  - id: network\n    url: ${docs.url('/network.md')}\n`,
  );
  const first = await loadedBy(['run']);
  assert.match(first.stdout, /network: baseline/);
  const unchanged = await loadedBy(['run']);
  assert.match(unchanged.stdout, /network: no endpoint change \(1 endpoints\)/);
  for (const name of ['nodemailer', '@slack/webhook', 'cheerio', 'parse5', 'remark-parse', 'unified'])
    assert.ok(!unchanged.packages.has(name), `an unchanged run loads ${name}`);
  // undici's own parts only (outbound/undici.ts), not its index with fetch, WebSocket and mocks.
  assert.ok(unchanged.packages.has('undici'), 'the run went out over HTTP');
  assert.ok(
    !unchanged.files.some((file) => /node_modules\/undici\/index\.js$/.test(file)),
    'an unchanged run loads all of undici',
  );
  assert.equal(docs.requestCount('/network.md'), 2);
  assert.equal(docs.lastRequest('/network.md')?.headers['if-none-match'], '"v1"');
});
