/**
 * A team watching its slice of the AWS feed (`include: {service: AMAZON, region: us-west-2}`):
 * a prefix added to that slice is alerted, one added anywhere else is not, and the snapshot
 * holds the slice only. Real peers: a loopback server for the feed, a real git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli-run.js';
import { startDocServer, reply, type DocServer } from './helpers/doc-server.js';

const fixture = new URL('../parsers/aws-ip-ranges/__fixtures__/ip-ranges.json', import.meta.url);

let docs: DocServer;
let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { ...process.env } });

before(async () => {
  docs = await startDocServer();
  dir = await mkdtemp(join(tmpdir(), 'ew-filter-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: aws',
      `    url: ${docs.url('/ip-ranges.json')}`,
      '    retries: 0',
      '    include:',
      '      service: AMAZON',
      '      region: us-west-2',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await docs.close();
  await rm(dir, { recursive: true, force: true });
});

test('only the include slice of an AWS feed is stored and alerted', { timeout: 60_000 }, async () => {
  const feed = JSON.parse(await readFile(fixture, 'utf8')) as {
    syncToken: string;
    prefixes: Array<{ ip_prefix: string; region: string; service: string; network_border_group: string }>;
    ipv6_prefixes: Array<{ region: string; service: string }>;
  };
  const all = [...feed.prefixes, ...feed.ipv6_prefixes];
  const inSlice = all.filter((p) => p.service === 'AMAZON' && p.region === 'us-west-2').length;
  assert.ok(inSlice > 0 && inSlice < all.length, 'the fixture has that slice and more');
  const serve = (f: unknown) =>
    docs.set('/ip-ranges.json', reply.document(JSON.stringify(f), { contentType: 'application/json' }));

  serve(feed);
  const baseline = await cli('run');
  assert.equal(baseline.code, 0, baseline.stderr);
  const stored = JSON.parse(await readFile(join(dir, 'snapshots', 'aws', 'catalog.json'), 'utf8')) as {
    entries: Array<{ section: string; region: string }>;
  };
  assert.ok(stored.entries.length > 0);
  assert.ok(stored.entries.every((e) => e.section === 'AMAZON' && e.region === 'us-west-2'));

  const place = (service: string, region: string) => ({ service, region, network_border_group: region });
  const changed = {
    ...feed,
    syncToken: String(Number(feed.syncToken) + 1),
    prefixes: [
      ...feed.prefixes,
      { ip_prefix: '198.51.100.0/24', ...place('AMAZON', 'us-west-2') },
      { ip_prefix: '203.0.113.0/24', ...place('EC2', 'us-west-2') },
      { ip_prefix: '192.0.2.0/24', ...place('AMAZON', 'eu-south-1') },
    ],
  };
  serve(changed);
  const run = await cli('run');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /aws: \+1 CIDR/);
  assert.match(run.stdout, /198\.51\.100\.0\/24/);
  assert.doesNotMatch(run.stdout, /203\.0\.113\.0|192\.0\.2\.0/);
  const subject = execFileSync('git', ['log', '-1', '--format=%s'], { cwd: join(dir, 'snapshots'), encoding: 'utf8' });
  assert.match(subject, /^aws: \+1 CIDR .*198\.51\.100\.0\/24/);
  // The feed's own serial is named in the alert and the commit.
  const serialLine = `Feed serial: syncToken ${changed.syncToken}`;
  assert.ok(run.stdout.includes(serialLine), `the alert does not name the serial:\n${run.stdout}`);
  const body = execFileSync('git', ['log', '-1', '--format=%b'], { cwd: join(dir, 'snapshots'), encoding: 'utf8' });
  assert.ok(body.includes(serialLine), `the commit does not name the serial:\n${body}`);

  // Outside the slice only: nothing to say, nothing committed.
  serve({ ...changed, prefixes: [...changed.prefixes, { ip_prefix: '233.252.0.0/24', ...place('S3', 'us-west-2') }] });
  const quiet = await cli('run');
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(quiet.stdout, /aws: no endpoint change/);
});
