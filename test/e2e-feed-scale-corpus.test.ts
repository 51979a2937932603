/**
 * A source of 500k entries, end to end: the size at which `git show` of catalog.json once
 * overflowed its buffer, the stored catalog read as "no previous snapshot", and every run
 * recorded a new baseline. A synthetic Azure Service Tags feed of 500,000 prefixes is served
 * from loopback and recorded as the baseline; a version 1% apart (2,500 prefixes removed, 2,500
 * added) must then be diffed against it, committed and alerted with those counts, never taken
 * for a new baseline; the same version again changes nothing.
 * Real peers: a loopback documentation server, a real git; console alerts.
 *
 * It reads no corpus: "corpus" in its name puts it in the slow group (`npm run test:corpus`,
 * scripts/run-tests.mjs chooses groups by file name), since it takes a minute and a half on a
 * loaded 2-core machine. EW_SCALE_ENTRIES=20000 runs the same at a size that takes seconds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, snapshotSubjects } from './helpers/cli-run.js';
import { startDocServer, reply, type DocServer } from './helpers/doc-server.js';
import { changedAzureFeed, syntheticAzureFeed } from './helpers/synthetic-feeds.js';

const ENTRIES = Number(process.env.EW_SCALE_ENTRIES ?? 500_000);
/** changedAzureFeed removes every 200th prefix and adds as many. */
const CHANGED = ENTRIES / 200;

let docs: DocServer;
let dir: string;

const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { ...process.env } });

before(async () => {
  docs = await startDocServer();
  dir = await mkdtemp(join(tmpdir(), 'ew-feed-scale-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: azure',
      `    url: ${docs.url('/ServiceTags_Public.json')}`,
      '    retries: 0',
      '    timeoutSeconds: 120',
      // This machine is shared and slow; the bound is not what is tested here.
      '    parseTimeoutSeconds: 600',
      '    parseMemoryMb: 4096',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await docs.close();
  await rm(dir, { recursive: true, force: true });
});

interface RunJson {
  results: Array<{
    status: string;
    entryCount: number;
    commit?: string;
    changeSet?: {
      summary: {
        added: number;
        removed: number;
        moved: number;
        modified: number;
        reshaped: number;
        netAddresses: { ipv4: { added: string } };
      };
    };
  }>;
}

test('a 500k-entry feed is recorded, then diffed against its stored catalog: 2,500 added, 2,500 removed', {
  timeout: 1_800_000,
}, async () => {
  const feed = syntheticAzureFeed(ENTRIES).text;
  const serve = (text: string) =>
    docs.set('/ServiceTags_Public.json', reply.document(text, { contentType: 'application/json' }));

  serve(feed);
  const baseline = await cli('run', '--json');
  assert.equal(baseline.code, 0, baseline.stderr);
  const first = (JSON.parse(baseline.stdout) as RunJson).results[0]!;
  assert.equal(first.status, 'baseline');
  assert.equal(first.entryCount, ENTRIES);
  // Bigger than the 256 MB buffer that once overflowed would be too slow to write here; what
  // matters is that it is read back whole, streamed, below.
  const stored = await stat(join(dir, 'snapshots', 'azure', 'catalog.json'));
  assert.ok(stored.size > ENTRIES * 100, `catalog.json is ${stored.size} bytes`);

  serve(changedAzureFeed(feed));
  const changed = await cli('run', '--json');
  assert.equal(changed.code, 0, changed.stderr);
  const second = (JSON.parse(changed.stdout) as RunJson).results[0]!;
  assert.equal(second.status, 'changed', 'diffed against the stored catalog, not a new baseline');
  assert.equal(second.entryCount, ENTRIES);
  const { added, removed, moved, modified, reshaped, netAddresses } = second.changeSet!.summary;
  assert.deepEqual(
    { added, removed, moved, modified, reshaped },
    { added: CHANGED, removed: CHANGED, moved: 0, modified: 0, reshaped: 0 },
  );
  // The 2,500 added are /32s that overlap nothing.
  assert.equal(netAddresses.ipv4.added, String(CHANGED));
  // The console alert: its headline with the counts, and the feed's serial.
  assert.match(changed.stderr, new RegExp(`azure: \\+${CHANGED} IPs, -${CHANGED} CIDRs in 119 sections`));
  assert.match(changed.stderr, /Feed serial: changeNumber \d+/);
  assert.deepEqual(snapshotSubjects(join(dir, 'snapshots')).length, 2);

  const again = await cli('run', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as RunJson).results[0]!.status, 'unchanged');
  assert.equal(snapshotSubjects(join(dir, 'snapshots')).length, 2);
});
