/**
 * The git remote as the shared state: runners that start from fresh clones of a bare
 * repository (the way a CronJob or a CI job starts) race, and no change is lost or alerted
 * twice; an alert one runner could not deliver is delivered by the next fresh clone, once; a
 * push refused because someone pushed first makes the runner recompute against the new head.
 * Real peers: a bare repository on disk, a loopback Slack stand-in, git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringSink } from '../cli/io.js';
import { buildNotifiers, pipelineContext, readConfig, sourceSpecs } from '../cli/context.js';
import { runSources } from '../pipeline/run.js';
import { RemoteSync } from '../pipeline/sync.js';
import { runCli, type CliResult } from './helpers/cli-run.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';

let root: string;
let bare: string;
let page: string;
let slack: SlackStub;
let runners = 0;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=person', '-c', 'user.email=person@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function pageText(eu: string[]): string {
  return [
    '## Portal access',
    '',
    '|----|----|',
    '|US1 data center|13.91.91.243|',
    `|EU1 data center|${eu.join('<br/>')}|`,
    '',
  ].join('\n');
}

/** A runner as a CronJob starts one: a fresh clone of the remote and a config pointing at it. */
async function freshRunner(options: { slackUrl?: string } = {}): Promise<string> {
  const dir = join(root, `runner-${runners++}`);
  git(root, 'clone', '-q', bare, join(dir, 'history'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./history',
      'git:',
      `  remote: ${bare}`,
      'sources:',
      '  - id: portal',
      `    url: ${page}`,
      'notifiers:',
      '  - type: slack',
      `    webhookUrl: ${options.slackUrl ?? '${EW_SLACK}'}`,
    ].join('\n'),
  );
  return dir;
}

function run(dir: string): Promise<CliResult> {
  return runCli(['run', '--config', 'endpoint-watch.yaml'], { cwd: dir, env: { EW_SLACK: slack.url } });
}

const remoteSubjects = () => git(root, '--git-dir', bare, 'log', '--format=%s', 'main').trim().split('\n');
const merges = () => git(root, '--git-dir', bare, 'rev-list', '--merges', 'main').trim();
const remoteOutbox = () =>
  git(root, '--git-dir', bare, 'ls-tree', '-r', '--name-only', 'endpoint-watch-state')
    .split('\n')
    .filter((p) => p.startsWith('outbox/'));
const alerted = (value: string) => slack.delivered().filter((body) => JSON.stringify(body).includes(value)).length;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ew-remote-'));
  bare = join(root, 'remote.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  page = join(root, 'page.md');
  await writeFile(page, pageText(['13.80.125.22']));
  slack = await startSlackStub();
});

after(async () => {
  await slack.close();
  await rm(root, { recursive: true, force: true });
});

test('the first runner, from a clone of an empty remote, pushes the baseline and the state', {
  timeout: 60_000,
}, async () => {
  const result = await run(await freshRunner());
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(remoteSubjects(), ['portal: baseline, now tracking 2 endpoints']);
  assert.deepEqual(remoteOutbox(), [], 'the baseline notice was delivered and crossed off on the remote');
  assert.equal(slack.delivered().length, 1);
});

test('two runners from fresh clones racing: the change is committed once and alerted once', {
  timeout: 120_000,
}, async () => {
  await writeFile(page, pageText(['13.80.125.22', '13.95.30.47']));
  const [a, b] = [await freshRunner(), await freshRunner()];
  const results = await Promise.all([run(a), run(b)]);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(alerted('13.95.30.47'), 1, 'one Slack alert for the change');
  assert.equal(remoteSubjects().filter((s) => s.includes('13.95.30.47')).length, 1, remoteSubjects().join('\n'));
  assert.equal(merges(), '', 'no merge commit: the second runner recomputed, it did not merge');
  assert.ok(
    results.some((r) => /waiting for endpoint-watch pid \d+ on .* to finish/.test(r.stderr)),
    'one runner waited for the other',
  );
  assert.deepEqual(remoteOutbox(), []);
});

test('an alert one runner could not deliver is delivered by the next fresh clone, exactly once', {
  timeout: 120_000,
}, async () => {
  await writeFile(page, pageText(['13.80.125.22', '13.95.30.47', '20.50.1.9']));
  // This runner's Slack URL is wrong (the stand-in answers 404): the change is committed, not delivered.
  const failing = await run(await freshRunner({ slackUrl: `${slack.url}-revoked` }));
  assert.equal(failing.code, 1, failing.stderr);
  assert.equal(alerted('20.50.1.9'), 0);
  assert.equal(remoteOutbox().length, 1, 'the undelivered alert is on the remote, with the commit');
  assert.ok(remoteSubjects()[0]?.includes('20.50.1.9'));

  const next = await run(await freshRunner());
  assert.equal(next.code, 0, next.stderr);
  assert.equal(alerted('20.50.1.9'), 1, 'the fresh clone delivered it');
  assert.deepEqual(remoteOutbox(), []);
  const third = await run(await freshRunner());
  assert.equal(third.code, 0, third.stderr);
  assert.equal(alerted('20.50.1.9'), 1, 'and nobody delivers it again');
});

/** A runner driven in-process with a hook that runs just before each push of a change. */
async function runWithHook(dir: string, beforePush: () => Promise<void>) {
  const log = new StringSink();
  const io = { stdout: new StringSink(), stderr: log, env: { EW_SLACK: slack.url }, cwd: dir };
  const config = await readConfig(io, 'endpoint-watch.yaml');
  const ctx = await pipelineContext(config, await buildNotifiers(config, io.stdout), log);
  const report = await runSources({ ...ctx, sync: new RemoteSync(config.git!, { beforePush }) }, sourceSpecs(config));
  return { report, log: log.toString() };
}

/** A person pushes a commit of their own to the history (a note next to the snapshots). */
async function personPushes(name: string): Promise<void> {
  const clone = join(root, `person-${name}`);
  git(root, 'clone', '-q', '-b', 'main', bare, clone);
  await writeFile(join(clone, `${name}.md`), `${name}\n`);
  git(clone, 'add', `${name}.md`);
  git(clone, 'commit', '-q', '-m', `person: ${name}`);
  git(clone, 'push', '-q', 'origin', 'main');
}

test('a push refused because someone pushed first is recomputed against the new head and alerted once', {
  timeout: 120_000,
}, async () => {
  await writeFile(page, pageText(['13.80.125.22', '13.95.30.47', '20.50.1.9', '20.50.1.10']));
  let pushes = 0;
  const { report, log } = await runWithHook(await freshRunner(), async () => {
    if (pushes++ === 0) await personPushes('note-1');
  });
  assert.ok(report.ok, JSON.stringify(report));
  assert.match(log, /moved on while this run was at work; recomputing against its head/);
  assert.equal(alerted('20.50.1.10'), 1);
  const subjects = remoteSubjects();
  assert.equal(subjects[1], 'person: note-1', "the person's commit is kept, under the recomputed one");
  assert.ok(subjects[0]?.includes('20.50.1.10'), subjects.join('\n'));
  assert.equal(merges(), '');
  assert.deepEqual(remoteOutbox(), []);
});

test('refused every time: the source fails after a bounded number of attempts, and nothing is lost', {
  timeout: 120_000,
}, async () => {
  await writeFile(page, pageText(['13.80.125.22', '13.95.30.47', '20.50.1.9', '20.50.1.10', '20.50.1.11']));
  let n = 0;
  const { report } = await runWithHook(await freshRunner(), () => personPushes(`always-${n++}`));
  assert.equal(report.ok, false);
  assert.equal(n, 3, 'three attempts');
  assert.match(report.results[0]?.error?.message ?? '', /rejected 3 times.*nothing was alerted/);
  assert.equal(alerted('20.50.1.11'), 0);
  assert.ok(!remoteSubjects().some((s) => s.includes('20.50.1.11')));
  // The next runner finds the change again and alerts it, once.
  const next = await run(await freshRunner());
  assert.equal(next.code, 0, next.stderr);
  assert.equal(alerted('20.50.1.11'), 1);
  assert.equal(merges(), '');
});
