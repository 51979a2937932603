/**
 * A change of 6,000 endpoints, end to end: it commits (the message goes to git on stdin, and is
 * summed up to a readable size) and it alerts, in Slack and email, summed up too; `history`
 * still lists every change. Removing them all again is withheld (nearly nothing is left of the
 * page), announced in one readable alert, and accepted.
 * Real peers: a loopback documentation server, Slack and SMTP stand-ins, a real git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLACK_LIMITS } from '../notify/format.js';
import { notifiersYaml, runCli, snapshotSubjects } from './helpers/cli-run.js';
import { startDocServer, reply, type DocServer } from './helpers/doc-server.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from './helpers/smtp-stub.js';

const REGIONS = ['US1', 'US2', 'US3', 'EU1', 'EU2', 'EU3'];
const PER_REGION = 1000;

function page(options: { bulk?: boolean } = {}): string {
  const lines = [
    '# Network requirements',
    '',
    '## Portal access',
    '',
    '| Data center | IP addresses |',
    '|---|---|',
    '| US1 | 13.91.91.243<br>13.91.91.244 |',
    '| EU1 | 52.174.56.180<br>52.174.56.181 |',
    '',
  ];
  if (options.bulk) {
    lines.push('## Bulk ranges', '', '| Data center | IP addresses |', '|---|---|');
    REGIONS.forEach((region, r) => {
      const ips = Array.from({ length: PER_REGION }, (_, i) => `20.${40 + r}.${Math.floor(i / 250)}.${(i % 250) + 1}`);
      lines.push(`| ${region} | ${ips.join('<br>')} |`);
    });
    lines.push('');
  }
  return lines.join('\n');
}

let docs: DocServer;
let slack: SlackStub;
let smtp: SmtpStub;
let dir: string;

const cli = (...args: string[]) =>
  runCli(args, { cwd: dir, env: { ...process.env, EW_SLACK: slack.url, EW_SMTP: smtp.url() } });
const git = (...args: string[]) => execFileSync('git', args, { cwd: join(dir, 'snapshots'), encoding: 'utf8' });

before(async () => {
  docs = await startDocServer();
  slack = await startSlackStub();
  smtp = await startSmtpStub();
  dir = await mkdtemp(join(tmpdir(), 'ew-large-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: cas',
      `    url: ${docs.url('/large.md')}`,
      '    retries: 0',
      ...notifiersYaml({ slack: true, email: true }),
      '',
    ].join('\n'),
  );
});

after(async () => {
  await docs.close();
  await slack.close();
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

function assertReadableSlack(body: unknown): void {
  const message = body as { text: string; blocks: Array<{ type: string }> };
  assert.ok(message.blocks.length <= SLACK_LIMITS.blocks, `${message.blocks.length} blocks`);
  assert.ok(message.text.length <= SLACK_LIMITS.fallbackText);
  assert.ok(JSON.stringify(body).length < 200_000);
}

test('6,000 endpoints added, then all removed: committed and alerted at a readable size', {
  timeout: 300_000,
}, async (t) => {
  docs.set('/large.md', reply.document(page()));
  assert.equal((await cli('run')).code, 0);

  await t.test('6,000 added: one commit, one Slack post, one email, each summed up', async () => {
    docs.set('/large.md', reply.document(page({ bulk: true })));
    const run = await cli('run', '--json');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout).results[0];
    assert.equal(result.status, 'changed');
    assert.equal(result.changeSet.changes.length, REGIONS.length * PER_REGION);
    assert.equal(snapshotSubjects(join(dir, 'snapshots'))[0], 'cas: +6000 IPs in Bulk ranges (action needed)');
    const message = git('log', '-1', '--format=%B');
    const lines = message.split('\n');
    assert.ok(lines.length < 300, `${lines.length} lines in the commit message`);
    assert.match(message, /^- \.\.\. and 980 more in US1 Bulk ranges$/m);
    assert.match(message, /^- \[action\] US1 Bulk ranges: IP added: 20\.40\.0\.1/m);

    assert.equal(slack.delivered().length, 2);
    assertReadableSlack(slack.delivered()[1]);
    // 1,000 consecutive addresses per region: four ranges each, every one of them named.
    const posted = JSON.stringify(slack.delivered()[1]);
    assert.match(posted, /1000 IPs added: `20\.40\.0\.1 - 20\.40\.0\.250` \(250 addresses\)/);
    assert.ok(posted.length < 20_000, `${posted.length} bytes posted to Slack`);

    assert.equal(smtp.messages.length, 2);
    const text = smtp.messages[1]!.text ?? '';
    const textLines = text.split('\n').length;
    assert.ok(textLines < 400, `${textLines} lines of email text`);
    assert.match(text, /\n {2}\+ 1000 IPs added: 20\.40\.0\.1 - 20\.40\.0\.250 \(250 addresses\), 20\.40\.1\.1 - /);
    assert.ok((smtp.messages[1]!.html ?? '').length < 200_000);

    // The full list is one command away.
    const history = JSON.parse((await cli('history', '--json')).stdout) as { history: Array<{ changes: unknown[] }> };
    assert.equal(history.history[0]!.changes.length, 6000);
  });

  await t.test('all 6,000 gone again: withheld (nearly nothing left), one readable alert, then accepted', async () => {
    docs.set('/large.md', reply.document(page()));
    const run = await cli('run', '--json');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout).results[0];
    assert.equal(result.status, 'withheld');
    assert.equal(result.withheld.removals.length, 6000);
    // 4 endpoints left of 6,004: nearly none, so it waits for a person.
    assert.match(result.withheld.reasons[0], /the page lists nearly no endpoint any more: 4, against 6004 before/);
    assert.equal(result.withheld.needsPerson, true);
    assert.equal(slack.delivered().length, 3);
    assertReadableSlack(slack.delivered()[2]);
    const text = smtp.messages[2]!.text ?? '';
    assert.ok(text.split('\n').length < 400, `${text.split('\n').length} lines of email text`);
    assert.match(text, /6000 removals withheld/);

    const accepted = await cli('run', '--accept', '--source', 'cas');
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(snapshotSubjects(join(dir, 'snapshots'))[0], 'cas: -6000 IPs in Bulk ranges');
    assert.ok(git('log', '-1', '--format=%B').split('\n').length < 300);
    assert.equal(slack.delivered().length, 4);
    assertReadableSlack(slack.delivered()[3]);
  });
});
