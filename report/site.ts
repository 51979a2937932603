/**
 * The history page: one self-contained HTML document (styles, plots, data and search inline;
 * no CDN, no request of its own), so it works from file://, from any static host, and as
 * `serve`'s GET /. Pure: timelines in, text out. report/write.ts writes it, serve/history.ts
 * serves it.
 */
import { createHash } from 'node:crypto';
import type { Change, Severity } from '../catalog/changes.js';
import type { CatalogEntry, PortSpec } from '../catalog/model.js';
import { html, jsonForScript, visible } from './escape.js';
import type { SourceTimeline, TimelineItem } from './model.js';
import { countPlotSvg, day } from './plot.js';
import { SEARCH_SCRIPT } from './search-script.js';

/** Change lines listed per commit in the timeline; the search still finds every one. */
export const LINES_PER_COMMIT = 500;
/** A commit with more lines than this shows them folded (click to open). */
const OPEN_UP_TO = 20;

const SEVERITIES: Severity[] = ['action', 'cleanup', 'info'];

const STYLE = `
:root{color-scheme:light;--action:#b00020;--cleanup:#a15c00;--info:#555;--baseline:#1f5fa8;--line:#ddd}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1.5em 2em 4em;max-width:72em;color:#1b1b1b}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin:1.6em 0 .3em;padding-top:.6em;border-top:2px solid var(--line)}
.meta,.totals{color:#444;margin:.2em 0}nav a{margin-right:1em}
#search{margin:1em 0 .4em;display:flex;gap:.5em;align-items:center;flex-wrap:wrap}
#q{font:inherit;padding:.35em .6em;min-width:22em;border:1px solid #888;border-radius:4px}
button{font:inherit;padding:.35em .9em;border-radius:4px;border:1px solid #666;background:#f4f4f4;cursor:pointer}
#search-status{margin:.3em 0;font-weight:600}
#results{list-style:none;padding:0;margin:0 0 1em}#results li{padding:.25em .5em;border-left:3px solid var(--line);margin:.2em 0;background:#fafafa}
#results .source{font-weight:600}#results .ports::before{content:"· "}#results .place,#results .ports,#results .date{color:#555}
.value,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:92%}
.plot{width:100%;max-width:720px;height:auto;display:block;margin:.4em 0 0}
.legend{color:#555;font-size:90%;margin:0 0 .8em}.legend .dot{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin:0 .2em 0 .6em}
.plot .line{fill:none;stroke:#333;stroke-width:1.5}.plot .grid{stroke:#eee}.plot .axis{stroke:#999}
.plot .label{font-size:11px;fill:#555}.plot .dot{stroke:#fff;stroke-width:1}
.dot.action{fill:var(--action)}.dot.cleanup{fill:var(--cleanup)}.dot.info{fill:var(--info)}.dot.baseline{fill:var(--baseline)}
span.dot.action{background:var(--action)}span.dot.cleanup{background:var(--cleanup)}span.dot.info{background:var(--info)}span.dot.baseline{background:var(--baseline)}
.timeline{list-style:none;padding:0;margin:0}
.commit{border-left:3px solid var(--line);padding:.35em 1em;margin:.7em 0}
.commit.action{border-left-color:var(--action)}.commit.cleanup{border-left-color:var(--cleanup)}.commit.baseline{border-left-color:var(--baseline)}
.commit:target{background:#fff8d6}
.subject{font-weight:600}
.tag{display:inline-block;padding:0 .45em;border-radius:3px;background:#eee;margin-right:.3em;font-size:90%}
.tag.action{background:#fde7ea;color:var(--action)}.tag.cleanup{background:#fdf0dc;color:var(--cleanup)}
.tag.info{color:var(--info)}.tag.baseline{background:#e3edf9;color:var(--baseline)}.tag.listed{background:#e6f4ea;color:#1e6b34}
summary{cursor:pointer;color:#333;margin-top:.2em}
.changes{margin:.3em 0 0;padding:0 0 0 1em}.changes li{margin:.1em 0}
.changes .more{list-style:none;color:#555}
`;

/** Counts by severity, from the change lines themselves. */
function severityCounts(changes: readonly Change[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { action: 0, cleanup: 0, info: 0 };
  for (const c of changes) counts[c.severity ?? 'info'] += 1;
  return counts;
}

function severityTags(counts: Record<Severity, number>): string {
  return SEVERITIES.filter((s) => counts[s])
    .map((s) => `<span class="tag ${s}">${counts[s]} ${s}</span>`)
    .join('');
}

/** `2023-11-26 09:00 UTC`, the same wherever the page is opened. */
function when(date: string): string {
  const time = Date.parse(date);
  return Number.isFinite(time) ? `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC` : date;
}

const anchor = (source: string, commit: string) => `c-${source}-${commit.slice(0, 12)}`;

function commitHtml(source: string, item: TimelineItem): string {
  const counts = severityCounts(item.changes);
  const top = item.baseline ? 'baseline' : (SEVERITIES.find((s) => counts[s]) ?? 'info');
  const shown = item.changes.slice(0, LINES_PER_COMMIT);
  const lines = shown.map(
    (c) =>
      `<li class="${c.severity ?? 'info'}"><span class="tag ${c.severity ?? 'info'}">${c.severity ?? 'info'}</span>${html(c.message)}</li>`,
  );
  if (item.changes.length > shown.length)
    lines.push(
      `<li class="more">… and ${item.changes.length - shown.length} more: <code>endpoint-watch history --source ${html(source)}</code> lists every one</li>`,
    );
  const what = item.baseline
    ? `<span class="tag baseline">baseline</span> now tracking ${item.entryCount} endpoints`
    : `${item.changes.length ? severityTags(counts) : '<span class="tag">no endpoint change</span>'} ${item.entryCount} endpoints after`;
  const plural = item.changes.length === 1 ? '' : 's';
  return [
    `<li class="commit ${top}" id="${html(anchor(source, item.commit))}">`,
    `<div><time datetime="${html(item.date)}">${html(when(item.date))}</time> <code>${html(item.commit.slice(0, 10))}</code> <span class="subject">${html(item.subject)}</span></div>`,
    `<div class="counts">${what}</div>`,
    lines.length
      ? `<details${item.changes.length <= OPEN_UP_TO ? ' open' : ''}><summary>${item.changes.length} change${plural}</summary><ul class="changes">${lines.join('')}</ul></details>`
      : '',
    '</li>',
  ].join('\n');
}

function sourceHtml(t: SourceTimeline): string {
  const changes = t.items.flatMap((i) => i.changes);
  const versions = t.items.filter((i) => !i.baseline).length;
  const oldest = t.items[t.items.length - 1];
  const now = t.items[0]?.entryCount ?? t.entries.length;
  const since = oldest ? ` since ${day(oldest.date)}` : '';
  return [
    `<section class="source" id="s-${html(t.source)}">`,
    `<h2>${html(t.source)}</h2>`,
    `<p class="totals">${now} endpoints now · ${changes.length} change${changes.length === 1 ? '' : 's'} in ${versions} version${versions === 1 ? '' : 's'}${since} ${severityTags(severityCounts(changes))}</p>`,
    countPlotSvg(t.source, t.items),
    LEGEND,
    `<ol class="timeline">\n${t.items.map((i) => commitHtml(t.source, i)).join('\n')}\n</ol>`,
    '</section>',
  ].join('\n');
}

const LEGEND = `<p class="legend">Endpoints over time, one dot per commit:${(['action', 'cleanup', 'info', 'baseline'] as const).map((s) => `<span class="dot ${s}"></span>${s}`).join('')}</p>`;

function portsText(ports: PortSpec): string {
  const parts = [
    ports.tcp.length ? `TCP ${ports.tcp.join(', ')}` : '',
    ports.udp.length ? `UDP ${ports.udp.join(', ')}` : '',
    ports.any.length ? `port ${ports.any.join(', ')}` : '',
    ports.custom ? 'custom port' : '',
  ];
  return parts.filter(Boolean).join('; ');
}

function placeText(e: Pick<CatalogEntry, 'section' | 'region' | 'group'>): string {
  return visible([e.region, e.section, e.group].filter(Boolean).join(' · '));
}

/** What the search reads: compact rows, document text made visible (the script shows it as text). */
function searchData(timelines: readonly SourceTimeline[]) {
  return {
    sources: timelines.map((t) => ({
      id: t.source,
      entries: t.entries.map((e) => [e.kind, visible(e.value), placeText(e), portsText(e.ports)]),
      changes: t.items.flatMap((item) =>
        item.changes.map((c) => [
          anchor(t.source, item.commit),
          day(item.date),
          c.kind,
          c.severity ?? 'info',
          [c.value, ...(c.reshape?.before ?? []), ...(c.reshape?.after ?? [])].map(visible),
          visible(c.message),
        ]),
      ),
    })),
  };
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Nothing but the page's own style and script may run or load: no request leaves the page. */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; script-src ${sha256(SEARCH_SCRIPT)}; style-src ${sha256(STYLE)}; base-uri 'none'; form-action 'none'`;

export interface SiteOptions {
  /** When the page was built (shown on it). */
  generatedAt: Date;
}

/** The whole page, for the given timelines (sources with no commit are left out). */
export function renderHistorySite(timelines: readonly SourceTimeline[], options: SiteOptions): string {
  const shown = timelines.filter((t) => t.items.length > 0);
  const commits = shown.reduce((n, t) => n + t.items.length, 0);
  const body = shown.length
    ? shown.map(sourceHtml).join('\n')
    : '<p>No snapshot yet: the first run has not finished.</p>';
  const nav = shown.map((t) => `<a href="#s-${html(t.source)}">${html(t.source)}</a>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>endpoint-watch history</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>endpoint-watch history</h1>
<p class="meta">Built ${html(when(options.generatedAt.toISOString()))} from ${commits} snapshot commit${commits === 1 ? '' : 's'} of ${shown.length} source${shown.length === 1 ? '' : 's'}.</p>
<nav>${nav}</nav>
<form id="search" role="search"><label for="q">Find an IP, CIDR or host</label>
<input id="q" type="search" placeholder="13.95.30.47, 20.71.0.0/16, *.example.net" autocomplete="off" spellcheck="false">
<button type="submit">Search</button></form>
<p id="search-status" aria-live="polite"></p>
<ol id="results"></ol>
</header>
<main>
${body}
</main>
<script type="application/json" id="ew-data">${jsonForScript(searchData(shown))}</script>
<script>${SEARCH_SCRIPT}</script>
</body></html>
`;
}
