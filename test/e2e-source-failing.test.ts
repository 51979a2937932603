/**
 * A failing source reaches Slack and email: a documentation site answering 500 for several runs
 * (ENDPOINT_WATCH_NOW plays the hours and days), a daily reminder while it lasts, one recovery
 * notice; a page too deeply nested to parse and a page that outlasts its parse deadline fail
 * alone, clearly, and are announced the same way. Real peers: doc server, Slack stand-in, SMTP
 * server, git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult, notifiersYaml } from './helpers/cli-run.js';
import { reply, startDocServer, type DocServer } from './helpers/doc-server.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from './helpers/smtp-stub.js';

const TABLE = '## Portal access\n\n|----|----|\n|US1 data center|13.91.91.243|\n';

let site: DocServer;
let slack: SlackStub;
let smtp: SmtpStub;
let dir: string;

before(async () => {
  site = await startDocServer();
  slack = await startSlackStub();
  smtp = await startSmtpStub();
  dir = await mkdtemp(join(tmpdir(), 'ew-failing-'));
});
after(async () => {
  await site.close();
  await slack.close();
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

async function config(sources: string[]): Promise<void> {
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    ['snapshotDir: ./snapshots', 'sources:', ...sources, ...notifiersYaml({ slack: true, email: true }), ''].join('\n'),
  );
}

function source(id: string, path: string, extra: string[] = []): string[] {
  return [`  - id: ${id}`, `    url: ${site.url(path)}`, '    retries: 0', ...extra];
}

function run(at: string, ...args: string[]): Promise<CliResult> {
  const env = { ...process.env, EW_SLACK: slack.url, EW_SMTP: smtp.url(), ENDPOINT_WATCH_NOW: at };
  return runCli(['run', ...args], { cwd: dir, env });
}

/** Slack messages and email subjects about `source` since `from` (indexes into the stubs). */
function said(source: string, from: { slack: number; smtp: number }) {
  const slackTexts = slack
    .delivered()
    .slice(from.slack)
    .map((b) => (b as { text: string }).text.split('\n')[0]!)
    .filter((t) => t.startsWith(`${source}:`));
  const subjects = smtp.messages
    .slice(from.smtp)
    .map((m) => m.subject)
    .filter((s) => s.includes(`] ${source}:`));
  return { slack: slackTexts, email: subjects };
}

const mark = () => ({ slack: slack.delivered().length, smtp: smtp.messages.length });

test('a source answering 500: announced after 3 runs, reminded daily, its recovery said once', {
  timeout: 180_000,
}, async () => {
  await config(source('portal', '/network.md'));
  site.set('/network.md', reply.document(TABLE));
  assert.equal((await run('2026-03-02T08:00:00Z')).code, 0);

  site.set('/network.md', reply.status(500));
  const start = mark();
  for (const [i, at] of ['2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z'].entries()) {
    const failed = await run(at);
    assert.equal(failed.code, 1, `run ${i + 1} failed`);
    assert.match(failed.stderr, /HTTP 500/);
  }
  assert.deepEqual(said('portal', start), { slack: [], email: [] }, 'two failed runs: not yet');

  const third = await run('2026-03-02T11:00:00Z');
  assert.equal(third.code, 1);
  const announced = said('portal', start);
  assert.deepEqual(announced.slack, ['portal: failing since 2026-03-02 09:00 UTC (3 runs)']);
  assert.deepEqual(announced.email, ['[endpoint-watch] portal: source failing since 2026-03-02 09:00 UTC']);
  const mail = smtp.messages.at(-1)!.text ?? '';
  assert.match(mail, /Last error \(FETCH\): .*HTTP 500/);
  assert.match(mail, /endpoint-watch run --source portal/);
  assert.match(JSON.stringify(slack.delivered().at(-1)), /HTTP 500/);

  const quiet = mark();
  assert.equal((await run('2026-03-02T12:00:00Z')).code, 1);
  assert.equal((await run('2026-03-03T10:59:00Z')).code, 1);
  assert.deepEqual(said('portal', quiet), { slack: [], email: [] }, 'no repeat within a day');

  assert.equal((await run('2026-03-03T11:00:00Z')).code, 1);
  assert.deepEqual(said('portal', quiet).slack, ['portal: still failing for 1 day (6 runs)']);
  assert.deepEqual(said('portal', quiet).email, [
    '[endpoint-watch] portal: source still failing since 2026-03-02 09:00 UTC',
  ]);

  const back = mark();
  site.set('/network.md', reply.document(`${TABLE}|EU1 data center|13.80.22.71|\n`));
  const recovered = await run('2026-03-03T12:00:00Z');
  assert.equal(recovered.code, 0, recovered.stderr);
  const notices = said('portal', back);
  assert.ok(notices.slack.includes('portal: works again after 6 runs'), JSON.stringify(notices));
  assert.ok(
    slack
      .delivered()
      .slice(back.slack)
      .some((b) => JSON.stringify(b).includes('13.80.22.71')),
    'the change made while it failed is alerted',
  );
  assert.equal(notices.email.filter((s) => /works again/.test(s)).length, 1);

  const after = mark();
  assert.equal((await run('2026-03-03T13:00:00Z')).code, 0);
  assert.deepEqual(said('portal', after), { slack: [], email: [] }, 'said once');
  assert.deepEqual(
    (await readdir(join(dir, 'snapshots', '.failures')).catch(() => [])).filter((n) => n.endsWith('.json')),
    [],
  );
});

test('a daily source is announced at its second failure, 6 hours after the first', { timeout: 120_000 }, async () => {
  await config(source('daily', '/daily.md'));
  site.set('/daily.md', reply.document(TABLE));
  assert.equal((await run('2026-04-01T06:00:00Z')).code, 0);
  site.set(
    '/daily.md',
    reply.document('<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>', {
      contentType: 'text/html',
    }),
  );
  const start = mark();
  assert.equal((await run('2026-04-02T06:00:00Z')).code, 1);
  assert.deepEqual(said('daily', start).slack, []);
  assert.equal((await run('2026-04-03T06:00:00Z')).code, 1);
  assert.deepEqual(said('daily', start).slack, ['daily: failing since 2026-04-02 06:00 UTC (2 runs)']);
});

test('a page nested too deeply and a page past its parse deadline fail alone and are announced', {
  timeout: 180_000,
}, async () => {
  await config([
    ...source('deep', '/deep.md', ['    failureAlertAfter: 1']),
    ...source('slow', '/slow.md', ['    failureAlertAfter: 1', '    parseTimeoutSeconds: 2']),
    ...source('fine', '/fine.md'),
  ]);
  site.set('/deep.md', reply.document(`${TABLE}\n${'> '.repeat(16_000)}deep\n`));
  // Lines under the 32 KiB line limit, one paragraph: only the parse deadline stops it.
  site.set('/slow.md', reply.document(`${TABLE}\n${'x'.repeat(25_000)}\n\n${`${'*a'.repeat(14_000)}\n`.repeat(7)}`));
  site.set('/fine.md', reply.document(TABLE));
  const start = mark();
  const result = await run('2026-05-01T10:00:00Z', '--json');
  assert.equal(result.code, 1);
  const report = JSON.parse(result.stdout) as {
    results: Array<{ source: string; status: string; error?: { code: string; message: string } }>;
  };
  const by = new Map(report.results.map((r) => [r.source, r]));
  assert.equal(by.get('deep')!.status, 'failed');
  assert.equal(by.get('deep')!.error!.code, 'PARSE');
  assert.match(by.get('deep')!.error!.message, /nesting deeper than 100 at line 6 \(maxNestingDepth\)/);
  assert.equal(by.get('slow')!.error!.code, 'PARSE');
  assert.match(by.get('slow')!.error!.message, /parsing took longer than 2 s \(parseTimeoutSeconds\)/);
  assert.equal(by.get('fine')!.status, 'baseline', 'the other source ran');
  assert.deepEqual(said('deep', start).slack, ['deep: failing since 2026-05-01 10:00 UTC (1 run)']);
  assert.deepEqual(said('slow', start).slack, ['slow: failing since 2026-05-01 10:00 UTC (1 run)']);
  assert.match(
    smtp.messages.find((m) => m.subject.includes('] deep:'))!.text ?? '',
    /Last error \(PARSE\): .*nesting deeper than 100/,
  );
});

test('a failing alert is neither lost nor repeated when the run dies between its outbox entry and the failure state', {
  timeout: 120_000,
}, async () => {
  await config(source('crashy', '/crashy.md', ['    failureAlertAfter: 1']));
  site.set('/crashy.md', reply.document(TABLE));
  assert.equal((await run('2026-06-01T10:00:00Z')).code, 0);
  site.set('/crashy.md', reply.status(503));
  const start = mark();
  slack.respond({ status: 500 });
  assert.equal((await run('2026-06-01T11:00:00Z')).code, 1);
  assert.deepEqual(said('crashy', start).slack, [], 'Slack was down');
  // What a kill right after writing the outbox entry leaves: the entry, and no failure state.
  await rm(join(dir, 'snapshots', '.failures', 'crashy.json'));
  assert.equal((await run('2026-06-01T12:00:00Z')).code, 1);
  assert.deepEqual(said('crashy', start).slack, ['crashy: failing since 2026-06-01 11:00 UTC (1 run)']);
  assert.equal(said('crashy', start).email.length, 1, 'email had it from the first run only');
  assert.equal((await run('2026-06-01T13:00:00Z')).code, 1);
  assert.equal(said('crashy', start).slack.length, 1, 'announced exactly once');
});
