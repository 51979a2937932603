/**
 * The words of the source-health notifications (`source-failing`, `source-recovered`): title,
 * email subject and body lines, plain text. notify/format.ts renders them in each medium
 * (escaping them for Slack mrkdwn and HTML), as it does every other kind. Kept apart from the
 * change summaries so the two evolve without touching each other. Pure, no I/O.
 */
import { oneLine } from './summary.js';
import { clip, readableTime } from './render/words.js';
import type { SourceFailingNotification, SourceRecoveredNotification } from './types.js';

export type SourceHealthNotification = SourceFailingNotification | SourceRecoveredNotification;

/** Longest error text shown: an HTML error page quoted whole would drown the alert. */
const ERROR_MAX = 600;

/** "3 days", "5 hours", "40 minutes": how long a failure has lasted, rounded down. */
export function durationText(fromIso: string, toIso: string): string {
  const ms = Math.max(0, Date.parse(toIso) - Date.parse(fromIso));
  if (!Number.isFinite(ms)) return 'an unknown time';
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    const count = Math.floor(ms / size);
    if (count >= 1) return `${count} ${name}${count === 1 ? '' : 's'}`;
  }
  return 'less than a minute';
}

function runs(count: number): string {
  return `${count} run${count === 1 ? '' : 's'}`;
}

export function sourceHealthTitle(notification: SourceHealthNotification): string {
  const source = oneLine(notification.source);
  if (notification.type === 'source-recovered') return `${source}: works again after ${runs(notification.failures)}`;
  return notification.reminder
    ? `${source}: still failing for ${durationText(notification.since, notification.at)} (${runs(notification.failures)})`
    : `${source}: failing since ${readableTime(notification.since)} (${runs(notification.failures)})`;
}

export function sourceHealthSubject(notification: SourceHealthNotification): string {
  const source = oneLine(notification.source);
  if (notification.type === 'source-recovered') return `${source}: source works again`;
  return `${source}: source ${notification.reminder ? 'still failing' : 'failing'} since ${readableTime(notification.since)}`;
}

/** The body, one paragraph per entry (plain text, not yet escaped). */
export function sourceHealthParagraphs(notification: SourceHealthNotification): string[] {
  const source = oneLine(notification.source);
  if (notification.type === 'source-recovered') {
    return [
      `The source was read and checked again at ${readableTime(notification.recoveredAt)}, after failing ${runs(notification.failures)} since ${readableTime(notification.since)} (${durationText(notification.since, notification.recoveredAt)}).`,
      `Last error: ${clip(oneLine(notification.lastError), ERROR_MAX)}`,
      'Any change the document made meanwhile was compared with the last snapshot and alerted as usual.',
    ];
  }
  return [
    `Every run since ${readableTime(notification.since)} failed (${runs(notification.failures)}): changes to this document are not seen until it works again. The last snapshot is left as it was and nothing is alerted as removed.`,
    `Last error (${oneLine(notification.error.code)}): ${clip(oneLine(notification.error.message), ERROR_MAX)}`,
    `Try it by hand: endpoint-watch run --source ${source}`,
    notification.reminder
      ? 'This reminder is repeated while the source keeps failing; a notice follows when it works again.'
      : 'A reminder follows while it keeps failing, and a notice when it works again.',
  ];
}
