/** What the pipeline takes (sources, context, options) and what one run reports. */
import type { CatalogFilter } from '../catalog/filter.js';
import type { Writable } from 'node:stream';
import type { ChangeSet } from '../catalog/changes.js';
import type { Notifier, WithheldItem } from '../notify/types.js';
import type { Outbox } from '../store/outbox.js';
import type { SnapshotStore } from '../store/snapshots.js';
import type { FailureStore } from '../store/failures.js';
import type { FetchStateStore } from '../store/fetch-state.js';
import type { WithheldStore } from '../store/withheld.js';
import type { Dispatcher } from './dispatch.js';
import type { RunSync } from './sync.js';

/** What the pipeline needs to know about a source (a validated config entry). */
export interface SourceSpec {
  id: string;
  /** URL or absolute path. */
  url: string;
  format?: string | null;
  timeoutSeconds: number;
  retries: number;
  /** How long a page must keep a withheld state before its removals are confirmed (default 48 h). */
  confirmAfterMs?: number;
  /** When a failing source is announced: after `runs` consecutive failures or `ms` since the first, whichever first (default 3 runs or 6 h). */
  failureAlertAfter?: { runs: number | null; ms: number | null };
  /** How often a still-failing source is announced again (default 24 h). */
  failureRepeatAfterMs?: number;
  /** Parse deadline, in seconds (default 30), and the parse worker's heap limit in MB (default 1024). */
  parseTimeoutSeconds?: number;
  parseMemoryMb?: number;
  /** Largest document accepted, in bytes (default 64 MiB), and the deepest nesting parsed (default 100). */
  maxDocumentBytes?: number;
  maxNestingDepth?: number;
  /** Only the entries these rules keep are diffed, stored and alerted (catalog/filter.ts). */
  filter?: CatalogFilter;
  /** The page people read; alerts link it beside the raw document. */
  pageUrl?: string | null;
}

export interface PipelineContext {
  store: SnapshotStore;
  outbox: Outbox;
  /** Withheld removals per source (default: under the snapshot directory). */
  withheld?: WithheldStore;
  /** Failing sources (default: under the snapshot directory). */
  failures?: FailureStore;
  notifiers: Notifier[];
  /** Template with {commit}, for links in alerts. */
  commitUrl?: string | null;
  /** The history page, `{source}` replaced, for links in alerts. */
  historyUrl?: string | null;
  /** Progress and error lines for people (stderr in the CLI). */
  log: Writable;
  /** Keeps the snapshot repository in step with a git remote (pipeline/sync.ts); none: local only. */
  sync?: RunSync;
  /** The time of the run: confirmAfter is measured with it and commits are dated with it (default: the clock). */
  now?: () => Date;
  /** How long a run spends on alerts earlier runs left (`deliveryBudgetSeconds`; default 120 s). */
  deliveryBudgetMs?: number;
  /** Set by runSources for the length of a run: the notifier lanes (pipeline/dispatch.ts). */
  dispatcher?: Dispatcher;
  /** Sources fetched and parsed at the same time (default 4); commits and alerts go one at a time. */
  concurrency?: number;
  /** What conditional GETs read (default: under the snapshot directory, store/fetch-state.ts). */
  fetchState?: FetchStateStore;
}

/**
 * `withheld`: nothing was committed, and removals that look like breakage are withheld (a
 * successful run: exit 0). A run that committed changes is `changed` even when it also withheld
 * removals; `withheld` on the result says so in both cases.
 */
export type SourceStatus = 'baseline' | 'changed' | 'unchanged' | 'withheld' | 'failed' | 'dry-run';

export interface WithheldReport {
  /** Why the removals look like breakage. */
  reasons: string[];
  /** The page lists no endpoint, or nearly none: only `run --accept` confirms them. */
  needsPerson: boolean;
  /** When they are confirmed if the page keeps this state; null when they wait for a person. */
  confirmAt: string | null;
  /** True when this run announced them (the first run that found them, or new ones among them). */
  announced: boolean;
  removals: WithheldItem[];
}

export interface SourceRunResult {
  source: string;
  status: SourceStatus;
  /** Endpoints the page lists now. */
  entryCount?: number;
  /** What was committed and alerted (for `dry-run`: what would be). */
  changeSet?: ChangeSet;
  /** `dry-run` of a source with no snapshot yet: a baseline of entryCount endpoints would be recorded. */
  baseline?: boolean;
  commit?: string | null;
  /** Layout changes, said once. */
  layout?: string[];
  /** Removals withheld at this run. */
  withheld?: WithheldReport;
  /** Withheld removals committed at this run (they are also in changeSet). */
  confirmed?: WithheldItem[];
  error?: { code: string; message: string };
  /** Notifiers that failed to deliver; the alert stays in the outbox for the next run. */
  undelivered?: Record<string, string>;
}

export interface RunOptions {
  dryRun?: boolean;
  /** Confirm the withheld removals an alert showed, at once; with nothing withheld, an ordinary run. */
  accept?: boolean;
}

export interface RunReport {
  results: SourceRunResult[];
  /** Alerts from earlier runs that still could not be delivered. */
  outboxFailures: Record<string, string>;
  ok: boolean;
}
