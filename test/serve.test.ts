/**
 * `serve` over loopback HTTP: lists exactly as `export` writes them with ETag / Last-Modified and
 * 304s, the trigger with and without the right token, /healthz and /metrics with an undelivered
 * alert in the outbox, and a trigger that arrives while a scheduled run is busy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, snapshotSubjects } from './helpers/cli-run.js';
import { reply, startDocServer } from './helpers/doc-server.js';
import { startGatedSite, startServe } from './helpers/serve-run.js';
import { startSlackStub } from './helpers/slack-stub.js';

const TOKEN = 'trigger-token-0123456789abcdef';
const NEVER = '0 0 1 1 *'; // a schedule that does not fire during a test

const PORTAL = [
  '## Portal access',
  '',
  '|Data center|IP addresses|DNS name|',
  '|----|----|----|',
  '|US1 data center|13.91.91.243<br>13.91.91.0/24|portal.contoso-cloud.com|',
  '|EU1 data center|52.174.56.180<br>52.174.56.181|*.eu.contoso-cloud.com|',
  '',
].join('\n');
const CONNECTOR = '## App connector\n\n|Host|Port|\n|---|---|\n|connector.contoso-cloud.com|443|\n';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function metric(text: string, line: RegExp): number | null {
  const found = text.split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').at(-1)) : null;
}

test('serve: lists, trigger, healthz and metrics over loopback HTTP', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-serve-'));
  const site = await startDocServer();
  const slack = await startSlackStub();
  t.after(async () => {
    await Promise.all([site.close(), slack.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  site.set('/connector.md', reply.document(CONNECTOR));
  await writeFile(join(dir, 'portal.md'), PORTAL);
  await writeFile(join(dir, 'trigger-token'), `${TOKEN}\n`);
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./history',
      'serve:',
      '  tokenFile: ./trigger-token',
      'sources:',
      '  - id: portal',
      '    url: ./portal.md',
      `    schedule: "${NEVER}"`,
      '  - id: connector',
      `    url: ${site.url('/connector.md')}`,
      `    schedule: "${NEVER}"`,
      'notifiers:',
      '  - type: slack',
      '    webhookUrl: ${EW_SLACK}',
      '    retries: 0',
      '',
    ].join('\n'),
  );
  const env = { EW_SLACK: slack.url };
  const serve = await startServe(dir, [], env);
  let stopped = false;
  t.after(async () => {
    if (!stopped) await serve.stop();
  });
  const at = (path: string) => `${serve.url}${path}`;

  // Before the first run there is nothing to list, and nothing has run.
  assert.equal((await call(at('/lists/all.cidr'))).status, 503);
  const fresh = JSON.parse((await call(at('/healthz'))).text);
  assert.equal(fresh.status, 'ok');
  assert.deepEqual(
    fresh.sources.map((s: { id: string; lastRun: unknown }) => [s.id, s.lastRun]),
    [
      ['portal', null],
      ['connector', null],
    ],
  );
  assert.deepEqual(fresh.withheldVersions, [], 'nothing is withheld before the first run');

  // The trigger: no token, a wrong one, a right one with the wrong method.
  const none = await call(at('/run'), { method: 'POST' });
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="endpoint-watch"');
  assert.equal((await call(at('/run'), { method: 'POST', headers: bearer(`${TOKEN}x`) })).status, 401);
  assert.equal((await call(at('/run'), { method: 'POST', headers: bearer(TOKEN.slice(0, -1)) })).status, 401);
  assert.equal((await call(at('/run'), { method: 'POST', headers: { authorization: TOKEN } })).status, 401);
  assert.equal((await call(at('/run'), { headers: bearer(TOKEN) })).status, 405);
  assert.equal((await call(at('/run?source=nope'), { method: 'POST', headers: bearer(TOKEN) })).status, 404);
  assert.equal(snapshotSubjects(join(dir, 'history')).length, 0, 'no refused trigger ran anything');

  // A run whose Slack alerts fail: 502 with the report, and the alerts wait in the outbox.
  slack.respond({ status: 500 }, { status: 500 });
  const first = await call(at('/run'), { method: 'POST', headers: bearer(TOKEN) });
  assert.equal(first.status, 502, first.text);
  const report = JSON.parse(first.text);
  assert.deepEqual(
    report.results.map((r: { source: string; status: string }) => [r.source, r.status]),
    [
      ['portal', 'baseline'],
      ['connector', 'baseline'],
    ],
  );
  const degraded = JSON.parse((await call(at('/healthz'))).text);
  assert.equal(degraded.status, 'degraded');
  assert.deepEqual(degraded.undeliveredAlerts.byNotifier, { slack: 2 });
  assert.equal(degraded.sources[0].lastRun.status, 'baseline');
  assert.equal(degraded.sources[0].lastRun.origin, 'trigger');
  const metrics = await call(at('/metrics'));
  assert.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(metric(metrics.text, /^endpoint_watch_outbox_pending\{notifier="slack"\} /), 2);
  assert.equal(metric(metrics.text, /^endpoint_watch_runs_total\{source="portal",status="baseline"\} /), 1);
  assert.equal(metric(metrics.text, /^endpoint_watch_trigger_rejections_total /), 4);
  assert.ok((metric(metrics.text, /^endpoint_watch_last_success_timestamp_seconds\{source="portal"\} /) ?? 0) > 0);
  assert.match(metrics.text, /^# TYPE endpoint_watch_runs_total counter$/m);

  // Slack is back: the next run delivers what waited, once, and the outbox empties.
  await writeFile(join(dir, 'portal.md'), PORTAL.replace('52.174.56.181', '52.174.56.181<br>52.174.56.182'));
  const second = await call(at('/run?source=portal'), { method: 'POST', headers: bearer(TOKEN) });
  assert.equal(second.status, 200, second.text);
  assert.deepEqual(
    JSON.parse(second.text).results.map((r: { status: string }) => r.status),
    ['changed'],
  );
  assert.equal(slack.delivered().length, 3, 'two alerts from the outbox and the new one');
  const healthy = JSON.parse((await call(at('/healthz'))).text);
  assert.equal(healthy.status, 'ok');
  assert.equal(healthy.undeliveredAlerts.total, 0);
  const after = (await call(at('/metrics'))).text;
  assert.equal(metric(after, /^endpoint_watch_outbox_pending\{notifier="slack"\} /), 0);
  assert.equal(metric(after, /^endpoint_watch_changes_total\{source="portal"\} /), 1);

  // Lists are what `export` prints, byte for byte, for every format and filter.
  const cases: Array<[string, string[]]> = [
    ['/lists/all.cidr', ['--format', 'cidr']],
    ['/lists/portal.edl?aggregate=1', ['--format', 'edl', '--source', 'portal', '--aggregate']],
    ['/lists/all.fqdn', ['--format', 'fqdn']],
    ['/lists/portal.edl-url?region=EU1', ['--format', 'edl-url', '--source', 'portal', '--region', 'EU1']],
    ['/lists/all.csv?required-only=1', ['--format', 'csv', '--required-only']],
    ['/lists/all.json', ['--format', 'json']],
    [
      '/lists/all.pac?pac-fallback=PROXY%20proxy.corp%3A8080',
      ['--format', 'pac', '--pac-fallback', 'PROXY proxy.corp:8080'],
    ],
    ['/lists/connector.fqdn-exact', ['--format', 'fqdn-exact', '--source', 'connector']],
    ['/lists/all.ipv6', ['--format', 'ipv6']],
  ];
  for (const [path, args] of cases) {
    const listed = await call(at(path));
    const exported = await runCli(['export', ...args], { cwd: dir });
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(listed.status, 200, `${path}: ${listed.text}`);
    assert.equal(listed.text, exported.stdout, path);
  }
  const cidr = await call(at('/lists/all.cidr'));
  assert.match(cidr.text, /^13\.91\.91\.0\/24$/m);
  assert.equal(cidr.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal((await call(at('/lists/all.csv'))).headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(
    (await call(at('/lists/all.pac?pac-fallback=DIRECT'))).headers.get('content-type'),
    'application/x-ns-proxy-autoconfig',
  );
  // No fallback: a 400 naming the parameter, never a script that sends the rest to a made-up proxy.
  const noFallback = await call(at('/lists/all.pac'));
  assert.equal(noFallback.status, 400);
  assert.match(noFallback.text, /pac-fallback parameter/);

  // Conditional requests: the same list is a 304 without a body, by ETag or by date.
  const etag = cidr.headers.get('etag')!;
  const lastModified = cidr.headers.get('last-modified')!;
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.ok(Date.parse(lastModified) > 0);
  const byEtag = await call(at('/lists/all.cidr'), { headers: { 'if-none-match': etag } });
  assert.equal(byEtag.status, 304);
  assert.equal(byEtag.text, '');
  assert.equal(byEtag.headers.get('etag'), etag);
  assert.equal((await call(at('/lists/all.cidr'), { headers: { 'if-modified-since': lastModified } })).status, 304);
  assert.equal((await call(at('/lists/all.cidr'), { headers: { 'if-none-match': '"other"' } })).status, 200);
  const head = await call(at('/lists/all.cidr'), { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal(head.headers.get('etag'), etag);

  // The list changes, its ETag with it: a poller gets the new list.
  await writeFile(join(dir, 'portal.md'), PORTAL.replace('13.91.91.243<br>', '13.91.91.243<br>13.91.92.0/24<br>'));
  assert.equal((await call(at('/run?source=portal'), { method: 'POST', headers: bearer(TOKEN) })).status, 200);
  const changed = await call(at('/lists/all.cidr'), { headers: { 'if-none-match': etag } });
  assert.equal(changed.status, 200);
  assert.match(changed.text, /^13\.91\.92\.0\/24$/m);
  assert.notEqual(changed.headers.get('etag'), etag);

  // Mistakes are refused, never answered with a different list.
  const mistakes: Array<[string, number, RegExp]> = [
    ['/lists/all.xml', 404, /unknown format "xml"/],
    ['/lists/nope.cidr', 404, /no source "nope"/],
    ['/lists/all.cidr?region=XX9', 400, /no entry is listed for region "XX9"/],
    ['/lists/all.cidr?regoin=EU1', 400, /unknown query parameter "regoin"/],
    ['/lists/all.cidr?aggregate=maybe', 400, /aggregate=maybe/],
    ['/lists/all.fqdn?aggregate=1', 400, /aggregate/],
    ['/nowhere', 404, /not found/],
  ];
  for (const [path, status, message] of mistakes) {
    const answer = await call(at(path));
    assert.equal(answer.status, status, path);
    assert.match(JSON.parse(answer.text).error, message, path);
  }
  assert.equal((await call(at('/lists/all.cidr'), { method: 'POST' })).status, 405);

  // A dry run previews and leaves everything as it was.
  await writeFile(join(dir, 'portal.md'), PORTAL);
  const commits = snapshotSubjects(join(dir, 'history')).length;
  const dry = await call(at('/run?source=portal&dryRun=1'), { method: 'POST', headers: bearer(TOKEN) });
  assert.equal(dry.status, 200, dry.text);
  assert.equal(JSON.parse(dry.text).results[0].status, 'dry-run');
  assert.equal(snapshotSubjects(join(dir, 'history')).length, commits);
  assert.equal(JSON.parse((await call(at('/healthz'))).text).sources[0].lastRun.status, 'changed');

  // wait=0 answers at once; the run shows up in /healthz when done.
  const queued = await call(at('/run?source=connector&wait=0'), { method: 'POST', headers: bearer(TOKEN) });
  assert.equal(queued.status, 202);
  assert.deepEqual(JSON.parse(queued.text).sources, ['connector']);
  for (;;) {
    const health = JSON.parse((await call(at('/healthz'))).text);
    if (health.sources[1].lastRun.status === 'unchanged' && health.running === null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  stopped = true;
  assert.equal(await serve.stop(), 0, serve.stderr.toString());
  assert.match(serve.stdout.toString(), /stopped\n$/);
});

test('serve without a token has no trigger endpoint', { timeout: 60_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-serve-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'portal.md'), PORTAL);
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    `snapshotDir: ./history\nsources:\n  - id: portal\n    url: ./portal.md\n    schedule: "${NEVER}"\n`,
  );
  const serve = await startServe(dir, []);
  try {
    assert.match(serve.stdout.toString(), /POST \/run is off: no serve\.token configured/);
    const answer = await call(`${serve.url}/run`, { method: 'POST', headers: bearer(TOKEN) });
    assert.equal(answer.status, 404);
    assert.equal(snapshotSubjects(join(dir, 'history')).length, 0);
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});

test('a trigger while a scheduled run is busy waits for it; the runs never overlap', { timeout: 60_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-serve-'));
  const site = await startGatedSite(PORTAL);
  t.after(async () => {
    await site.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./history',
      'serve:',
      `  token: ${TOKEN}`,
      'sources:',
      '  - id: slow',
      `    url: ${site.url}`,
      '    schedule: "* * * * * *"', // every second: the first tick starts a run at once
      '',
    ].join('\n'),
  );
  const serve = await startServe(dir, []);
  let stopped = false;
  t.after(async () => {
    if (!stopped) await serve.stop();
  });
  const health = async () => JSON.parse((await call(`${serve.url}/healthz`)).text);

  await site.firstRequest; // the scheduled run is now waiting for the document
  const busy = await health();
  assert.equal(busy.running.origin, 'schedule');
  assert.deepEqual(busy.running.sources, ['slow']);

  let triggered: Answer | null = null;
  const trigger = call(`${serve.url}/run`, { method: 'POST', headers: bearer(TOKEN) }).then((answer) => {
    triggered = answer;
    return answer;
  });
  while ((await health()).queued < 1) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(triggered, null, 'the trigger waits behind the scheduled run');
  assert.equal(site.requests, 1, 'and has not fetched anything yet');

  site.open();
  const answer = await trigger;
  assert.equal(answer.status, 200, answer.text);
  // The scheduled run recorded the baseline; the trigger, which ran after it, found it unchanged.
  assert.equal(JSON.parse(answer.text).results[0].status, 'unchanged');
  assert.deepEqual(snapshotSubjects(join(dir, 'history')), ['slow: baseline, now tracking 6 endpoints']);
  assert.match(serve.stdout.toString(), /triggered run of slow, queued behind the running one/);

  stopped = true;
  assert.equal(await serve.stop(), 0, serve.stderr.toString());
});
