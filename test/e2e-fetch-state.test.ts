/**
 * The unchanged cycle's small file (store/fetch-state.ts): an unchanged run reads what its
 * conditional GET needs from .fetch-state/<source>.json, runs one git for all its sources
 * (ls-tree) besides the one that opens the repository, and reads no catalog; the file counts
 * only while HEAD holds the blobs it names, so a snapshot moved under it (a reset to the
 * remote's head, a person's commit) is diffed again, and a damaged file is only a slower run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli, snapshotSubjects } from './helpers/cli-run.js';
import { reply, startDocServer, type DocServer } from './helpers/doc-server.js';

const root = join(import.meta.dirname, '..');
const tsx = import.meta.resolve('tsx');
const run = promisify(execFile);

let docs: DocServer;
let dir: string;

const table = (...hosts: string[]) => `| Host |\n|---|\n${hosts.map((h) => `| ${h} |`).join('\n')}\n`;
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { NO_PROXY: '127.0.0.1' } });
const snapshots = () => join(dir, 'snapshots');

before(async () => {
  docs = await startDocServer();
  dir = await mkdtemp(join(tmpdir(), 'ew-fetch-state-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      `  - id: alpha\n    url: ${docs.url('/alpha.md')}`,
      `  - id: beta\n    url: ${docs.url('/beta.md')}`,
      '',
    ].join('\n'),
  );
});

after(async () => {
  await docs.close();
  await rm(dir, { recursive: true, force: true });
});

test('an unchanged run: one git for all sources (ls-tree), no stored catalog read, a 304 each', {
  timeout: 120_000,
}, async () => {
  docs.set('/alpha.md', reply.document(table('a.example.com'), { etag: '"a1"' }));
  docs.set('/beta.md', reply.document(table('b.example.com'), { lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' }));
  assert.equal((await cli('run')).code, 0);
  // A git that writes down each command it is asked, in front of the real one.
  const shim = join(dir, 'bin');
  await mkdir(shim, { recursive: true });
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = join(dir, 'git-calls.txt');
  await writeFile(join(shim, 'git'), `#!/bin/sh\necho "$*" >> "${log}"\nexec "${realGit}" "$@"\n`);
  await chmod(join(shim, 'git'), 0o755);
  docs.resetCounts();
  const { stdout } = await run(process.execPath, ['--import', tsx, join(root, 'cli', 'bin.ts'), 'run'], {
    cwd: dir,
    env: { ...process.env, PATH: `${shim}:${process.env.PATH}`, NO_PROXY: '127.0.0.1' },
  });
  assert.match(stdout, /alpha: no endpoint change \(1 endpoints\)/);
  assert.match(stdout, /beta: no endpoint change \(1 endpoints\)/);
  const calls = (await readFile(log, 'utf8')).trim().split('\n');
  const perSource = calls.filter((c) => /alpha|beta/.test(c));
  assert.equal(perSource.length, 1, calls.join('\n'));
  assert.match(perSource[0]!, /^ls-tree .*alpha\/meta\.json.*beta\/meta\.json/, 'one ls-tree for both sources');
  assert.ok(!calls.some((c) => c.startsWith('cat-file')), `no stored file is read: ${calls.join('; ')}`);
  assert.equal(calls.length, 2, `one git at start, one for the sources: ${calls.join('; ')}`);
  assert.equal(docs.lastRequest('/alpha.md')?.headers['if-none-match'], '"a1"');
  assert.equal(docs.lastRequest('/beta.md')?.headers['if-modified-since'], 'Mon, 01 Jan 2024 00:00:00 GMT');
});

test('a snapshot moved under the file (reset to an older commit) is diffed again, not taken as unchanged', {
  timeout: 120_000,
}, async () => {
  docs.set('/alpha.md', reply.document(table('a.example.com', 'a2.example.com'), { etag: '"a2"' }));
  const changed = await cli('run');
  assert.match(changed.stdout, /alpha: \+1 host/);
  const before = snapshotSubjects(snapshots()).length;
  // What a reset to the remote's head (pipeline/sync.ts) or a person's `git reset` does.
  execFileSync('git', ['reset', '-q', '--hard', 'HEAD~1'], { cwd: snapshots() });
  // The server still answers 304 to the ETag the file recorded ("a2"): trusting it would miss
  // the change; the committed meta.json says "a1", which gets the document.
  const again = await cli('run');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /alpha: \+1 host/);
  assert.equal(snapshotSubjects(snapshots()).length, before);
  assert.equal(docs.lastRequest('/alpha.md')?.headers['if-none-match'], '"a1"');
  const unchanged = await cli('run');
  assert.match(unchanged.stdout, /alpha: no endpoint change \(2 endpoints\)/);
});

test('a damaged or foreign state file only costs the full path once', { timeout: 120_000 }, async () => {
  const file = join(snapshots(), '.fetch-state', 'alpha.json');
  await writeFile(file, '{"version": 1, "source": "alp');
  const damaged = await cli('run');
  assert.equal(damaged.code, 0, damaged.stderr);
  assert.match(damaged.stdout, /alpha: no endpoint change \(2 endpoints\)/);
  const state = JSON.parse(await readFile(file, 'utf8')) as { entryCount: number; etag: string };
  assert.equal(state.entryCount, 2);
  assert.equal(state.etag, '"a2"');
  // Another source's settings (a new filter, another URL): not this file's state.
  await writeFile(file, JSON.stringify({ ...state, settings: '{"url":"https://elsewhere.example/"}', entryCount: 99 }));
  const foreign = await cli('run');
  assert.match(foreign.stdout, /alpha: no endpoint change \(2 endpoints\)/);
  // The snapshot folder's history holds no run state.
  const tracked = execFileSync('git', ['ls-files'], { cwd: snapshots(), encoding: 'utf8' });
  assert.ok(!tracked.includes('.fetch-state'), tracked);
});
