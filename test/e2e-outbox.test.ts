/**
 * The outbox through the CLI: Slack answering 429 or 500 and an SMTP outage keep the alert, and
 * a later run delivers it exactly once to the notifier that missed it, and to no other. The
 * webhook URL and the SMTP password (both from ${VAR}) never appear in what the CLI prints or
 * in the outbox files. Real peers: a loopback Slack stand-in, an in-process SMTP server, git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notifiersYaml, runCli, snapshotSubjects, type CliResult } from './helpers/cli-run.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from './helpers/smtp-stub.js';

const PASSWORD = 'outbox-pa55word-7f3c';

/** A page in the layout of the data-center tables (our own prose). */
function page(eu: string[], options: { withAuthTable?: boolean } = {}): string {
  return [
    '## Portal access',
    '',
    'Allow **outbound port 443** to:',
    '',
    '|----|----|',
    '|US1 data center|13.91.91.243|',
    `|EU1 data center|${eu.join('<br/>')}|`,
    '',
    ...(options.withAuthTable === false
      ? []
      : [
          '## Authentication gateway',
          '',
          '|----|----|',
          '|US1 data center|52.183.75.62|',
          '|EU1 data center|13.80.125.22|',
          '',
        ]),
  ].join('\n');
}

let slack: SlackStub;
let smtp: SmtpStub;
let dir: string;
/** Everything the CLI printed in this file's runs, to look for secrets. */
const printed: string[] = [];

async function cli(...args: string[]): Promise<CliResult> {
  const env = { ...process.env, EW_SLACK: slack.url, EW_SMTP: smtp.url({ user: 'alerts', pass: PASSWORD }) };
  const result = await runCli(args, { cwd: dir, env });
  printed.push(result.stdout, result.stderr);
  return result;
}

const commits = () => snapshotSubjects(join(dir, 'snapshots'));
const slackTexts = () => slack.delivered().map((body) => JSON.stringify(body));

async function outbox(): Promise<Array<{ pending: string[]; raw: string }>> {
  const folder = join(dir, 'snapshots', '.outbox');
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  return Promise.all(
    names.map(async (name) => {
      const raw = await readFile(join(folder, name), 'utf8');
      return { pending: (JSON.parse(raw) as { pending: string[] }).pending, raw };
    }),
  );
}

async function assertNoSecrets(): Promise<void> {
  const texts = [...printed, ...(await outbox()).map((e) => e.raw)];
  for (const text of texts) {
    assert.ok(!text.includes(PASSWORD), `SMTP password in: ${text}`);
    assert.ok(!text.includes(slack.secretPath), `webhook URL in: ${text}`);
  }
}

before(async () => {
  slack = await startSlackStub();
  smtp = await startSmtpStub({ users: { alerts: PASSWORD } });
  dir = await mkdtemp(join(tmpdir(), 'ew-outbox-'));
  await writeFile(join(dir, 'network.md'), page(['52.174.56.180']));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: portal',
      '    url: ./network.md',
      ...notifiersYaml({ slack: true, email: true }),
      '',
    ].join('\n'),
  );
});

after(async () => {
  await slack.close();
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

test('notifier outages: the alert waits in the outbox and reaches the notifier that missed it, once', {
  timeout: 120_000,
}, async (t) => {
  await t.test('baseline reaches both', { timeout: 120_000 }, async () => {
    const run = await cli('run');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(slack.delivered().length, 1);
    assert.equal(smtp.messages.length, 1);
    assert.deepEqual(await outbox(), []);
  });

  await t.test(
    'Slack 429: email sent, commit made, alert kept for Slack only; the next run posts it once',
    { timeout: 120_000 },
    async () => {
      slack.respond({ status: 429, headers: { 'retry-after': '0' } });
      await writeFile(join(dir, 'network.md'), page(['52.174.56.180', '52.174.56.181']));
      const failed = await cli('run');
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /portal: alert not delivered by slack, kept for the next run: .*HTTP 429/);
      assert.equal(slack.delivered().length, 1);
      assert.equal(smtp.messages.length, 2);
      assert.match(smtp.messages[1]!.text ?? '', /52\.174\.56\.181/);
      assert.equal(commits().length, 2);
      assert.deepEqual(
        (await outbox()).map((e) => e.pending),
        [['slack']],
      );
      await assertNoSecrets();

      const retried = await cli('run');
      assert.equal(retried.code, 0, retried.stderr);
      assert.equal(slack.delivered().length, 2);
      assert.match(slackTexts()[1]!, /52\.174\.56\.181/);
      assert.equal(smtp.messages.length, 2, 'email already had it');
      assert.equal(commits().length, 2);
      assert.deepEqual(await outbox(), []);

      const quiet = await cli('run');
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(slack.delivered().length, 2, 'nothing is sent twice');
      assert.equal(smtp.messages.length, 2);
    },
  );

  await t.test(
    'SMTP outage over two runs: Slack posted once, email delivered once when the server is back',
    { timeout: 120_000 },
    async () => {
      await smtp.outage();
      await writeFile(join(dir, 'network.md'), page(['52.174.56.181']));
      const failed = await cli('run');
      assert.equal(failed.code, 1);
      assert.match(
        failed.stderr,
        /alert not delivered by email:netsec@example\.com, kept for the next run: .*ECONNREFUSED/,
      );
      assert.equal(slack.delivered().length, 3);
      assert.match(slackTexts()[2]!, /52\.174\.56\.180/);
      assert.equal(commits().length, 3);
      assert.deepEqual(
        (await outbox()).map((e) => e.pending),
        [['email:netsec@example.com']],
      );
      await assertNoSecrets();

      const stillDown = await cli('run');
      assert.equal(stillDown.code, 1, 'an alert that still cannot be delivered fails the run');
      assert.match(stillDown.stderr, /earlier alert still not delivered \(portal\/email:netsec@example\.com\)/);
      assert.equal(slack.delivered().length, 3, 'Slack is not sent the kept alert again');
      assert.equal((await outbox()).length, 1);

      await smtp.recover();
      const retried = await cli('run');
      assert.equal(retried.code, 0, retried.stderr);
      assert.equal(smtp.messages.length, 3);
      assert.match(smtp.messages[2]!.text ?? '', /IP removed: 52\.174\.56\.180/);
      assert.equal(slack.delivered().length, 3);
      assert.deepEqual(await outbox(), []);
    },
  );

  await t.test(
    'Slack 500 while removals are withheld: the run says the withheld alert was not delivered; the next run posts it once',
    { timeout: 120_000 },
    async () => {
      slack.respond({ status: 500 });
      await writeFile(join(dir, 'network.md'), page(['52.174.56.181'], { withAuthTable: false }));
      const withheld = await cli('run', '--json');
      assert.equal(withheld.code, 1, 'an alert could not be delivered');
      const report = JSON.parse(withheld.stdout) as {
        results: Array<{ status: string; undelivered?: Record<string, string>; withheld?: { removals: unknown[] } }>;
      };
      assert.equal(report.results[0]!.status, 'withheld');
      assert.equal(report.results[0]!.withheld?.removals.length, 2);
      assert.match(report.results[0]!.undelivered?.['slack'] ?? '', /HTTP 500/);
      assert.equal(smtp.messages.length, 4);
      assert.match(smtp.messages[3]!.subject, /2 removals withheld/);
      assert.deepEqual(
        (await outbox()).map((e) => e.pending),
        [['slack']],
      );
      assert.equal(commits().length, 3);
      await assertNoSecrets();

      const again = await cli('run');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /WITHHELD/);
      assert.doesNotMatch(again.stderr, /not delivered/);
      assert.equal(slack.delivered().length, 4);
      assert.match(slackTexts()[3]!, /2 removals withheld/);
      assert.equal(smtp.messages.length, 4, 'email already had it');
      assert.deepEqual(await outbox(), []);
      assert.equal(commits().length, 3);
    },
  );

  await t.test('neither the webhook URL nor the SMTP password was printed', { timeout: 120_000 }, async () => {
    assert.ok(
      printed.some((text) => /not delivered/.test(text)),
      'the runs above did report delivery failures',
    );
    await assertNoSecrets();
  });
});
