/** What the pipeline takes (sources, context, options) and what one run reports. */
import type { Writable } from 'node:stream';
import type { ChangeSet } from '../catalog/changes.js';
import type { Notifier, WithheldItem } from '../notify/types.js';
import type { Outbox } from '../store/outbox.js';
import type { SnapshotStore } from '../store/snapshots.js';
import type { WithheldStore } from '../store/withheld.js';

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
  /** The page people read; alerts link it beside the raw document. */
  pageUrl?: string | null;
}

export interface PipelineContext {
  store: SnapshotStore;
  outbox: Outbox;
  /** Withheld removals per source (default: under the snapshot directory). */
  withheld?: WithheldStore;
  notifiers: Notifier[];
  /** Template with {commit}, for links in alerts. */
  commitUrl?: string | null;
  /** Progress and error lines for people (stderr in the CLI). */
  log: Writable;
  /** The time of the run: confirmAfter is measured with it and commits are dated with it (default: the clock). */
  now?: () => Date;
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
