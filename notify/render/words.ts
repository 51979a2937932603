/** Small text helpers every renderer uses: clipping, counts of a noun, commits, links, times. Pure. */
import { oneLine } from '../summary.js';

/** Cuts `text` to at most `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  // Never leave half a surrogate pair behind.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function shortCommit(commit: string): string {
  return /^[0-9a-f]{40,64}$/i.test(commit) ? commit.slice(0, 12) : oneLine(commit);
}

export function isWebUrl(text: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(text);
}

/** "2024-05-03 10:00 UTC" for an ISO time. */
export function readableTime(iso: string): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return oneLine(iso);
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
