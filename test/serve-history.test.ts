/**
 * `serve`'s GET /history over loopback (the history page of report/site.ts, also at `/`): the
 * timeline of a snapshot repository built by dated runs, newest first, with counts by severity
 * and the change lines, HTML-escaped; HEAD too. test/history-report.test.ts opens it in a browser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli-run.js';
import { startServe } from './helpers/serve-run.js';

const page = (eu: string[]) =>
  ['## Portal <access>', '', 'Allow port 443 to:', '', '|----|----|', `|EU1 data center|${eu.join('<br/>')}|`, ''].join(
    '\n',
  );

test('GET /history: per-source timeline, newest first, severities and change lines', {
  timeout: 120_000,
}, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-serve-history-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    'snapshotDir: ./snapshots\nsources:\n  - id: portal\n    url: ./page.md\n    schedule: "0 0 1 1 *"\n',
  );
  const serve = await startServe(dir, ['--port', '0']);
  t.after(async () => {
    await serve.stop();
  });
  const empty = await fetch(`${serve.url}/history`);
  assert.equal(empty.status, 200);
  assert.match(await empty.text(), /No snapshot yet/);

  const versions: Array<[string, string[]]> = [
    ['2023-11-01T09:00:00Z', ['13.80.125.22', '13.80.125.23']],
    ['2023-11-26T09:00:00Z', ['13.80.125.22', '20.71.65.26']],
  ];
  for (const [now, eu] of versions) {
    await writeFile(join(dir, 'page.md'), page(eu));
    const run = await runCli(['run'], { cwd: dir, env: { ...process.env, ENDPOINT_WATCH_NOW: now } });
    assert.equal(run.code, 0, run.stderr);
  }

  const answer = await fetch(`${serve.url}/history`);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
  const html = await answer.text();
  assert.match(html, /<section class="source" id="s-portal">/);
  assert.match(html, /<span class="tag action">1 action<\/span><span class="tag cleanup">1 cleanup<\/span>/);
  assert.match(html, /<li class="action"><span class="tag action">action<\/span>[^<]*IP added: 20\.71\.65\.26<\/li>/);
  assert.match(
    html,
    /<li class="cleanup"><span class="tag cleanup">cleanup<\/span>[^<]*IP removed: 13\.80\.125\.23<\/li>/,
  );
  assert.match(html, /now tracking 2 endpoints/);
  const timeline = html.slice(html.indexOf('<ol class="timeline">'));
  assert.ok(timeline.indexOf('2023-11-26') < timeline.indexOf('2023-11-01'), 'newest first');
  assert.match(html, /Portal &lt;access&gt;/, 'section names are escaped');
  assert.equal((html.match(/<script/gi) ?? []).length, 2, 'the data block and the search script, nothing else');

  const head = await fetch(`${serve.url}/history`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  assert.equal((await fetch(`${serve.url}/history`, { method: 'POST' })).status, 405);
});
