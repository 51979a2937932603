/**
 * The whole pipeline, end to end, through the CLI entry point: a real HTTP server for the
 * documentation site, a real HTTP server standing in for Slack, a real SMTP server, and a real
 * git repository for the snapshots.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { notifiersYaml, runCli, snapshotSubjects } from './helpers/cli-run.js';
import { startDocServer, reply, type DocServer } from './helpers/doc-server.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from './helpers/smtp-stub.js';

/** A network-requirements page in the layout of the Cloud App Security document (our own prose). */
function casDocument(options: { euAppConnector?: string[]; dropAuthTable?: boolean; intro?: string } = {}): string {
  const eu = options.euAppConnector ?? ['13.80.22.71', '13.95.29.177', '13.95.30.46'];
  const auth = options.dropAuthTable
    ? ''
    : [
        '## Authentication gateway',
        '',
        'Legacy tenants allow these addresses.',
        '',
        '|----|----|',
        '|US1 data center|52.183.75.62|',
        '|EU1 data center|13.80.125.22|',
        '',
      ].join('\n');
  return [
    '---',
    'title: Example network requirements',
    'ms.date: 9/17/2017',
    '---',
    '',
    '# Network requirements',
    '',
    options.intro ?? 'Open these addresses in your firewall.',
    '',
    '## Portal access',
    '',
    'Allow **outbound port 443** to the following addresses:',
    '',
    '|----|----|',
    '|US1 data center|13.91.91.243|',
    '|EU1 data center|52.174.56.180|',
    '',
    '## App connector',
    '',
    'The connector reaches third-party apps from these addresses.',
    '',
    '|----|----|',
    '|US1 data center|104.209.35.177<br></br>13.91.98.185|',
    `|EU1 data center|${eu.join('<br></br>')}|`,
    '',
    auth,
  ].join('\n');
}

let docs: DocServer;
let slack: SlackStub;
let smtp: SmtpStub;
let dir: string;
let configPath: string;

const cli = (...args: string[]) =>
  runCli(args, { cwd: dir, env: { ...process.env, EW_SLACK: slack.url, EW_SMTP: smtp.url() } });
const commits = () => snapshotSubjects(join(dir, 'snapshots'));

function slackTexts(): string[] {
  return slack.delivered().map((body) => JSON.stringify(body));
}

before(async () => {
  docs = await startDocServer();
  slack = await startSlackStub();
  smtp = await startSmtpStub();
  dir = await mkdtemp(join(tmpdir(), 'ew-e2e-'));
  configPath = join(dir, 'endpoint-watch.yaml');
  await writeFile(
    configPath,
    [
      'snapshotDir: ./snapshots',
      'commitUrl: https://git.example/netsec/allowlist/commit/{commit}',
      'sources:',
      '  - id: cloud-app-security',
      `    url: ${docs.url('/network-requirements.md')}`,
      '    retries: 0',
      '    timeoutSeconds: 5',
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

test('baseline, no change, a change, a 500, an error page, recovery, outages, a broken generation', {
  timeout: 120_000,
}, async (t) => {
  await t.test(
    'first run records a baseline: one short notice per notifier, one commit',
    { timeout: 120_000 },
    async () => {
      docs.set('/network-requirements.md', reply.document(casDocument(), { etag: '"v1"' }));
      const run = await cli('run');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /cloud-app-security: baseline, now tracking 9 endpoints/);
      assert.equal(slack.delivered().length, 1);
      assert.match(slackTexts()[0]!, /now tracking 9 endpoints/);
      assert.doesNotMatch(slackTexts()[0]!, /added/i);
      assert.equal(smtp.messages.length, 1);
      assert.deepEqual(commits(), ['cloud-app-security: baseline, now tracking 9 endpoints']);
    },
  );

  await t.test('unchanged document (304 with the stored ETag): no commit, no alert', { timeout: 120_000 }, async () => {
    const run = await cli('run');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /no endpoint change/);
    assert.equal(docs.lastRequest('/network-requirements.md')?.headers['if-none-match'], '"v1"');
    assert.equal(slack.delivered().length, 1);
    assert.equal(smtp.messages.length, 1);
    assert.equal(commits().length, 1);
  });

  await t.test(
    're-worded introduction and <br/> instead of <br></br>: no commit, no alert',
    { timeout: 120_000 },
    async () => {
      docs.set(
        '/network-requirements.md',
        reply.document(casDocument({ intro: 'Your firewall must allow these.' }).replaceAll('<br></br>', '<br/>'), {
          etag: '"v1b"',
        }),
      );
      const run = await cli('run');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(slack.delivered().length, 1);
      assert.equal(smtp.messages.length, 1);
      assert.equal(commits().length, 1);
    },
  );

  await t.test(
    'an IP added to EU1: one Slack post, one email, one commit naming it',
    { timeout: 120_000 },
    async () => {
      docs.set(
        '/network-requirements.md',
        reply.document(casDocument({ euAppConnector: ['13.80.22.71', '13.95.29.177', '13.95.30.46', '13.95.30.47'] }), {
          etag: '"v2"',
        }),
      );
      const run = await cli('run');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(slack.delivered().length, 2);
      assert.match(slackTexts()[1]!, /13\.95\.30\.47/);
      assert.match(slackTexts()[1]!, /EU1/);
      assert.equal(smtp.messages.length, 2);
      assert.match(smtp.messages[1]!.subject, /cloud-app-security/);
      assert.match(smtp.messages[1]!.text ?? '', /EU1 · App connector\n\s+\+ IP added: 13\.95\.30\.47/);
      assert.equal(commits().length, 2);
      assert.equal(commits()[0], 'cloud-app-security: +1 IP (EU1 App connector 13.95.30.47)');
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: join(dir, 'snapshots'), encoding: 'utf8' }).trim();
      assert.ok(
        slackTexts()[1]!.includes(`https://git.example/netsec/allowlist/commit/${head}`),
        'the alert links its snapshot commit',
      );
    },
  );

  await t.test(
    'a 500 fails the source: exit 1, snapshot untouched, no "removed" alert',
    { timeout: 120_000 },
    async () => {
      docs.set('/network-requirements.md', reply.status(500));
      const run = await cli('run');
      assert.equal(run.code, 1);
      assert.match(run.stderr, /cloud-app-security: FAILED: .*HTTP 500/);
      assert.equal(slack.delivered().length, 2);
      assert.equal(smtp.messages.length, 2);
      assert.equal(commits().length, 2);
    },
  );

  await t.test('an error page served with 200 fails the source the same way', { timeout: 120_000 }, async () => {
    docs.set('/network-requirements.md', reply.errorPage());
    const run = await cli('run');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cloud-app-security: FAILED: .*(no endpoint|no parser)/);
    assert.equal(slack.delivered().length, 2);
    assert.equal(smtp.messages.length, 2);
    assert.equal(commits().length, 2);
  });

  await t.test('recovery with an IP replaced: exactly that change, once', { timeout: 120_000 }, async () => {
    docs.set(
      '/network-requirements.md',
      reply.document(casDocument({ euAppConnector: ['13.80.22.71', '13.95.29.177', '13.95.30.48', '13.95.30.47'] }), {
        etag: '"v3"',
      }),
    );
    const run = await cli('run');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(slack.delivered().length, 3);
    assert.match(slackTexts()[2]!, /13\.95\.30\.48/);
    assert.match(slackTexts()[2]!, /13\.95\.30\.46/);
    assert.equal(smtp.messages.length, 3);
    assert.equal(commits().length, 3);
    assert.match(commits()[0]!, /^cloud-app-security: \+1 IP, -1 IP in App connector \(action needed\)$/);
  });

  await t.test(
    'Slack down during a change: email sent, commit made, Slack gets it on the next run, nobody twice',
    { timeout: 120_000 },
    async () => {
      slack.respond({ status: 500 });
      docs.set(
        '/network-requirements.md',
        reply.document(casDocument({ euAppConnector: ['13.80.22.71', '13.95.29.177', '13.95.30.48'] }), {
          etag: '"v4"',
        }),
      );
      const failed = await cli('run');
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /alert not delivered by slack, kept for the next run/);
      assert.equal(slack.delivered().length, 3);
      assert.equal(smtp.messages.length, 4);
      assert.equal(commits().length, 4);
      assert.equal((await readdir(join(dir, 'snapshots', '.outbox'))).filter((n) => n.endsWith('.json')).length, 1);

      const retried = await cli('run');
      assert.equal(retried.code, 0, retried.stderr);
      assert.equal(slack.delivered().length, 4);
      assert.match(slackTexts()[3]!, /13\.95\.30\.47/);
      assert.equal(smtp.messages.length, 4, 'email already had it');
      assert.equal(commits().length, 4);
      assert.equal((await readdir(join(dir, 'snapshots', '.outbox'))).filter((n) => n.endsWith('.json')).length, 0);
    },
  );

  await t.test('SMTP outage: Slack sent, email delivered once the server is back', { timeout: 120_000 }, async () => {
    await smtp.outage();
    docs.set(
      '/network-requirements.md',
      reply.document(casDocument({ euAppConnector: ['13.80.22.71', '13.95.29.177'] }), { etag: '"v5"' }),
    );
    const failed = await cli('run');
    assert.equal(failed.code, 1);
    assert.equal(slack.delivered().length, 5);
    assert.equal(commits().length, 5);
    await smtp.recover();
    const retried = await cli('run');
    assert.equal(retried.code, 0, retried.stderr);
    assert.equal(smtp.messages.length, 5);
    assert.match(smtp.messages[4]!.text ?? '', /13\.95\.30\.48/);
    assert.equal(slack.delivered().length, 5, 'Slack already had it');
  });

  await t.test(
    'a version that loses a table: its removals are withheld and announced once (exit 0), then --accept commits them',
    { timeout: 120_000 },
    async () => {
      docs.set(
        '/network-requirements.md',
        reply.document(casDocument({ euAppConnector: ['13.80.22.71', '13.95.29.177'], dropAuthTable: true }), {
          etag: '"v6"',
        }),
      );
      const withheld = await cli('run');
      assert.equal(withheld.code, 0, withheld.stderr);
      assert.match(withheld.stdout, /cloud-app-security: no change committed; WITHHELD 2 removals/);
      assert.equal(slack.delivered().length, 6);
      assert.match(slackTexts()[5]!, /2 removals withheld/);
      assert.match(slackTexts()[5]!, /52\.183\.75\.62/, 'the alert lists what is withheld');
      assert.match(slackTexts()[5]!, /Authentication gateway/);
      assert.match(slackTexts()[5]!, /run --dry-run --source cloud-app-security/);
      assert.match(slackTexts()[5]!, /run --accept --source cloud-app-security/);
      assert.doesNotMatch(slackTexts()[5]!, /IP removed/, 'no removal alert while withheld');
      assert.equal(smtp.messages.length, 6);
      assert.equal(commits().length, 5, 'nothing else changed: nothing to commit');

      const again = await cli('run');
      assert.equal(again.code, 0, again.stderr);
      assert.equal(slack.delivered().length, 6, 'the same withheld set is not announced twice');

      const accepted = await cli('run', '--accept', '--source', 'cloud-app-security');
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.equal(commits().length, 6);
      assert.equal(slack.delivered().length, 7);
      assert.match(slackTexts()[6]!, /IP removed: `?52\.183\.75\.62`? \(confirmed, withheld since/);
      assert.match(slackTexts()[6]!, /accepted with endpoint-watch run --accept/);
      assert.equal(smtp.messages.length, 7);
    },
  );

  await t.test('dry run: prints the diff, commits and sends nothing', { timeout: 120_000 }, async () => {
    docs.set(
      '/network-requirements.md',
      reply.document(casDocument({ euAppConnector: ['13.80.22.71'], dropAuthTable: true }), { etag: '"v7"' }),
    );
    const run = await cli('run', '--dry-run');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /EU1 App connector: IP removed: 13\.95\.29\.177/);
    assert.equal(commits().length, 6);
    assert.equal(slack.delivered().length, 7);
  });

  await t.test(
    'a page published with only its header comments (no table at all) is withheld for a person, not a mass removal',
    { timeout: 120_000 },
    async () => {
      const before = { slack: slack.delivered().length, mail: smtp.messages.length, commits: commits().length };
      // A generator comment of its own: "endpoints version NNN" would make it the Microsoft 365
      // URLs page (m365-urls detects that comment), i.e. another format, which fails the source.
      docs.set(
        '/network-requirements.md',
        reply.document(
          '---\ntitle: Example network requirements\n---\n<!-- generated by the docs build, 2020-08-06 -->\n',
          { etag: '"empty"' },
        ),
      );
      const withheld = await cli('run', '--json');
      assert.equal(withheld.code, 0, withheld.stderr);
      const result = JSON.parse(withheld.stdout).results[0];
      assert.equal(result.status, 'withheld');
      assert.equal(result.withheld.needsPerson, true);
      assert.equal(result.withheld.confirmAt, null);
      assert.match(result.withheld.reasons[0], /the page lists no endpoint any more \(\d+ before\)/);
      assert.equal(slack.delivered().length, before.slack + 1);
      assert.match(slackTexts().at(-1)!, /until a person accepts them/);
      assert.doesNotMatch(slackTexts().at(-1)!, /IP removed/);
      assert.equal(smtp.messages.length, before.mail + 1);
      assert.equal(commits().length, before.commits);
      // The page comes back as it was: nothing to say, and nothing is withheld any more.
      docs.set(
        '/network-requirements.md',
        reply.document(casDocument({ euAppConnector: ['13.80.22.71', '13.95.29.177'], dropAuthTable: true }), {
          etag: '"v6"',
        }),
      );
      const back = await cli('run');
      assert.equal(back.code, 0, back.stderr);
      assert.equal(slack.delivered().length, before.slack + 1);
      assert.equal(commits().length, before.commits);
      const accept = await cli('run', '--accept', '--source', 'cloud-app-security');
      assert.equal(accept.code, 0, accept.stderr);
      assert.match(accept.stderr, /nothing withheld to accept/);
      assert.equal(commits().length, before.commits, 'nothing withheld any more, so --accept has nothing to take');
    },
  );
});
