/**
 * Secrets only where they are used: with Slack, email, a proxy and a trigger token configured
 * from variables that are NOT set, every reading command (and `run --dry-run`) works; `run`,
 * which sends alerts, says which variable is missing and sends nothing. Then the same run with
 * the webhook mounted as a file (`webhookUrlFile`) delivers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, snapshotSubjects } from './helpers/cli-run.js';
import { startSlackStub } from './helpers/slack-stub.js';

const PAGE = '## Portal\n\n|Data center|IP addresses|\n|----|----|\n|US1 data center|13.91.91.243|\n';
const NEXT = '## Portal\n\n|Data center|IP addresses|\n|----|----|\n|US1 data center|13.91.91.243<br>13.91.91.244|\n';

function config(slackLine: string): string {
  return [
    'snapshotDir: ./history',
    'proxy: http://svc:${PROXY_PASSWORD}@proxy.corp.example:3128',
    'serve:',
    '  token: ${EW_TRIGGER_TOKEN}',
    'sources:',
    '  - id: vendor',
    '    url: ./page.md',
    'notifiers:',
    '  - type: slack',
    `    ${slackLine}`,
    '    retries: 0',
    '  - type: email',
    '    smtpUrl: ${SMTP_URL}',
    '    from: endpoint-watch@example.com',
    '    to: [netsec@example.com]',
    '',
  ].join('\n');
}

test('reading commands and run --dry-run need no notifier, proxy or token secret', { timeout: 60_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-secrets-'));
  const slack = await startSlackStub();
  t.after(async () => {
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });
  const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(args, { cwd: dir, env });

  // A first snapshot, taken with the secrets present (Slack from a mounted file, email left out).
  await writeFile(join(dir, 'slack-webhook'), `${slack.url}\n`);
  await writeFile(join(dir, 'page.md'), PAGE);
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    config('webhookUrlFile: ./slack-webhook')
      .replace(/^proxy: .*\n/m, '')
      .replace(/ {2}- type: email[\s\S]*$/, ''),
  );
  const baseline = await cli({}, 'run');
  assert.equal(baseline.code, 0, baseline.stderr);
  assert.equal(slack.delivered().length, 1, 'the baseline notice went to Slack through the file-mounted URL');

  // Now nothing is set: no SLACK_WEBHOOK_URL, SMTP_URL, PROXY_PASSWORD or EW_TRIGGER_TOKEN.
  await writeFile(join(dir, 'endpoint-watch.yaml'), config('webhookUrl: ${SLACK_WEBHOOK_URL}'));
  await writeFile(join(dir, 'page.md'), NEXT);
  for (const args of [
    ['history'],
    ['show', '--source', 'vendor'],
    ['lookup', '13.91.91.243'],
    ['export', '--format', 'cidr'],
    ['report', '--out', 'site'],
    ['run', '--dry-run'],
  ]) {
    const result = await cli({}, ...args);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /not set/, args.join(' '));
  }
  assert.match((await cli({}, 'run', '--dry-run')).stdout, /IP added: 13\.91\.91\.244/);

  // A run that would alert says what is missing, exits 2 and sends and commits nothing.
  const run = await cli({}, 'run');
  assert.equal(run.code, 2);
  assert.match(run.stderr, /notifiers\[0\]\.webhookUrl: environment variable SLACK_WEBHOOK_URL is not set/);
  assert.match(run.stderr, /notifiers\[1\]\.smtpUrl: environment variable SMTP_URL is not set/);
  assert.equal(slack.delivered().length, 1);
  assert.deepEqual(snapshotSubjects(join(dir, 'history')), ['vendor: baseline, now tracking 1 endpoint']);
});
