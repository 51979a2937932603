/**
 * Text from third-party documents made safe to show: a heading or a line of a page may hold
 * terminal escapes (ESC [ 31 m, a cursor move, an OSC 8 link) or Unicode bidi controls
 * (U+202E turns the rest of a line around), which must never act on a terminal, a commit log or
 * a mail client. Each such character is written visibly as `\uXXXX` instead; line breaks and
 * tabs stay. Shared by the CLI's output streams, commit messages and the notifiers.
 */

/**
 * C0 controls but tab, newline and the CR of a CRLF (CSV lines end so), DEL, C1 controls, bidi
 * marks, embeddings, overrides and isolates, line and paragraph separators.
 */
const INVISIBLE =
  /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** `text` with every terminal escape and bidi control written as `\uXXXX`. */
export function visibleControls(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/**
 * `text` with each such character replaced by U+FFFD (shown as a replacement mark): for media
 * with size limits (Slack sections, Teams cards), where `\uXXXX` would make a text longer than
 * the renderer measured it.
 */
export function replacedControls(text: string): string {
  return text.replace(INVISIBLE, '\uFFFD');
}

/** Every string in a JSON-like value passed through `clean` (objects and arrays copied, other values kept). */
export function mapStrings<T>(value: T, clean: (text: string) => string): T {
  if (typeof value === 'string') return clean(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, clean)) as T;
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = mapStrings(item, clean);
    return copy as T;
  }
  return value;
}
