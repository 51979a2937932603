/**
 * The document limits through `run`, against real peers (doc server, Slack stand-in, git): a
 * body over `maxDocumentBytes`, a page nested deeper than `maxNestingDepth` and a gzip body
 * served without Content-Encoding each fail their source through the source-failure path: the
 * good snapshot stays, nothing is alerted as removed, the failure is announced, the other
 * sources run, and the page coming back is no change.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from './helpers/cli-run.js';
import { reply, startDocServer, type DocServer } from './helpers/doc-server.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';

const PAGE = '## Portal access\n\n|----|----|\n|US1 data center|13.91.91.243<br/>13.91.91.244|\n';

let site: DocServer;
let slack: SlackStub;
let dir: string;

before(async () => {
  site = await startDocServer();
  slack = await startSlackStub();
  dir = await mkdtemp(join(tmpdir(), 'ew-limits-e2e-'));
  const source = (id: string, extra: string[] = []) => [
    `  - id: ${id}`,
    `    url: ${site.url(`/${id}.md`)}`,
    '    retries: 0',
    '    failureAlertAfter: 1',
    ...extra,
  ];
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'maxDocumentBytes: 64KiB',
      'sources:',
      ...source('big'),
      ...source('deep', ['    maxNestingDepth: 20']),
      ...source('gz'),
      ...source('roomy', ['    maxDocumentBytes: 1MiB']),
      'notifiers:',
      '  - type: slack',
      '    webhookUrl: ${EW_SLACK}',
      '    retries: 0',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await site.close();
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

const run = () => runCli(['run', '--json'], { cwd: dir, env: { EW_SLACK: slack.url } });

function commits(): string[] {
  return execFileSync('git', ['log', '--format=%H'], { cwd: join(dir, 'snapshots'), encoding: 'utf8' })
    .trim()
    .split('\n');
}

function slackTexts(from: number): string[] {
  return slack.requests.slice(from).map((r) => (r.body as { text: string }).text);
}

interface Report {
  results: Array<{ source: string; status: string; error?: { code: string; message: string } }>;
}

test('an oversized, a too deeply nested and an unlabelled gzip document fail alone; the snapshot stays', {
  timeout: 180_000,
}, async () => {
  for (const id of ['big', 'deep', 'gz', 'roomy']) site.set(`/${id}.md`, reply.document(PAGE));
  const baseline = await run();
  assert.equal(baseline.code, 0, baseline.stderr);
  const before = commits();
  const catalogs = await Promise.all(
    ['big', 'deep', 'gz'].map((id) => readFile(join(dir, 'snapshots', id, 'catalog.json'), 'utf8')),
  );

  const padding = `\n${'Prose that goes on, line after line.\n'.repeat(2800)}\n`; // ~100 KB: over 64 KiB, under 1 MiB
  site.set('/big.md', reply.document(`${PAGE}${padding}`, { chunked: true }));
  const nested = Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n');
  site.set('/deep.md', reply.document(`${PAGE}\n${nested}\n`));
  site.set('/gz.md', reply.document(gzipSync(PAGE)));
  site.set('/roomy.md', reply.document(`${PAGE.replace('13.91.91.244', '13.91.91.244<br/>13.91.91.245')}${padding}`));
  const from = slack.requests.length;
  const failing = await run();
  assert.equal(failing.code, 1);
  const by = new Map((JSON.parse(failing.stdout) as Report).results.map((r) => [r.source, r]));
  assert.equal(by.get('big')!.error!.code, 'FETCH');
  assert.match(by.get('big')!.error!.message, /big\.md: document is over the 65536-byte limit \(maxDocumentBytes\)/);
  assert.equal(by.get('deep')!.error!.code, 'PARSE');
  assert.match(by.get('deep')!.error!.message, /deep\.md: nesting deeper than 20 at line 26 \(maxNestingDepth\)/);
  assert.equal(by.get('gz')!.error!.code, 'PARSE');
  assert.match(by.get('gz')!.error!.message, /gz\.md: the document is gzip-compressed/);
  assert.doesNotMatch(by.get('gz')!.error!.message, /no parser recognises/);
  // The source with its own larger limit read its 100 KB page and alerted its change.
  assert.equal(by.get('roomy')!.status, 'changed');

  // Only roomy's change was committed; the failed sources' snapshots are the good ones.
  assert.equal(commits().length, before.length + 1);
  const after = await Promise.all(
    ['big', 'deep', 'gz'].map((id) => readFile(join(dir, 'snapshots', id, 'catalog.json'), 'utf8')),
  );
  assert.deepEqual(after, catalogs);
  const texts = slackTexts(from);
  assert.ok(
    texts.every((text) => !/\b(IPs?|hosts?|URLs?|CIDRs?) removed|: -\d+ /.test(text)),
    `nothing is alerted as removed: ${texts.join(' | ')}`,
  );
  for (const id of ['big', 'deep', 'gz'])
    assert.ok(
      texts.some((text) => text.startsWith(`${id}: failing since`)),
      `${id} is announced: ${texts.join(' | ')}`,
    );
  assert.ok(texts.some((text) => /^roomy: .*IP/.test(text)));

  // The pages come back as they were: recovered, and no endpoint change.
  for (const id of ['big', 'deep', 'gz']) site.set(`/${id}.md`, reply.document(PAGE));
  const back = slack.requests.length;
  const recovered = await run();
  assert.equal(recovered.code, 0, recovered.stderr);
  assert.equal(commits().length, before.length + 1);
  assert.deepEqual(
    slackTexts(back)
      .map((text) => text.split('\n')[0])
      .sort(),
    ['big: works again after 1 run', 'deep: works again after 1 run', 'gz: works again after 1 run'],
  );
});
