/**
 * One run at a time for `serve`: scheduled ticks and triggered runs (POST /run) wait in one queue
 * in this process, and each takes the snapshot lock like `run` and `watch`, so a person's `run`
 * in a shell waits its turn too. The run itself is the pipeline's (`runSources`), called, not
 * copied. On stop, the running job finishes; the ones still waiting are turned away, so nothing
 * is left half-written.
 */
import type { PipelineContext, RunReport, SourceSpec } from '../pipeline/run.js';
import { runSources } from '../pipeline/run.js';
import { acquireLock } from '../store/lock.js';
import type { RunStats } from './stats.js';

export type JobOrigin = 'schedule' | 'trigger';

export interface Job {
  origin: JobOrigin;
  sources: SourceSpec[];
  dryRun: boolean;
}

/** Thrown to a job that was still waiting when the server began to stop. */
export class ShuttingDown extends Error {
  constructor() {
    super('endpoint-watch is shutting down; the run was not started');
    this.name = 'ShuttingDown';
  }
}

export interface RunQueueOptions {
  /** How long a job waits for another process holding the snapshot lock. */
  lockWaitMs: number;
  stats: RunStats;
  /** Runs the pipeline; the default is runSources under the snapshot lock. */
  execute?: (ctx: PipelineContext, job: Job) => Promise<RunReport>;
  /** Told about every finished job (for the log). */
  onReport?: (job: Job, report: RunReport) => void;
}

interface Waiting {
  job: Job;
  resolve: (report: RunReport) => void;
  reject: (err: unknown) => void;
}

async function lockedRun(ctx: PipelineContext, job: Job, lockWaitMs: number): Promise<RunReport> {
  // A dry run writes nothing and sends nothing: no lock, no notifiers.
  if (job.dryRun) return runSources({ ...ctx, notifiers: [] }, job.sources, { dryRun: true });
  const lock = await acquireLock(ctx.store.dir, { waitMs: lockWaitMs });
  try {
    return await runSources(ctx, job.sources);
  } finally {
    await lock.release();
  }
}

export class RunQueue {
  private readonly waiting: Waiting[] = [];
  private current: { job: Job; since: Date; done: Promise<void> } | null = null;
  private stopping = false;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly options: RunQueueOptions,
  ) {}

  /** The job running now, if any. */
  get running(): { job: Job; since: Date } | null {
    return this.current ? { job: this.current.job, since: this.current.since } : null;
  }

  /** Jobs waiting behind the running one. */
  get queued(): number {
    return this.waiting.length;
  }

  get closed(): boolean {
    return this.stopping;
  }

  /** Queues a job; resolves with its report once it ran. Rejects with ShuttingDown after stop(). */
  run(job: Job): Promise<RunReport> {
    if (this.stopping) return Promise.reject(new ShuttingDown());
    return new Promise<RunReport>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.next();
    });
  }

  /** Turns away waiting jobs and resolves when the running one has finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const waiting of this.waiting.splice(0)) waiting.reject(new ShuttingDown());
    await this.current?.done;
  }

  private next(): void {
    if (this.current || this.stopping) return;
    const item = this.waiting.shift();
    if (!item) return;
    const execute = this.options.execute ?? ((ctx, job) => lockedRun(ctx, job, this.options.lockWaitMs));
    const started = Date.now();
    const done = execute(this.ctx, item.job).then(
      (report) => {
        this.options.stats.record(report, item.job, started, Date.now());
        this.options.onReport?.(item.job, report);
        item.resolve(report);
      },
      (err: unknown) => {
        this.options.stats.recordError(item.job, err, started, Date.now());
        item.reject(err);
      },
    );
    this.current = {
      job: item.job,
      since: new Date(started),
      done: done.finally(() => {
        this.current = null;
        this.next();
      }),
    };
  }
}
