/**
 * The Microsoft 365 endpoints web service polled by version: a loopback server stands in for
 * endpoints.office.com (`/version/worldwide` and `/endpoints/worldwide`), and the requests it
 * sees are counted. An unchanged version makes no /endpoints request; a moved one does, and its
 * alert and commit name the version; a /version that fails (500, garbage) makes the run fetch
 * /endpoints as before, saying so, never going silent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, snapshotSubjects } from './helpers/cli-run.js';
import { reply, startDocServer, type DocServer } from './helpers/doc-server.js';

const fixtures = join(import.meta.dirname, '..', 'parsers', 'm365-json', '__fixtures__');
const ENDPOINTS = '/endpoints/worldwide';
const VERSION = '/version/worldwide';
const CLIENT = 'clientrequestid=4f1a5ed1-0b3c-4d4c-9809-cd1e37c97cd3';

let docs: DocServer;
let dir: string;
let worldwide: string;
let worldwideNext: string;

const json = (body: string, etag?: string) =>
  reply.document(body, { contentType: 'application/json; charset=utf-8', ...(etag ? { etag } : {}) });
const version = (latest: string) => json(JSON.stringify({ instance: 'Worldwide', latest }));
const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'endpoint-watch.yaml')], { cwd: dir });
const snapshots = () => join(dir, 'snapshots');

before(async () => {
  docs = await startDocServer();
  dir = await mkdtemp(join(tmpdir(), 'ew-cheap-poll-'));
  worldwide = await readFile(join(fixtures, 'worldwide.json'), 'utf8');
  worldwideNext = await readFile(join(fixtures, 'worldwide-next.json'), 'utf8');
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: microsoft-365',
      `    url: ${docs.url(`${ENDPOINTS}?${CLIENT}`)}`,
      '    format: m365-json',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await docs.close();
  await rm(dir, { recursive: true, force: true });
});

test('the web service is polled by version: /endpoints only when latest moved, and the alert names it', {
  timeout: 120_000,
}, async () => {
  docs.set(VERSION, version('2024043000'));
  docs.set(ENDPOINTS, json(worldwide));
  const baseline = await cli('run');
  assert.equal(baseline.code, 0, baseline.stderr);
  assert.match(baseline.stdout, /baseline, now tracking \d+ endpoints/);
  assert.equal(docs.requestCount(VERSION), 1, 'the version is asked before the endpoints');
  assert.equal(docs.requestCount(ENDPOINTS), 1);
  // The service's client id goes to /version too, and nothing of the endpoint filters.
  assert.equal(docs.lastRequest(VERSION)?.search, `?${CLIENT}`);

  docs.resetCounts();
  for (let i = 0; i < 2; i++) {
    const unchanged = await cli('run');
    assert.equal(unchanged.code, 0, unchanged.stderr);
    assert.match(unchanged.stdout, /microsoft-365: no endpoint change \(\d+ endpoints\)/);
    assert.equal(unchanged.stderr, '');
  }
  assert.equal(docs.requestCount(VERSION), 2);
  assert.equal(docs.requestCount(ENDPOINTS), 0, 'an unchanged version makes no /endpoints request');

  docs.resetCounts();
  docs.set(VERSION, version('2024053100'));
  docs.set(ENDPOINTS, json(worldwideNext));
  const changed = await cli('run');
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal(docs.requestCount(ENDPOINTS), 1, 'a moved version fetches /endpoints');
  assert.match(changed.stdout, /Feed serial: version 2024053100/, 'the console alert names the version');
  const body = execFileSync('git', ['log', '-1', '--format=%B'], { cwd: snapshots(), encoding: 'utf8' });
  assert.match(body, /Feed serial: version 2024053100/, 'the commit names the version');
  assert.equal(snapshotSubjects(snapshots()).length, 2);

  // The version moved again but the endpoints did not: one /endpoints request, no alert.
  docs.resetCounts();
  docs.set(VERSION, version('2024060100'));
  const same = await cli('run');
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /no endpoint change/);
  assert.equal(docs.requestCount(ENDPOINTS), 1);
  assert.equal(snapshotSubjects(snapshots()).length, 2);
  docs.resetCounts();
  await cli('run');
  assert.equal(docs.requestCount(ENDPOINTS), 0, 'the new version is remembered');
});

test('a failing /version (500, garbage, wrong shape) falls back to /endpoints and says so', {
  timeout: 120_000,
}, async () => {
  const answers = [
    reply.status(500),
    reply.document('<!DOCTYPE html><html><body>Service unavailable</body></html>', { contentType: 'text/html' }),
    json('{"instance": "Worldwide"}'),
  ];
  for (const answer of answers) {
    docs.resetCounts();
    docs.set(VERSION, answer);
    docs.set(ENDPOINTS, json(worldwideNext));
    const run = await cli('run');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(docs.requestCount(VERSION), 1, 'no retries of the version check');
    assert.equal(docs.requestCount(ENDPOINTS), 1, 'the endpoints are fetched instead');
    const said = run.stderr.split('\n').filter((l) => l.includes('version check failed'));
    assert.equal(said.length, 1, run.stderr);
    assert.match(
      said[0]!,
      /^microsoft-365: the web service's version check failed \(.+\); fetching the endpoints instead$/,
    );
    assert.match(run.stdout, /no endpoint change/);
  }
  // A change while /version is down is still found and alerted.
  docs.resetCounts();
  docs.set(VERSION, reply.status(503));
  docs.set(ENDPOINTS, json(worldwide));
  const changed = await cli('run');
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal(docs.requestCount(ENDPOINTS), 1);
  assert.match(changed.stdout, /microsoft-365: [+-]\d+/);
  assert.match(changed.stderr, /version check failed/);
});

test('a /version that answers again is trusted again', { timeout: 120_000 }, async () => {
  docs.set(VERSION, version('2024070100'));
  docs.set(ENDPOINTS, json(worldwide));
  docs.resetCounts();
  await cli('run');
  assert.equal(docs.requestCount(ENDPOINTS), 1, 'the first answer after an outage is checked against /endpoints');
  docs.resetCounts();
  const run = await cli('run');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(docs.requestCount(ENDPOINTS), 0);
});
