/**
 * The command line behind a proxy: `run` fetches the document and posts to Slack through the
 * proxy of its environment, `proxy:` in the config overrides that environment, NO_PROXY
 * bypasses it, and a refusing proxy fails the source clearly without touching the snapshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, snapshotSubjects } from './helpers/cli-run.js';
import { reply, startDocServer } from './helpers/doc-server.js';
import { startProxy } from './helpers/proxy.js';
import { startSlackStub } from './helpers/slack-stub.js';

const PAGE = '## Portal\n\n|Data center|IP addresses|\n|----|----|\n|US1 data center|13.91.91.243|\n';

async function project(t: { after: (fn: () => Promise<void>) => void }, extra: string) {
  const dir = await mkdtemp(join(tmpdir(), 'ew-proxy-'));
  const site = await startDocServer();
  const slack = await startSlackStub();
  t.after(async () => {
    await Promise.all([site.close(), slack.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  site.set('/network.md', reply.document(PAGE));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./history',
      extra,
      'sources:',
      '  - id: vendor',
      `    url: ${site.url('/network.md')}`,
      '    retries: 0',
      'notifiers:',
      '  - type: slack',
      '    webhookUrl: ${EW_SLACK}',
      '    retries: 0',
      '',
    ].join('\n'),
  );
  return { dir, site, slack };
}

test('run: the document and the Slack alert both go through HTTP_PROXY', { timeout: 30_000 }, async (t) => {
  const proxy = await startProxy();
  t.after(() => proxy.close());
  const { dir, site, slack } = await project(t, '');
  const run = await runCli(['run'], { cwd: dir, env: { HTTP_PROXY: proxy.url, EW_SLACK: slack.url } });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    proxy.seen.map((r) => [r.method, r.target]),
    [
      ['GET', site.url('/network.md')],
      ['POST', slack.url],
    ],
  );
  assert.equal(slack.delivered().length, 1);
});

test('proxy: in the config overrides the environment; "direct" turns the proxy off', { timeout: 30_000 }, async (t) => {
  const refusing = await startProxy({ refuse: 403 });
  const good = await startProxy();
  t.after(() => Promise.all([refusing.close(), good.close()]));

  const viaConfig = await project(t, `proxy: ${good.url}`);
  const first = await runCli(['run'], {
    cwd: viaConfig.dir,
    env: { HTTP_PROXY: refusing.url, EW_SLACK: viaConfig.slack.url },
  });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(refusing.seen.length, 0);
  assert.equal(good.seen.length, 2);

  const direct = await project(t, 'proxy: direct');
  const second = await runCli(['run'], {
    cwd: direct.dir,
    env: { HTTP_PROXY: refusing.url, EW_SLACK: direct.slack.url },
  });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(refusing.seen.length, 0);
  assert.equal(direct.site.requestCount('/network.md'), 1);
});

test('NO_PROXY bypasses the proxy for the hosts it names', { timeout: 30_000 }, async (t) => {
  const refusing = await startProxy({ refuse: 403 });
  t.after(() => refusing.close());
  const { dir, slack } = await project(t, '');
  const run = await runCli(['run'], {
    cwd: dir,
    env: { http_proxy: refusing.url, no_proxy: 'localhost,127.0.0.1', EW_SLACK: slack.url },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(refusing.seen.length, 0);
  assert.equal(slack.delivered().length, 1);
});

test('a refusing proxy fails the source clearly; no snapshot, no alert', { timeout: 30_000 }, async (t) => {
  const refusing = await startProxy({ refuse: 403 });
  t.after(() => refusing.close());
  const { dir, slack } = await project(t, '');
  const run = await runCli(['run'], { cwd: dir, env: { HTTP_PROXY: refusing.url, EW_SLACK: slack.url } });
  assert.equal(run.code, 1);
  // A forwarding proxy's refusal is its HTTP answer, shown as such.
  assert.match(run.stderr, /vendor: FAILED: GET http:\/\/127\.0\.0\.1:\d+\/network\.md: HTTP 403 Forbidden/);
  assert.deepEqual(snapshotSubjects(join(dir, 'history')), []);
  assert.equal(slack.requests.length, 0);
});
