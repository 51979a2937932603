import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PipelineContext, RunReport } from '../pipeline/run.js';
import { RunQueue, ShuttingDown, type Job } from './runner.js';
import { RunStats } from './stats.js';

/** A job runner whose runs end when the test says so, recording what overlapped. */
function gatedExecute() {
  const log: string[] = [];
  const gates: Array<() => void> = [];
  let active = 0;
  let maxActive = 0;
  const execute = async (_ctx: PipelineContext, job: Job): Promise<RunReport> => {
    active += 1;
    maxActive = Math.max(maxActive, active);
    log.push(`start ${job.origin}`);
    await new Promise<void>((resolve) => gates.push(resolve));
    log.push(`end ${job.origin}`);
    active -= 1;
    const results = job.sources.map((s) => ({ source: s.id, status: 'unchanged' as const, entryCount: 1 }));
    return { results, outboxFailures: {}, ok: true };
  };
  return { log, gates, execute, maxActive: () => maxActive };
}

const job = (origin: Job['origin']): Job => ({
  origin,
  sources: [{ id: 'a', url: '/dev/null', timeoutSeconds: 1, retries: 0 }],
  dryRun: false,
});
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('RunQueue: one job at a time, in arrival order; stop() lets the running one finish and turns the rest away', {
  timeout: 30_000,
}, async () => {
  const runner = gatedExecute();
  const stats = new RunStats(['a']);
  const queue = new RunQueue({} as PipelineContext, { lockWaitMs: 0, stats, execute: runner.execute });

  const first = queue.run(job('schedule'));
  const second = queue.run(job('trigger'));
  await tick();
  assert.equal(queue.running?.job.origin, 'schedule');
  assert.equal(queue.queued, 1);
  runner.gates.shift()!();
  assert.equal((await first).ok, true);
  await tick();
  assert.equal(queue.running?.job.origin, 'trigger');

  const third = queue.run(job('schedule'));
  const stopping = queue.stop();
  await assert.rejects(third, ShuttingDown);
  await assert.rejects(queue.run(job('trigger')), ShuttingDown);
  runner.gates.shift()!();
  await stopping;
  assert.equal((await second).ok, true);
  assert.deepEqual(runner.log, ['start schedule', 'end schedule', 'start trigger', 'end trigger']);
  assert.equal(runner.maxActive(), 1);
  assert.equal(stats.sources.get('a')?.runs.get('unchanged'), 2);
  assert.equal(stats.sources.get('a')?.lastRun?.origin, 'trigger');
});
