/**
 * Old alerts do not hold new ones back (pipeline/dispatch.ts), with real peers: a loopback Slack
 * stand-in, an in-process SMTP server, git. Each notifier has its own lane; the backlog of
 * earlier runs is bounded by deliveryBudgetSeconds; this run's alerts are always attempted.
 * Ordering and counts are asserted, never durations.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './helpers/cli-run.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from './helpers/smtp-stub.js';

let slack: SlackStub;
let smtp: SmtpStub;
const dirs: string[] = [];

before(async () => {
  slack = await startSlackStub();
  smtp = await startSmtpStub();
});
after(async () => {
  await slack.close();
  await smtp.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function page(eu: string[]): string {
  return [
    '## Portal access',
    '',
    '|----|----|',
    '|US1 data center|13.91.91.243|',
    `|EU1 data center|${eu.join('<br/>')}|`,
    '',
  ].join('\n');
}

async function setup(notifiers: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lanes-'));
  dirs.push(dir);
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'deliveryBudgetSeconds: 1',
      'sources:',
      '  - id: portal',
      '    url: ./network.md',
      'notifiers:',
      ...notifiers,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, EW_SLACK: slack.url, EW_SMTP: smtp.url() };
  const folder = join(dir, 'snapshots', '.outbox');
  return {
    page: (eu: string[]) => writeFile(join(dir, 'network.md'), page(eu)),
    run: (): Promise<CliResult> => runCli(['run'], { cwd: dir, env }),
    outbox: async (): Promise<Array<{ pending: string[]; createdAt: string }>> => {
      const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
      return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(folder, n), 'utf8'))));
    },
  };
}

const EMAIL = [
  '  - type: email',
  '    smtpUrl: ${EW_SMTP}',
  '    from: endpoint-watch@example.com',
  '    to: [netsec@example.com]',
  '    retries: 0',
  '    timeoutSeconds: 8',
];

const mentions = (ip: string) => (body: unknown) => JSON.stringify(body).includes(ip);

test('with SMTP hanging and 4 old alerts pending for it, a new change reaches Slack without waiting', {
  timeout: 180_000,
}, async () => {
  const s = await setup(['  - type: slack', '    webhookUrl: ${EW_SLACK}', '    retries: 0', ...EMAIL]);
  const ips = ['52.174.56.180'];
  await s.page(ips);
  assert.equal((await s.run()).code, 0);

  // Four changes while the SMTP server is down: Slack has each, email none.
  await smtp.outage();
  for (const last of [191, 192, 193, 194]) {
    ips.push(`52.174.56.${last}`);
    await s.page(ips);
    assert.equal((await s.run()).code, 1);
  }
  await smtp.recover();
  const old = await s.outbox();
  assert.equal(old.length, 4);
  assert.ok(old.every((e) => e.pending.join() === 'email:netsec@example.com'));

  // Now SMTP takes the next message and never answers; a fifth change is made.
  smtp.hangNext(1);
  const attemptsBefore = smtp.attempts;
  const seen: Array<{ hangsEnded: number; attempts: number }> = [];
  slack.onRequest = (request) => {
    if (mentions('52.174.56.195')(request.body))
      seen.push({ hangsEnded: smtp.hangsEnded, attempts: smtp.attempts - attemptsBefore });
  };
  const slackBefore = slack.delivered().length;
  const smtpBefore = smtp.messages.length;
  ips.push('52.174.56.195');
  await s.page(ips);
  const run = await s.run();
  slack.onRequest = null;
  assert.equal(run.code, 1, 'the old alerts are not delivered to email yet');

  assert.equal(seen.length, 1, 'Slack got the new change once');
  // The email lane may not have handed its first old message over yet (fetching runs beside it):
  // what counts is that no SMTP attempt had timed out and none past the first had started.
  assert.equal(seen[0]!.hangsEnded, 0, 'Slack had it before any SMTP timeout');
  assert.ok(seen[0]!.attempts <= 1, `Slack had it while at most the first old email was out (${seen[0]!.attempts})`);
  assert.equal(slack.delivered().length, slackBefore + 1, 'nothing old was re-sent to Slack');
  const mailed = smtp.messages.slice(smtpBefore);
  assert.equal(mailed.length, 1, 'one email went through in this run: the new change');
  assert.match(mailed[0]!.text ?? '', /52\.174\.56\.195/);
  assert.equal(smtp.attempts, attemptsBefore + 2, 'the hung old alert and the new one; 3 old ones not attempted');
  assert.match(run.stderr, /not attempted in this run: the 1 s delivery budget for earlier alerts was used up/);
  assert.equal((await s.outbox()).length, 4, 'the 4 old alerts stay pending for email');

  // The next run delivers the backlog, oldest first, and nothing twice.
  const next = await s.run();
  assert.equal(next.code, 0, next.stderr);
  const backlog = smtp.messages.slice(smtpBefore + 1).map((m) => /52\.174\.56\.(19\d)/.exec(m.text ?? '')?.[1]);
  assert.deepEqual(backlog, ['191', '192', '193', '194']);
  assert.equal(slack.delivered().length, slackBefore + 1);
  assert.deepEqual(await s.outbox(), []);
});

test('a Slack 429 with Retry-After does not delay the email', { timeout: 120_000 }, async () => {
  const s = await setup(['  - type: slack', '    webhookUrl: ${EW_SLACK}', '    retries: 1', ...EMAIL]);
  await s.page(['52.174.56.180']);
  assert.equal((await s.run()).code, 0);

  slack.respond({ status: 429, headers: { 'retry-after': '3' } });
  const requests: Array<{ status: number | null; emailed: boolean }> = [];
  slack.onRequest = (request) => {
    if (mentions('52.174.56.201')(request.body))
      requests.push({ status: null, emailed: smtp.messages.some((m) => (m.text ?? '').includes('52.174.56.201')) });
  };
  const smtpBefore = smtp.messages.length;
  await s.page(['52.174.56.180', '52.174.56.201']);
  const run = await s.run();
  slack.onRequest = null;
  assert.equal(run.code, 0, run.stderr);
  assert.equal(requests.length, 2, 'the 429, then the retry after Retry-After');
  assert.equal(requests[0]!.emailed, false);
  assert.equal(requests[1]!.emailed, true, 'the email was sent while Slack waited out its Retry-After');
  assert.equal(smtp.messages.length, smtpBefore + 1);
  assert.equal(slack.delivered().filter(mentions('52.174.56.201')).length, 1);
  assert.deepEqual(await s.outbox(), []);
});
