/**
 * Routing through the CLI and the outbox: the EU firewall team's channel gets EU1 changes only,
 * the on-call channel only `action` items, a channel for another source nothing at all; each
 * gets its part once, and nothing is left pending for a notifier the filter left empty. Real
 * peers: three loopback Slack stand-ins (one per channel), git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './helpers/cli-run.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';

function page(us: string[], eu: string[]): string {
  return [
    '## Portal access',
    '',
    'Allow **outbound port 443** to:',
    '',
    '|----|----|',
    `|US1 data center|${us.join('<br/>')}|`,
    `|EU1 data center|${eu.join('<br/>')}|`,
    '',
  ].join('\n');
}

let eu: SlackStub;
let onCall: SlackStub;
let other: SlackStub;
let dir: string;

async function cli(...args: string[]): Promise<CliResult> {
  const env = { ...process.env, EW_EU: eu.url, EW_ONCALL: onCall.url, EW_OTHER: other.url };
  return runCli(args, { cwd: dir, env });
}

const texts = (stub: SlackStub) => stub.delivered().map((body) => JSON.stringify(body));

async function outboxNames(): Promise<string[]> {
  const names = await readdir(join(dir, 'snapshots', '.outbox')).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.json'));
}

before(async () => {
  [eu, onCall, other] = await Promise.all([startSlackStub(), startSlackStub(), startSlackStub()]);
  dir = await mkdtemp(join(tmpdir(), 'ew-routing-'));
  await writeFile(join(dir, 'network.md'), page(['13.91.91.243'], ['52.174.56.180', '13.80.125.22']));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: portal',
      '    url: ./network.md',
      'notifiers:',
      '  - type: slack',
      '    id: eu-firewall',
      '    webhookUrl: ${EW_EU}',
      '    retries: 0',
      '    regions: [EU1]',
      '  - type: slack',
      '    id: on-call',
      '    webhookUrl: ${EW_ONCALL}',
      '    retries: 0',
      '    severities: [action]',
      '  - type: slack',
      '    id: other-team',
      '    webhookUrl: ${EW_OTHER}',
      '    retries: 0',
      '    sources: [another-source]',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await Promise.all([eu.close(), onCall.close(), other.close()]);
  await rm(dir, { recursive: true, force: true });
});

test('routed notifiers: each channel gets its part of a change, once', { timeout: 120_000 }, async (t) => {
  await t.test('baseline: an info notice, so the action-only channel is not told', { timeout: 60_000 }, async () => {
    const run = await cli('run');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(eu.delivered().length, 1);
    assert.match(texts(eu)[0]!, /now tracking 3 endpoints/);
    assert.equal(onCall.delivered().length, 0);
    assert.equal(other.delivered().length, 0);
    assert.deepEqual(await outboxNames(), []);
  });

  await t.test(
    'US1 and EU1 added, EU1 removed: EU gets EU1 only, on-call the additions only',
    {
      timeout: 60_000,
    },
    async () => {
      await writeFile(
        join(dir, 'network.md'),
        page(['13.91.91.243', '40.118.211.172'], ['52.174.56.180', '20.71.65.26']),
      );
      const run = await cli('run');
      assert.equal(run.code, 0, run.stderr);

      assert.equal(eu.delivered().length, 2);
      const euText = texts(eu)[1]!;
      assert.match(euText, /20\.71\.65\.26/);
      assert.match(euText, /13\.80\.125\.22/, 'the EU1 removal (cleanup) is for the EU team too');
      assert.doesNotMatch(euText, /40\.118\.211\.172/, 'a US1 change is not for the EU team');

      assert.equal(onCall.delivered().length, 1);
      const onCallText = texts(onCall)[0]!;
      assert.match(onCallText, /40\.118\.211\.172/);
      assert.match(onCallText, /20\.71\.65\.26/);
      assert.doesNotMatch(onCallText, /13\.80\.125\.22/, 'a removal is cleanup, not action');

      assert.equal(other.delivered().length, 0, 'a notifier for another source hears nothing');
      assert.deepEqual(await outboxNames(), [], 'nothing pending for a notifier the filter left empty');
    },
  );

  await t.test('a run with no change sends nothing again', { timeout: 60_000 }, async () => {
    const run = await cli('run');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(eu.delivered().length, 2);
    assert.equal(onCall.delivered().length, 1);
    assert.equal(other.delivered().length, 0);
  });
});
