/**
 * Small items of issue 14, through whole runs against real peers (doc server, Slack stand-in,
 * SMTP server, a real git):
 *  - credential-like query values (`pass=`, `access=`, `jwt=`, ...) never reach meta.json, Slack,
 *    email or the CLI;
 *  - terminal escapes and bidi controls of a heading or the page's text never reach a commit
 *    message or the CLI raw (written `\u001B`, `\u202E`), and Slack and email get them
 *    neutralised; a bare URL and `<!here>` in a heading are escaped for Slack mrkdwn and never
 *    auto-linked (`verbatim`);
 *  - with git missing from PATH, `history` and `run` say "git not found";
 *  - on a detached HEAD a run refuses (it would alert the same change again), and switching back
 *    to the branch alerts nothing twice.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, notifiersYaml } from './helpers/cli-run.js';
import { reply, startDocServer, type DocServer } from './helpers/doc-server.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from './helpers/smtp-stub.js';

const ESC = '\u001b';
const RLO = '\u202e';
const HEADING = `Portal ${ESC}[31mred${ESC}[0m ${RLO}esrever https://evil.example/login <!here> & more`;
const SECRETS = ['hunter2', 'abc123access', 'eyJhbGciOi.payload.sig'];
/** Any raw control a terminal or a bidi renderer would act on. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let site: DocServer;
let slack: SlackStub;
let smtp: SmtpStub;
let dir: string;

const page = (ips: string) =>
  `## ${HEADING}\n\nAllow these ${ESC}]8;;https://evil.example${ESC}\\\\links${ESC}]8;;${ESC}\\\\:\n\n|----|----|\n|US1 data center|${ips}|\n`;

before(async () => {
  site = await startDocServer();
  slack = await startSlackStub();
  smtp = await startSmtpStub();
  dir = await mkdtemp(join(tmpdir(), 'ew-hostile-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: vendor',
      `    url: ${site.url('/p.md')}?pass=${SECRETS[0]}&access=${SECRETS[1]}&jwt=${SECRETS[2]}&v=2`,
      `    pageUrl: https://docs.example.com/page?session=${SECRETS[0]}`,
      '    retries: 0',
      ...notifiersYaml({ slack: true, email: true }),
      '',
    ].join('\n'),
  );
});

after(async () => {
  await site.close();
  await slack.close();
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { EW_SLACK: slack.url, EW_SMTP: smtp.url() } });
const git = (...args: string[]) => execFileSync('git', args, { cwd: join(dir, 'snapshots'), encoding: 'utf8' });

function assertClean(where: string, text: string): void {
  assert.doesNotMatch(text, RAW_CONTROL, `${where} holds a raw control character`);
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds ${secret}`);
}

test('a hostile heading and credential query values: clean in meta.json, commits, CLI, Slack and email', {
  timeout: 120_000,
}, async () => {
  site.set('/p.md', reply.document(page('13.91.91.243')));
  const baseline = await cli('run');
  assert.equal(baseline.code, 0, baseline.stderr);
  site.set('/p.md', reply.document(page('13.91.91.243<br/>13.91.91.250')));
  const change = await cli('run');
  assert.equal(change.code, 0, change.stderr);

  const meta = await readFile(join(dir, 'snapshots', 'vendor', 'meta.json'), 'utf8');
  assertClean('meta.json', meta);
  assert.match(meta, /\?pass=REDACTED&access=REDACTED&jwt=REDACTED&v=2/);

  const messages = git('log', '--format=%B');
  assertClean('the commit messages', messages);
  assert.match(messages, /Portal \\u001B\[31mred\\u001B\[0m \\u202Eesrever https:\/\/evil\.example\/login/);

  for (const args of [['history'], ['history', '--patch'], ['show', '--source', 'vendor'], ['run', '--dry-run']]) {
    const shown = await cli(...args);
    assert.equal(shown.code, 0, shown.stderr);
    assertClean(`\`${args.join(' ')}\``, shown.stdout + shown.stderr);
  }
  const history = await cli('history');
  assert.match(history.stdout, /US1 Portal \\u001B\[31mred\\u001B\[0m \\u202Eesrever .*: IP added: 13\.91\.91\.250/);
  // Printed JSON stays JSON: the visible escapes read back as the characters the page has.
  const json = JSON.parse((await cli('show', '--source', 'vendor', '--json')).stdout) as {
    entries: Array<{ section: string }>;
  };
  assert.equal(json.entries[0]!.section, HEADING);

  assert.equal(slack.requests.length, 2);
  for (const request of slack.requests) {
    assertClean('a Slack message', request.raw);
    const blocks = (request.body as { blocks: Array<Record<string, unknown>> }).blocks;
    const mrkdwn = JSON.stringify(blocks).match(/"type":"mrkdwn"[^}]*/g) ?? [];
    assert.ok(mrkdwn.length > 0);
    for (const object of mrkdwn) assert.match(object, /"verbatim":true/, 'Slack must not auto-link document text');
  }
  // mrkdwn (and the fallback text) escaped; the header is plain_text, which Slack shows literally.
  const body = slack.requests[1]!.body as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
  const section = body.blocks.find((block) => block.type === 'section')!.text!.text;
  for (const mrkdwn of [body.text, section]) {
    assert.match(mrkdwn, /https:\/\/evil\.example\/login &lt;!here&gt; &amp; more/);
    assert.doesNotMatch(mrkdwn, /<!here>|<https:\/\/evil/);
  }
  assert.equal(body.blocks[0]!.type, 'header');

  assert.equal(smtp.messages.length, 2);
  for (const mail of smtp.messages) {
    assertClean('an email subject', mail.subject);
    assertClean('an email text part', mail.text ?? '');
    assertClean('an email HTML part', mail.html ?? '');
  }
  assert.match(smtp.messages[1]!.html ?? '', /&lt;!here&gt; &amp; more/);
});

test('with git missing from PATH, history and run say "git not found"', { timeout: 60_000 }, async () => {
  const bin = join(dir, 'bin-without-git');
  await mkdir(bin, { recursive: true });
  await symlink(process.execPath, join(bin, 'node'));
  const path = process.env.PATH;
  process.env.PATH = bin;
  try {
    for (const args of [['history'], ['run'], ['show', '--source', 'vendor']]) {
      const result = await cli(...args);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /git not found \(not installed or not on PATH\)/);
      assert.doesNotMatch(result.stdout + result.stderr, /no snapshot commits yet|no snapshot of/);
    }
    // A folder not created yet: still git missing, not "no snapshot yet".
    await writeFile(join(dir, 'fresh.yaml'), `snapshotDir: ./fresh-snapshots\nsources:\n  - id: x\n    url: ./x.md\n`);
    const fresh = await cli('history', '--config', 'fresh.yaml');
    assert.match(fresh.stderr, /git not found/);
  } finally {
    process.env.PATH = path;
  }
});

test('a detached HEAD: the run refuses and says how to switch back; back on the branch, nothing is alerted twice', {
  timeout: 120_000,
}, async () => {
  const head = git('rev-parse', 'HEAD').trim();
  const start = slack.requests.length;
  git('checkout', '-q', 'HEAD~1');
  site.set('/p.md', reply.document(page('13.91.91.243<br/>13.91.91.250<br/>13.91.91.251')));
  const refused = await cli('run');
  assert.equal(refused.code, 1);
  assert.match(refused.stdout + refused.stderr, /is on a detached HEAD \([0-9a-f]{10}\): .* switch main/);
  assert.equal(git('rev-parse', 'main').trim(), head, 'nothing was committed');
  assert.equal(slack.requests.length, start, 'nothing was alerted while detached');

  git('checkout', '-q', 'main');
  const back = await cli('run');
  assert.equal(back.code, 0, back.stderr);
  const texts = slack.requests.slice(start).map((r) => (r.body as { text: string }).text);
  assert.equal(texts.length, 1, texts.join('\n---\n'));
  assert.match(texts[0]!, /IP added: `13\.91\.91\.251`/);
  assert.doesNotMatch(texts[0]!, /13\.91\.91\.250/, 'the change alerted before the detour is not alerted again');
  assert.equal(git('rev-list', '--count', 'HEAD').trim(), '3');
});
