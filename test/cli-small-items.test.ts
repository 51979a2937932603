/**
 * Small CLI behaviours: `run --dry-run` on a source with no snapshot says it would record a
 * baseline (not N "added" lines), and `export --format pac` refuses to guess a fallback proxy.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli-run.js';

let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: process.env });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ew-small-'));
  await writeFile(
    join(dir, 'page.md'),
    '## Portal access\n\nAllow TCP 443 & 8443 to:\n\n|----|----|\n|US1 data center|13.91.91.243<br/>13.91.91.244|\n|EU1 data center|portal.contoso-cloud.com|\n',
  );
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    'snapshotDir: ./snapshots\nsources:\n  - id: vendor\n    url: ./page.md\n',
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('dry run of a new source: "would record a baseline of N endpoints", no added lines, nothing committed', {
  timeout: 60_000,
}, async () => {
  const dry = await cli('run', '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^vendor: dry run, would record a baseline of 3 endpoints; nothing committed or sent$/m);
  assert.doesNotMatch(dry.stdout, /added/);
  const json = JSON.parse((await cli('run', '--dry-run', '--json')).stdout) as {
    results: Array<{ status: string; baseline?: boolean; entryCount: number; changeSet?: unknown }>;
  };
  assert.deepEqual(
    [json.results[0]!.status, json.results[0]!.baseline, json.results[0]!.entryCount, json.results[0]!.changeSet],
    ['dry-run', true, 3, undefined],
  );
  const history = await cli('history', '--json');
  assert.equal(history.code, 0, history.stderr);
  assert.deepEqual(JSON.parse(history.stdout).history, [], 'no snapshot was made');
});

test('export --format pac needs --pac-fallback (exit 2 naming it); with it, the script and its ports', {
  timeout: 60_000,
}, async () => {
  const run = await cli('run');
  assert.equal(run.code, 0, run.stderr);
  const refused = await cli('export', '--format', 'pac');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--format pac needs --pac-fallback/);
  assert.equal(refused.stdout, '');
  const pac = await cli('export', '--format', 'pac', '--pac-fallback', 'DIRECT');
  assert.equal(pac.code, 0, pac.stderr);
  assert.match(pac.stdout, /FindProxyForURL/);
  // "TCP 443 & 8443" in the prose gave the rows their ports.
  const shown = await cli('show', '--source', 'vendor', '--json');
  assert.match(shown.stdout, /"8443"/);
});
