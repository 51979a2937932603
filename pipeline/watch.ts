/**
 * `watch`: runs each source on its cron schedule until stopped. Runs are queued one at a time
 * (they share one git repository), and each takes the snapshot-directory lock, so a manual
 * `run` before a change window waits its turn instead of interleaving commits.
 */
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { SourceRunResult } from './run.js';

export interface WatchJob {
  id: string;
  schedule: string;
  run(): Promise<SourceRunResult>;
}

export interface Watcher {
  /** Resolves when every queued run has finished after stop(). */
  stop(): Promise<void>;
}

export function startWatching(
  jobs: WatchJob[],
  onResult: (result: SourceRunResult) => void,
  onError: (id: string, err: unknown) => void,
): Watcher {
  let queue: Promise<void> = Promise.resolve();
  const queued = new Set<string>();
  const tasks: ScheduledTask[] = [];
  let stopped = false;

  const enqueue = (job: WatchJob) => {
    // A source still waiting for its previous tick does not pile up runs behind a slow one.
    if (stopped || queued.has(job.id)) return;
    queued.add(job.id);
    queue = queue.then(async () => {
      try {
        if (!stopped) onResult(await job.run());
      } catch (err) {
        onError(job.id, err);
      } finally {
        queued.delete(job.id);
      }
    });
  };

  for (const job of jobs) {
    tasks.push(cron.schedule(job.schedule, () => enqueue(job), { name: `endpoint-watch:${job.id}`, noOverlap: true }));
  }

  return {
    async stop() {
      stopped = true;
      for (const task of tasks) await task.stop();
      await queue;
    },
  };
}
