/**
 * The last step before a message leaves for Slack: document text that slipped past the
 * medium's escaping is neutralised. Every mrkdwn text object is sent `verbatim`, so Slack does
 * not turn a bare URL or a `#channel` written in a heading into a link (our own links are
 * written `<url|label>` and stay links), and terminal escapes and bidi controls become U+FFFD
 * (one character for one: the text stays within the sizes format.ts measured). `<`, `>` and
 * `&` are escaped where the text is rendered (format.ts).
 */
import { mapStrings, replacedControls } from '../app/visible-text.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function verbatim(value: Json): Json {
  if (Array.isArray(value)) return value.map(verbatim);
  if (value && typeof value === 'object') {
    const copy: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) copy[key] = verbatim(item);
    if (copy.type === 'mrkdwn' && typeof copy.text === 'string') copy.verbatim = true;
    return copy;
  }
  return value;
}

/** A Slack message (text and blocks) as it is posted. */
export function safeSlackMessage<T extends { text: string; blocks: unknown[] }>(message: T): T {
  return verbatim(mapStrings(message, replacedControls) as unknown as Json) as unknown as T;
}
