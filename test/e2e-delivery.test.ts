/**
 * Delivery faults through the CLI, with real peers (a loopback Slack stand-in, an in-process
 * SMTP server, git): a pending alert survives a notifier whose derived id changed (a channel
 * added, recipients reordered) and is never dropped silently; each notifier is crossed off the
 * moment it accepted; a Slack answering after the timeout gets one copy per run at most, the
 * second one titled as a possible duplicate.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './helpers/cli-run.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from './helpers/smtp-stub.js';

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

interface Setup {
  dir: string;
  config(notifiers: string[]): Promise<void>;
  page(eu: string[]): Promise<void>;
  run(...args: string[]): Promise<CliResult>;
  outbox(): Promise<Array<{ pending: string[]; uncertain?: Record<string, string> }>>;
}

async function setup(): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'ew-delivery-'));
  dirs.push(dir);
  const env = { ...process.env, EW_SLACK: slack.url, EW_SMTP: smtp.url() };
  const folder = join(dir, 'snapshots', '.outbox');
  return {
    dir,
    config: (notifiers) =>
      writeFile(
        join(dir, 'endpoint-watch.yaml'),
        [
          'snapshotDir: ./snapshots',
          'sources:',
          '  - id: portal',
          '    url: ./network.md',
          'notifiers:',
          ...notifiers,
          '',
        ].join('\n'),
      ),
    page: (eu) => writeFile(join(dir, 'network.md'), page(eu)),
    run: (...args) => runCli(args, { cwd: dir, env }),
    outbox: async () => {
      const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
      return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(folder, n), 'utf8'))));
    },
  };
}

const SLACK = ['  - type: slack', '    webhookUrl: ${EW_SLACK}', '    retries: 0'];
function email(to: string[], extra: string[] = []): string[] {
  return [
    '  - type: email',
    '    smtpUrl: ${EW_SMTP}',
    '    from: endpoint-watch@example.com',
    `    to: [${to.join(', ')}]`,
    '    retries: 0',
    '    timeoutSeconds: 2',
    ...extra,
  ];
}

test('a pending Slack alert reaches the notifier once a channel: was added to it', { timeout: 120_000 }, async () => {
  const s = await setup();
  await s.config([...SLACK]);
  await s.page(['52.174.56.180']);
  assert.equal((await s.run('run')).code, 0);
  const before = slack.delivered().length;

  slack.respond({ status: 500 });
  await s.page(['52.174.56.180', '52.174.56.185']);
  const failed = await s.run('run');
  assert.equal(failed.code, 1);
  assert.deepEqual(
    (await s.outbox()).map((e) => e.pending),
    [['slack']],
  );

  await s.config([...SLACK, "    channel: '#netsec'"]);
  const next = await s.run('run');
  assert.equal(next.code, 0, next.stderr);
  assert.equal(slack.delivered().length, before + 1);
  const body = slack.delivered().at(-1) as { channel?: string };
  assert.match(JSON.stringify(body), /52\.174\.56\.185/);
  assert.equal(body.channel, '#netsec');
  assert.deepEqual(await s.outbox(), []);
});

test('reordering to: keeps a pending email; two possible successors keep it loudly until an id: says which', {
  timeout: 120_000,
}, async () => {
  const s = await setup();
  await s.config(email(['netsec@example.com', 'soc@example.com']));
  await s.page(['52.174.56.180']);
  assert.equal((await s.run('run')).code, 0);

  // Outage, then the recipients reordered: the derived id changes from netsec to soc.
  await smtp.outage();
  await s.page(['52.174.56.180', '52.174.56.186']);
  assert.equal((await s.run('run')).code, 1);
  assert.deepEqual(
    (await s.outbox()).map((e) => e.pending),
    [['email:netsec@example.com']],
  );
  await smtp.recover();
  const count = smtp.messages.length;
  await s.config(email(['soc@example.com', 'netsec@example.com']));
  const reordered = await s.run('run');
  assert.equal(reordered.code, 0, reordered.stderr);
  assert.equal(smtp.messages.length, count + 1);
  assert.match(smtp.messages.at(-1)!.text ?? '', /52\.174\.56\.186/);
  assert.deepEqual(await s.outbox(), []);

  // Another outage, then the notifier split in two: which one replaced it cannot be told.
  await smtp.outage();
  await s.page(['52.174.56.186']);
  assert.equal((await s.run('run')).code, 1);
  await smtp.recover();
  await s.config([...email(['noc@example.com']), ...email(['ops@example.com'])]);
  for (let i = 0; i < 2; i += 1) {
    const kept = await s.run('run');
    assert.equal(kept.code, 1, 'an alert nobody can deliver fails every run');
    assert.match(kept.stderr, /notifier "email:soc@example\.com" is no longer in the config/);
    assert.match(kept.stderr, /Give the notifier that should deliver it `id: email:soc@example\.com`/);
    assert.match(kept.stderr, /or delete .*\.outbox.*\.json to drop it/);
    assert.equal((await s.outbox()).length, 1);
  }
  const sent = smtp.messages.length;
  await s.config([...email(['noc@example.com'], ['    id: email:soc@example.com']), ...email(['ops@example.com'])]);
  const named = await s.run('run');
  assert.equal(named.code, 0, named.stderr);
  assert.equal(smtp.messages.length, sent + 1);
  assert.deepEqual(smtp.messages.at(-1)!.envelope.to, ['noc@example.com']);
  assert.match(smtp.messages.at(-1)!.text ?? '', /IP removed: 52\.174\.56\.180/);
  assert.deepEqual(await s.outbox(), []);
});

test('Slack is crossed off before the SMTP server that hangs answers: nothing left to re-send to Slack', {
  timeout: 120_000,
}, async () => {
  const s = await setup();
  await s.config([...SLACK, ...email(['netsec@example.com'])]);
  await s.page(['52.174.56.180']);
  assert.equal((await s.run('run')).code, 0);

  const seen: { duringHang?: Promise<Array<{ pending: string[] }>> } = {};
  smtp.hangNext(1, () => {
    seen.duringHang = s.outbox();
  });
  const slackBefore = slack.delivered().length;
  await s.page(['52.174.56.180', '52.174.56.187']);
  const run = await s.run('run');
  assert.equal(run.code, 1, 'the email timed out');
  assert.ok(seen.duringHang, 'the SMTP server received the message and hung');
  assert.deepEqual(
    (await seen.duringHang!).map((e) => e.pending),
    [['email:netsec@example.com']],
    'while SMTP hangs, the outbox no longer lists Slack: a kill now re-sends nothing to it',
  );
  assert.equal(slack.delivered().length, slackBefore + 1);
  const again = await s.run('run');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(slack.delivered().length, slackBefore + 1, 'Slack got the alert once');
  assert.match(smtp.messages.at(-1)!.text ?? '', /52\.174\.56\.187/);
});

test('a Slack answering 200 after the timeout: one copy, one marked re-send at the next run, then none', {
  timeout: 120_000,
}, async () => {
  const s = await setup();
  const slow = ['  - type: slack', '    webhookUrl: ${EW_SLACK}', '    retries: 4', '    timeoutSeconds: 0.5'];
  await s.config(slow);
  await s.page(['52.174.56.180']);
  assert.equal((await s.run('run')).code, 0);

  const requests = slack.requests.length;
  slack.respond({ status: 200, delayMs: 1500 });
  await s.page(['52.174.56.180', '52.174.56.188']);
  const first = await s.run('run');
  assert.equal(first.code, 1);
  assert.match(first.stderr, /may have been delivered \(not retried\).*the next run sends it once more/);
  assert.equal(slack.requests.length, requests + 1, 'not retried within the run');
  const [entry] = await s.outbox();
  assert.deepEqual(entry!.pending, ['slack']);
  assert.ok(entry!.uncertain?.['slack']);

  const second = await s.run('run');
  assert.equal(second.code, 0, second.stderr);
  assert.equal(slack.requests.length, requests + 2);
  assert.match(JSON.stringify(slack.requests.at(-1)!.body), /re-sent, may be a duplicate/);
  assert.deepEqual(await s.outbox(), []);

  // Slow twice in a row: the re-send is the last one, and the run says so.
  slack.respond({ status: 200, delayMs: 1500 }, { status: 200, delayMs: 1500 });
  await s.page(['52.174.56.188']);
  assert.equal((await s.run('run')).code, 1);
  const last = await s.run('run');
  assert.equal(last.code, 1);
  assert.match(last.stderr, /re-sent once already after a timeout .* so it is not sent again/);
  assert.deepEqual(await s.outbox(), []);
  const third = await s.run('run');
  assert.equal(third.code, 0, third.stderr);
  assert.equal(slack.requests.length, requests + 4, 'two copies of that alert at most');
});
