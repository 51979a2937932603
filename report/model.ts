/**
 * What the history page shows, per source: the timeline of snapshot commits (as `history`
 * recomputes it from the stored catalogs) and the entries listed now, for the search box.
 * Readers fill it (cli/report.ts); report/site.ts renders it; serve/ serves it.
 */
import type { CatalogEntry } from '../catalog/model.js';
import type { Change, ChangeSummary } from '../catalog/changes.js';

export interface TimelineItem {
  commit: string;
  /** ISO 8601 with the author's offset, as git gives it. */
  date: string;
  subject: string;
  baseline: boolean;
  /** Entries in the catalog as of this commit. */
  entryCount: number;
  summary: ChangeSummary;
  changes: Change[];
}

export interface SourceTimeline {
  source: string;
  /** Newest first. */
  items: TimelineItem[];
  /** The latest committed catalog's entries (empty when none is readable). */
  entries: CatalogEntry[];
}

/** Reads every source's timeline from the snapshot repository (none before the first run). */
export type HistoryReader = () => Promise<SourceTimeline[]>;
