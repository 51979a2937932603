/**
 * GET|HEAD /history: one self-contained HTML page (no script, no CDN) with a timeline per
 * source, newest first: each snapshot commit with its date, subject, counts by severity and
 * its change lines. The data is `history`'s (recomputed from the stored catalogs); the caller
 * gives the function that reads it, so serve/ needs no CLI code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Change, ChangeSummary, Severity } from '../catalog/changes.js';
import { send } from './http.js';

export interface TimelineItem {
  commit: string;
  date: string;
  subject: string;
  baseline: boolean;
  entryCount: number;
  summary: ChangeSummary;
  changes: Change[];
}

export interface SourceTimeline {
  source: string;
  /** Newest first. */
  items: TimelineItem[];
}

/** Reads every source's timeline (from the snapshot repository). */
export type HistoryReader = () => Promise<SourceTimeline[]>;

/** Change lines shown per commit; the rest are counted ("and N more"). */
export const LINES_PER_COMMIT = 50;

const SEVERITIES: Severity[] = ['action', 'cleanup', 'info'];

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function countsHtml(item: TimelineItem): string {
  if (item.baseline) return `<span class="count">baseline, ${item.entryCount} endpoints</span>`;
  const bySeverity = item.summary.bySeverity;
  const parts = SEVERITIES.filter((s) => bySeverity?.[s]).map(
    (s) => `<span class="count ${s}">${bySeverity![s]} ${s}</span>`,
  );
  return `${parts.join(' ')} <span class="count">${item.entryCount} endpoints</span>`;
}

function itemHtml(item: TimelineItem): string {
  const shown = item.changes.slice(0, LINES_PER_COMMIT);
  const lines = shown.map((c) => `<li class="${c.severity ?? 'info'}">${escapeHtml(c.message)}</li>`);
  if (item.changes.length > shown.length)
    lines.push(`<li class="more">… and ${item.changes.length - shown.length} more (endpoint-watch history)</li>`);
  return [
    '<li class="commit">',
    `<div><time datetime="${escapeHtml(item.date)}">${escapeHtml(item.date)}</time> <code>${escapeHtml(item.commit.slice(0, 10))}</code> ${escapeHtml(item.subject)}</div>`,
    `<div>${countsHtml(item)}</div>`,
    lines.length ? `<ul class="changes">${lines.join('')}</ul>` : '',
    '</li>',
  ].join('\n');
}

/** The whole page, for the given timelines (pure). */
export function renderHistoryPage(timelines: readonly SourceTimeline[]): string {
  const body = timelines.length
    ? timelines
        .map(
          (t) =>
            `<section id="${escapeHtml(t.source)}">\n<h2>${escapeHtml(t.source)}</h2>\n<ol class="timeline">\n${t.items.map(itemHtml).join('\n')}\n</ol>\n</section>`,
        )
        .join('\n')
    : '<p>No snapshot yet: the first run has not finished.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>endpoint-watch history</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}
.timeline{list-style:none;padding:0}.commit{border-left:3px solid #888;padding:.3em 1em;margin:.6em 0}
.count{display:inline-block;padding:0 .4em;border-radius:3px;background:#eee;margin-right:.3em}
.count.action,li.action{color:#a00}.count.cleanup,li.cleanup{color:#a60}.count.info,li.info{color:#555}
.changes{margin:.3em 0 0 1em;padding:0}code{font-size:90%}
</style></head>
<body>
<h1>endpoint-watch history</h1>
${body}
</body></html>
`;
}

export async function serveHistory(req: IncomingMessage, res: ServerResponse, read: HistoryReader): Promise<void> {
  send(req, res, 200, renderHistoryPage(await read()), { 'content-type': 'text/html; charset=utf-8' });
}
