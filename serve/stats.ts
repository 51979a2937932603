/** What `serve` remembers of its runs since it started, for /healthz and /metrics. */
import { errorMessage } from '../errors/index.js';
import type { RunReport, SourceRunResult, SourceStatus } from '../pipeline/run.js';
import type { Job, JobOrigin } from './runner.js';

export interface LastRun {
  status: SourceStatus | 'error';
  origin: JobOrigin;
  /** ISO time the run finished. */
  at: string;
  durationMs: number;
  commit: string | null;
  changes: number;
  error: string | null;
}

export interface SourceStats {
  lastRun: LastRun | null;
  /** ISO time of the last run that ended baseline, changed or unchanged. */
  lastSuccessAt: string | null;
  /** Runs by status, since start. */
  runs: Map<string, number>;
  /** Runs that failed or were held. */
  failures: number;
  /** Changes committed (a baseline counts none). */
  changes: number;
}

const SUCCESS: ReadonlySet<string> = new Set(['baseline', 'changed', 'unchanged']);

export class RunStats {
  readonly startedAt = new Date();
  readonly sources = new Map<string, SourceStats>();
  /** Triggered runs turned away: a wrong or missing token. */
  rejectedTriggers = 0;

  constructor(sourceIds: readonly string[]) {
    for (const id of sourceIds) this.sourceStats(id);
  }

  private sourceStats(id: string): SourceStats {
    let stats = this.sources.get(id);
    if (!stats) {
      stats = { lastRun: null, lastSuccessAt: null, runs: new Map(), failures: 0, changes: 0 };
      this.sources.set(id, stats);
    }
    return stats;
  }

  private count(id: string, status: string, lastRun: LastRun): void {
    const stats = this.sourceStats(id);
    stats.runs.set(status, (stats.runs.get(status) ?? 0) + 1);
    // A dry run is a preview: it changes nothing, so it does not stand for the source's state.
    if (status === 'dry-run') return;
    stats.lastRun = lastRun;
    if (status === 'failed' || status === 'held' || status === 'error') stats.failures += 1;
    if (SUCCESS.has(status)) stats.lastSuccessAt = lastRun.at;
    stats.changes += lastRun.changes;
  }

  record(report: RunReport, job: Job, started: number, finished: number): void {
    for (const result of report.results) {
      this.count(result.source, result.status, lastRunOf(result, job.origin, started, finished));
    }
  }

  /** A job that threw instead of reporting (the lock could not be taken, git failed). */
  recordError(job: Job, err: unknown, started: number, finished: number): void {
    for (const source of job.sources) {
      this.count(source.id, 'error', {
        status: 'error',
        origin: job.origin,
        at: new Date(finished).toISOString(),
        durationMs: finished - started,
        commit: null,
        changes: 0,
        error: errorMessage(err),
      });
    }
  }
}

function lastRunOf(result: SourceRunResult, origin: JobOrigin, started: number, finished: number): LastRun {
  return {
    status: result.status,
    origin,
    at: new Date(finished).toISOString(),
    durationMs: finished - started,
    commit: result.commit ?? null,
    changes: result.status === 'changed' ? (result.changeSet?.changes.length ?? 0) : 0,
    error: result.error?.message ?? null,
  };
}
