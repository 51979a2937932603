/**
 * The endpoint count of one source over time as an inline SVG, drawn when the page is built
 * (no chart library, no script): a step line, since the count changes only at a commit, and a
 * dot per commit coloured by the most urgent severity it carries, with its date and counts as
 * a tooltip (<title>).
 */
import type { Severity } from '../catalog/changes.js';
import { escapeHtml } from './escape.js';
import type { TimelineItem } from './model.js';

const WIDTH = 720;
const HEIGHT = 170;
const PAD = { left: 64, right: 16, top: 12, bottom: 26 };

/** `action` when a commit has an action item, else `cleanup`, else `info`; baselines apart. */
export function topSeverity(item: TimelineItem): Severity | 'baseline' {
  if (item.baseline) return 'baseline';
  const by = item.summary.bySeverity;
  if (by?.action) return 'action';
  if (by?.cleanup) return 'cleanup';
  return 'info';
}

/** `2023-11-26` in UTC. */
export function day(date: string): string {
  const time = Date.parse(date);
  return Number.isFinite(time) ? new Date(time).toISOString().slice(0, 10) : date;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The plot for `items` (any order); an empty string when there is nothing to draw. */
export function countPlotSvg(source: string, items: readonly TimelineItem[]): string {
  const points = items
    .map((item) => ({ item, time: Date.parse(item.date) }))
    .filter((p) => Number.isFinite(p.time))
    .sort((a, b) => a.time - b.time);
  if (points.length === 0) return '';
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const counts = points.map((p) => p.item.entryCount);
  let low = Math.min(...counts);
  let high = Math.max(...counts);
  if (low === high) {
    low = Math.max(0, low - 1);
    high += 1;
  }
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const span = last.time - first.time;
  const x = (time: number) => round(PAD.left + (span === 0 ? plotWidth / 2 : ((time - first.time) / span) * plotWidth));
  const y = (count: number) => round(PAD.top + ((high - count) / (high - low)) * plotHeight);

  let path = `M${x(first.time)} ${y(first.item.entryCount)}`;
  for (const p of points.slice(1)) path += ` H${x(p.time)} V${y(p.item.entryCount)}`;
  const dots = points.map((p) => {
    const by = p.item.summary.bySeverity;
    const what = p.item.baseline
      ? 'baseline'
      : (['action', 'cleanup', 'info'] as const)
          .filter((s) => by?.[s])
          .map((s) => `${by![s]} ${s}`)
          .join(', ');
    const title = `${day(p.item.date)}: ${p.item.entryCount} endpoints${what ? ` (${what})` : ''}`;
    return `<circle class="dot ${topSeverity(p.item)}" cx="${x(p.time)}" cy="${y(p.item.entryCount)}" r="4"><title>${escapeHtml(title)}</title></circle>`;
  });
  const bottom = HEIGHT - PAD.bottom;
  const yLabels = [high, low].map(
    (count) =>
      `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(count)}" y2="${y(count)}"/>` +
      `<text class="label" x="${PAD.left - 6}" y="${y(count) + 4}" text-anchor="end">${count}</text>`,
  );
  const xLabels =
    span === 0
      ? [
          `<text class="label" x="${x(first.time)}" y="${bottom + 18}" text-anchor="middle">${day(first.item.date)}</text>`,
        ]
      : [
          `<text class="label" x="${PAD.left}" y="${bottom + 18}" text-anchor="start">${day(first.item.date)}</text>`,
          `<text class="label" x="${WIDTH - PAD.right}" y="${bottom + 18}" text-anchor="end">${day(last.item.date)}</text>`,
        ];
  const label = `Endpoints of ${source} over time: ${first.item.entryCount} on ${day(first.item.date)}, ${last.item.entryCount} on ${day(last.item.date)}`;
  return [
    `<svg class="plot" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg">`,
    ...yLabels,
    `<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${bottom}" y2="${bottom}"/>`,
    ...xLabels,
    `<path class="line" d="${path}"/>`,
    ...dots,
    '</svg>',
  ].join('\n');
}
