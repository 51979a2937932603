/**
 * What every medium says besides the summary lines (notify/summary.ts): the title, counts, the
 * notes before the change list, the withheld, health and baseline wording, where every change
 * is found once an alert is summed up, and the page and document links. The renderers beside
 * this file (text, Slack, email, Teams) only escape and lay these out. Pure.
 */
import type { ChangeSummary } from '../../catalog/changes.js';
import { changeHeadline, kindLabel } from '../../catalog/messages.js';
import { sourceHealthTitle } from '../format-source-health.js';
import { oneLine, summarizeChanges, type LimitedSummary } from '../summary.js';

export { TEXT_LIMITS } from '../summary.js';
import type { Notification, WithheldItem } from '../types.js';
import { isWebUrl, plural, readableTime } from './words.js';

export type ChangesNotification = Extract<Notification, { type: 'changes' }>;

export const ACCEPT_COMMAND = 'endpoint-watch run --accept --source';
export const PREVIEW_COMMAND = 'endpoint-watch run --dry-run --source';
export const HISTORY_COMMAND = 'endpoint-watch history --source';
/** "... and 12 more here" / "... and 40 more changes in 3 more places". */
export function moreHere(omitted: number): string {
  return `... and ${omitted} more here`;
}

export function moreElsewhere(items: number, groups: number, noun: string): string {
  return `... and ${plural(items, noun)} in ${plural(groups, 'more place')}`;
}

/** Whether a line of the summary lists fewer values than it has. */
export function listsCut(limited: LimitedSummary, valuesPerLine: number): boolean {
  return limited.groups.some((group) => group.lines.some((line) => line.items.length > valuesPerLine));
}

/** Where a person finds every change of a summed-up alert: the commit, and `history`. */
export function everyChangeText(notification: ChangesNotification): string[] {
  const lines: string[] = [];
  if (notification.commitUrl && isWebUrl(oneLine(notification.commitUrl)))
    lines.push(`Every change, in the commit: ${oneLine(notification.commitUrl)}`);
  const history = historyUrlOf(notification);
  if (history) lines.push(`Every change, on the history page: ${history}`);
  lines.push(`Every change: ${HISTORY_COMMAND} ${oneLine(notification.source)}`);
  return lines;
}

/** The groups an alert lists: none when the notifier's routing asked for the summary only. */
export function shownGroups(notification: ChangesNotification) {
  return notification.summaryOnly ? [] : summarizeChanges(notification.changeSet.changes);
}

/** For a summary-only alert: "Changes: 3 added, 1 removed (summary only)"; else null. */
export function summaryOnlyLine(notification: ChangesNotification): string | null {
  return notification.summaryOnly ? `Changes: ${countsText(notification.changeSet.summary)} (summary only)` : null;
}
/** "1 added, 2 removed" (non-zero counts only). */
export function countsText(summary: ChangeSummary): string {
  const parts: string[] = [];
  if (summary.added) parts.push(`${summary.added} added`);
  if (summary.removed) parts.push(`${summary.removed} removed`);
  if (summary.modified) parts.push(`${summary.modified} modified`);
  if (summary.moved) parts.push(`${summary.moved} moved`);
  if (summary.reshaped) parts.push(`${summary.reshaped} re-shaped`);
  return parts.join(', ') || 'no changes';
}

/** "+1 -2 ~0": added, removed, and everything else (modified, moved, re-shaped) as changed. */
export function countsShort(summary: ChangeSummary): string {
  return `+${summary.added} -${summary.removed} ~${summary.modified + summary.moved + summary.reshaped}`;
}
/** The one-line title of a notification, used by every medium. */
export function notificationTitle(notification: Notification): string {
  const title = kindTitle(notification);
  return notification.possibleDuplicate ? `${title} (re-sent, may be a duplicate)` : title;
}

function kindTitle(notification: Notification): string {
  const source = oneLine(notification.source);
  switch (notification.type) {
    case 'changes':
      return `${source}: ${oneLine(changeHeadline(notification.changeSet.changes))}`;
    case 'baseline':
      return `${source}: now tracking ${plural(notification.entryCount, 'endpoint')}`;
    case 'withheld':
      return `${source}: ${plural(notification.removals.length, 'removal')} withheld, ${notification.removals.length === 1 ? 'it looks' : 'they look'} like breakage`;
    case 'health':
      return `${source}: parser-health problem, new version held, nothing committed`;
    case 'source-failing':
    case 'source-recovered':
      return sourceHealthTitle(notification);
  }
}
export const WITHHELD_INTRO =
  'These removals look like a broken page or parser rather than a real change, so they are withheld: they stay in the catalog and no cleanup alert was sent for them. Everything else in this version was committed and alerted as usual.';
export const WITHHELD_PREVIEW = 'Preview what would be committed:';
export const WITHHELD_ACCEPT = 'Accept them now:';
/** When withheld removals go through: a date, or only by a person. */
export function withheldOutlook(confirmAt: string | null): string {
  return confirmAt
    ? `If the page stays like this, they are committed as removals and alerted on ${readableTime(confirmAt)}.`
    : 'The page lists no endpoint, or nearly none: they stay withheld until a person accepts them, however long that takes.';
}

/** "IP 13.80.22.71 [2: Portal]": one withheld removal inside its (section, region) group. */
export function withheldLine(item: WithheldItem): string {
  return `${kindLabel(item)} ${oneLine(item.value)}${item.group ? ` [${oneLine(item.group)}]` : ''}`;
}
/** Lines before the change list: layout changes said once, confirmed and still-withheld removals. */
export function changeNotes(notification: ChangesNotification): string[] {
  const notes: string[] = [];
  if (notification.serial)
    notes.push(`Feed serial: ${oneLine(notification.serial.name)} ${oneLine(notification.serial.value)}`);
  for (const line of notification.layout ?? []) notes.push(`Layout changed: ${oneLine(line)}`);
  if (notification.confirmed?.count)
    notes.push(
      `Confirmed: ${plural(notification.confirmed.count, 'removal')} withheld earlier, now committed (${oneLine(notification.confirmed.how)}).`,
    );
  if (notification.withheldCount)
    notes.push(
      `Withheld: ${plural(notification.withheldCount, 'more removal')} of this version, announced in a separate alert.`,
    );
  return notes;
}

export const HEALTH_INTRO =
  'The new version of the document looks broken, so it was held: nothing was committed and no change alerts were sent. The last good snapshot stays in place.';
export const HEALTH_ACCEPT = 'If the document really changed this way, accept the new version with:';
export const BASELINE_NOTE = 'First snapshot of this source. From now on only changes are reported.';
/** The document's own words beside the change, when the pipeline attached them. */
export function documentTextOf(notification: Notification): string | null {
  return (notification.type === 'changes' || notification.type === 'withheld') && notification.documentText
    ? notification.documentText
    : null;
}

export const DOCUMENT_TEXT_HEADING = "The page's text around it:";
/** The page people read, one line, when the source gives one (`pageUrl`). */
export function pageUrlOf(notification: Notification): string | null {
  return 'pageUrl' in notification && notification.pageUrl ? oneLine(notification.pageUrl) : null;
}

/** The source's history page (the config's `historyUrl`), one line, when it is an http(s) URL. */
export function historyUrlOf(notification: Notification): string | null {
  const url = 'historyUrl' in notification && notification.historyUrl ? oneLine(notification.historyUrl) : null;
  return url && isWebUrl(url) ? url : null;
}

/** "Document", or "Document (raw)" beside a page link: the raw file is not what a person reads. */
export function documentLabel(notification: Notification): string {
  return pageUrlOf(notification) ? 'Document (raw)' : 'Document';
}
