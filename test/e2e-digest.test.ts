/**
 * A digest notifier through the outbox, with real peers (a loopback Slack stand-in, an
 * in-process SMTP server, git) and ENDPOINT_WATCH_NOW for the hours: change alerts wait for the
 * digest time, one digest carries them (each still routed), a failing Slack keeps them pending
 * until a digest is accepted, a receipt left by a kill finishes the crossing off without a second
 * digest, and source-failure alerts go at once.
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
let dir: string;

before(async () => {
  slack = await startSlackStub();
  smtp = await startSmtpStub();
  dir = await mkdtemp(join(tmpdir(), 'ew-digest-'));
});
after(async () => {
  await slack.close();
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

function page(us: string[], eu: string[]): string {
  return [
    '## Portal access',
    '',
    '|----|----|',
    `|US1 data center|${us.join('<br/>')}|`,
    `|EU1 data center|${eu.join('<br/>')}|`,
    '',
  ].join('\n');
}

const outboxDir = () => join(dir, 'snapshots', '.outbox');

async function outbox(): Promise<Array<{ id: string; pending: string[]; notification: { type: string } }>> {
  const names = (await readdir(outboxDir()).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(outboxDir(), n), 'utf8'))));
}

function run(at: string): Promise<CliResult> {
  const env = { ...process.env, EW_SLACK: slack.url, EW_SMTP: smtp.url(), ENDPOINT_WATCH_NOW: at };
  return runCli(['run'], { cwd: dir, env });
}

const texts = (from: number) =>
  slack
    .delivered()
    .slice(from)
    .map((b) => JSON.stringify(b));

test('a daily digest: held until 08:00, one message, exactly once through outages and a kill', {
  timeout: 240_000,
}, async () => {
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: portal',
      '    url: ./network.md',
      '  - id: flaky',
      '    url: ./flaky.md',
      '    failureAlertAfter: 1',
      'notifiers:',
      '  - type: slack',
      '    id: eu-digest',
      '    webhookUrl: ${EW_SLACK}',
      '    retries: 0',
      '    regions: [EU1]',
      '    digest: daily',
      '    digestAt: "08:00"',
      '    digestTimeZone: UTC',
      '  - type: email',
      '    smtpUrl: ${EW_SMTP}',
      '    from: endpoint-watch@example.com',
      '    to: [netsec@example.com]',
      '    retries: 0',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'network.md'), page(['13.91.91.243'], ['52.174.56.180']));
  await writeFile(join(dir, 'flaky.md'), page(['13.91.91.250'], []));
  const start = slack.delivered().length;
  assert.equal((await run('2026-03-02T06:00:00Z')).code, 0);
  assert.equal(smtp.messages.length, 2, 'email (no digest) has both baselines at once');

  // 07:00: a US1 change (not for this notifier) and an EU1 change.
  await writeFile(join(dir, 'network.md'), page(['13.91.91.243', '13.91.91.244'], ['52.174.56.180', '52.174.56.181']));
  assert.equal((await run('2026-03-02T07:00:00Z')).code, 0);
  assert.deepEqual(texts(start), [], 'nothing in Slack before the digest time');
  assert.equal(smtp.messages.length, 3);

  // 07:30: a source failing is said at once, digest or not.
  await rm(join(dir, 'flaky.md'));
  assert.equal((await run('2026-03-02T07:30:00Z')).code, 1);
  const failing = texts(start);
  assert.equal(failing.length, 1);
  assert.match(failing[0]!, /flaky: failing since/);
  const held = await outbox();
  assert.ok(
    held.every((e) => e.pending.join() === 'eu-digest'),
    JSON.stringify(held.map((e) => e.pending)),
  );
  assert.deepEqual(held.map((e) => e.notification.type).sort(), ['baseline', 'baseline', 'changes']);

  // 08:05: the first run after the digest time, Slack answers 500: everything stays pending.
  await writeFile(join(dir, 'flaky.md'), page(['13.91.91.250'], []));
  slack.respond({ status: 500 }, { status: 500 });
  const down = await run('2026-03-02T08:05:00Z');
  assert.equal(down.code, 1);
  assert.match(down.stderr, /flaky: alert not delivered by eu-digest/);
  assert.match(down.stderr, /earlier alert still not delivered \(digest\/eu-digest\): Slack webhook kept failing/);
  assert.equal(texts(start).length, 1, 'the recovery notice and the digest were both refused');
  assert.equal((await outbox()).length, 4);

  // 08:10: the recovery notice, then the digest once, with the EU1 change and both baselines, not the US1 change.
  const ok = await run('2026-03-02T08:10:00Z');
  assert.equal(ok.code, 0, ok.stderr);
  const sent = texts(start).slice(1);
  assert.equal(sent.length, 2);
  assert.match(sent[0]!, /flaky: works again/);
  const digest = sent[1]!;
  assert.match(digest, /Daily digest: 3 alerts \(portal, flaky\) since 2026-03-02 06:00 UTC/);
  assert.match(digest, /52\.174\.56\.181/);
  assert.doesNotMatch(digest, /13\.91\.91\.244/, 'each item is routed: EU1 only');
  assert.deepEqual(await outbox(), []);
  assert.equal((await run('2026-03-02T08:20:00Z')).code, 0);
  assert.equal(texts(start).length, 3, 'not sent twice');

  // 09:00: a change after today's digest waits for tomorrow's.
  await writeFile(join(dir, 'network.md'), page(['13.91.91.243', '13.91.91.244'], ['52.174.56.181']));
  assert.equal((await run('2026-03-02T09:00:00Z')).code, 0);
  assert.equal((await run('2026-03-03T07:59:00Z')).code, 0);
  assert.equal(texts(start).length, 3);
  const pending = await outbox();
  assert.equal(pending.length, 1);

  // What a kill right after Slack accepted tomorrow's digest leaves: the receipt, the item pending.
  await writeFile(
    join(outboxDir(), `1-kill.digest-receipt`),
    JSON.stringify({
      id: '1-kill',
      notifier: 'eu-digest',
      entries: [pending[0]!.id],
      acceptedAt: '2026-03-03T08:00:01Z',
    }),
  );
  const after = await run('2026-03-03T08:00:30Z');
  assert.equal(after.code, 0, after.stderr);
  assert.equal(texts(start).length, 3, 'the receipt crossed it off: no second digest');
  assert.deepEqual(await outbox(), []);
  assert.deepEqual(
    (await readdir(outboxDir())).filter((n) => n.endsWith('.digest-receipt')),
    [],
  );
});

test('a weekly email digest on Monday 07:30 Berlin time: one message with every alert in full', {
  timeout: 180_000,
}, async () => {
  const weekly = await mkdtemp(join(tmpdir(), 'ew-digest-weekly-'));
  try {
    await writeFile(
      join(weekly, 'endpoint-watch.yaml'),
      [
        'snapshotDir: ./snapshots',
        'sources:',
        '  - id: portal',
        '    url: ./network.md',
        'notifiers:',
        '  - type: email',
        '    smtpUrl: ${EW_SMTP}',
        '    from: endpoint-watch@example.com',
        '    to: [weekly@example.com]',
        '    retries: 0',
        '    digest: weekly',
        '    digestDay: monday',
        '    digestAt: "07:30"',
        '    digestTimeZone: Europe/Berlin',
        '',
      ].join('\n'),
    );
    const env = (at: string) => ({ ...process.env, EW_SMTP: smtp.url(), ENDPOINT_WATCH_NOW: at });
    const go = (at: string) => runCli(['run'], { cwd: weekly, env: env(at) });
    const mine = () => smtp.messages.filter((m) => m.envelope.to.includes('weekly@example.com'));
    await writeFile(join(weekly, 'network.md'), page(['13.91.91.243'], ['52.174.56.180']));
    assert.equal((await go('2026-02-28T10:00:00Z')).code, 0); // Saturday
    await writeFile(join(weekly, 'network.md'), page(['13.91.91.243'], ['52.174.56.180', '52.174.56.190']));
    assert.equal((await go('2026-03-01T10:00:00Z')).code, 0); // Sunday
    assert.equal((await go('2026-03-02T06:29:00Z')).code, 0); // Monday 07:29 in Berlin
    assert.equal(mine().length, 0, 'nothing before Monday 07:30 Berlin time');
    const due = await go('2026-03-02T06:31:00Z');
    assert.equal(due.code, 0, due.stderr);
    assert.equal(mine().length, 1);
    const mail = mine()[0]!;
    assert.match(mail.subject, /^\[endpoint-watch\] Weekly digest: 2 alerts \(portal\) since 2026-02-28 10:00 UTC$/);
    assert.match(mail.text ?? '', /portal: now tracking 2 endpoints/);
    assert.match(mail.text ?? '', /52\.174\.56\.190/);
    assert.match(mail.html ?? '', /52\.174\.56\.190/);
    assert.equal((await go('2026-03-03T09:00:00Z')).code, 0);
    assert.equal(mine().length, 1, 'once');
  } finally {
    await rm(weekly, { recursive: true, force: true });
  }
});
