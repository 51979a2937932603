/**
 * Under `watch` there is no exit code to look at: a source that starts failing (HTTP 500 from a
 * loopback documentation site) is announced once to Slack (a loopback stand-in) and by email (a
 * real in-process SMTP server), and its recovery once, while the cron ticks go on; an
 * announcement Slack refused is logged and sent at a later tick, once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { StringSink } from '../cli/io.js';
import { reply, startDocServer } from './helpers/doc-server.js';
import { startSlackStub } from './helpers/slack-stub.js';
import { startSmtpStub } from './helpers/smtp-stub.js';
import { notifiersYaml } from './helpers/cli-run.js';

const TABLE = '## Portal access\n\n|----|----|\n|US1 data center|13.91.91.243|\n';

/** Resolves once `check` holds, looking every 50 ms (the test's own timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}

test('watch: a source answering 500 reaches Slack and email once, and its recovery once', {
  timeout: 120_000,
}, async () => {
  const site = await startDocServer();
  const slack = await startSlackStub();
  const smtp = await startSmtpStub();
  const dir = await mkdtemp(join(tmpdir(), 'ew-watch-failing-'));
  try {
    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      [
        'snapshotDir: ./snapshots',
        'sources:',
        '  - id: portal',
        `    url: ${site.url('/network.md')}`,
        '    schedule: "* * * * * *"',
        '    retries: 0',
        '    failureAlertAfter: 2',
        ...notifiersYaml({ slack: true, email: true }),
        '',
      ].join('\n'),
    );
    site.set('/network.md', reply.document(TABLE));
    const slackTitles = () => slack.delivered().map((b) => (b as { text: string }).text.split('\n')[0]!);
    const subjects = () => smtp.messages.map((m) => m.subject);
    const fetches = () => site.requestCount('/network.md');
    const stdout = new StringSink();
    const stderr = new StringSink();
    const untilStopped = async () => {
      await until(() => slackTitles().some((t) => t.startsWith('portal: now tracking')));
      // Slack refuses the first announcement: it is kept and sent at the next tick, once.
      slack.respond({ status: 500 });
      site.set('/network.md', reply.status(500));
      await until(() => slackTitles().some((t) => t.startsWith('portal: failing since')));
      // More failing ticks: no second announcement.
      const failingFrom = fetches();
      await until(() => fetches() >= failingFrom + 3);
      site.set('/network.md', reply.document(`${TABLE}|EU1 data center|13.80.22.71|\n`));
      await until(() => slackTitles().some((t) => t.startsWith('portal: works again')));
      const workingFrom = fetches();
      await until(() => fetches() >= workingFrom + 2);
    };
    const env = { EW_SLACK: slack.url, EW_SMTP: smtp.url() };
    const code = await main(['watch'], { stdout, stderr, env, cwd: dir, untilStopped });
    assert.equal(code, 0, stderr.toString());

    const failing = (list: string[]) => list.filter((t) => /portal: (source )?failing since/.test(t));
    const recovered = (list: string[]) => list.filter((t) => /portal: (source )?works again/.test(t));
    assert.equal(failing(slackTitles()).length, 1, slackTitles().join('\n'));
    assert.equal(recovered(slackTitles()).length, 1, slackTitles().join('\n'));
    assert.equal(failing(subjects()).length, 1, subjects().join('\n'));
    assert.equal(recovered(subjects()).length, 1, subjects().join('\n'));
    assert.match(smtp.messages.find((m) => /failing since/.test(m.subject))!.text ?? '', /HTTP 500/);
    assert.ok(
      slack.delivered().some((b) => JSON.stringify(b).includes('13.80.22.71')),
      'the change made while it failed is alerted',
    );
    assert.match(stderr.toString(), /portal: .*HTTP 500/);
    assert.match(
      stderr.toString(),
      /portal: alert not delivered by slack, kept for the next run: Slack webhook kept failing/,
    );
    assert.equal(
      slack.requests.filter((r) => /failing since/.test(JSON.stringify(r.body))).length,
      2,
      'refused once, then delivered once',
    );
  } finally {
    await site.close();
    await slack.close();
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  }
});
