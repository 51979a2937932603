/**
 * Splitting visible text into endpoint tokens. Values in cells and column blocks are separated
 * by commas, semicolons or whitespace (`<br>` and newlines are already line breaks, see
 * inline.ts); parentheses around a value ("198.2.134.139 (mail1.example.com)") are dropped by
 * classifyToken.
 */
import { classifyToken, type ClassifiedToken } from '../../catalog/normalize.js';
import { warning, type ParseWarning } from '../warnings.js';
import type { TextLine } from './inline.js';

export interface FoundToken extends ClassifiedToken {
  raw: string;
}

/** What separates raw pieces: whitespace, commas, semicolons. */
const SEPARATORS = /[\s,;]+/;
/** One raw piece (what SEPARATORS split apart); global, used by endpointsOnly only. */
const PIECE = /[^\s,;]+/g;

/**
 * Raw pieces of a text, as written: the maximal runs of anything but a separator. Splitting
 * gives the same pieces as matching `[^\s,;]+` (and an empty string at an end that starts or
 * ends with a separator, dropped here) without a match object per piece.
 */
export function rawTokens(text: string): string[] {
  return text.split(SEPARATORS).filter(Boolean);
}

/** A found token: spelled out rather than spread, which V8 makes far slower in this hot path. */
function found(token: ClassifiedToken, raw: string): FoundToken {
  return { kind: token.kind, value: token.value, raw };
}

/**
 * classifyToken, after dropping a stray `<` / `>` that is not part of a `<placeholder>` (one
 * real table cell ends in `cloudappsecurity.com<`).
 */
export function classifyRaw(raw: string): ClassifiedToken | null {
  const cached = classified.get(raw);
  if (cached !== undefined) return cached;
  let token = classifyToken(raw);
  if (!token) {
    const stripped = raw.replace(/^>+/, '').replace(/<+$/, '');
    if (stripped !== raw) token = classifyToken(stripped);
  }
  // The same addresses repeat across tables and versions; classifying is the costly part.
  if (classified.size >= CACHE_LIMIT) classified.clear();
  classified.set(raw, token);
  return token;
}

const CACHE_LIMIT = 50_000;
const classified = new Map<string, ClassifiedToken | null>();

/** File names that are no host: also the last label of a host-like piece that is not reported. */
const FILE_NAME =
  /\.(?:md|png|jpe?g|gif|svg|ps1|psm1|exe|msi|zip|json|ya?ml|xml|html?|aspx|txt|csv|pdf|js|css|cmd|bat|dll|cab)$/i;

/**
 * Something a person would take for an address or host name: four dotted numbers (even out of
 * range: "13.64.196.2777"), an IPv6-like group with `::`, or dotted labels ending in a label of
 * two or more letters (markup or a stray `/` inside included: "portal</>.example</>.com").
 * Not abbreviations ("e.g.", "i.e."), and not file names ("network-requirements.md").
 */
export function looksLikeEndpoint(raw: string): boolean {
  const t = raw.replace(/^[`'"([<]+|[`'")\],;:.>]+$/g, '');
  if (/^\d{1,3}(?:\.\d{1,4}){2,}(?:\/\d+)?$/.test(t)) return true;
  if (/^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d+)?$/i.test(t) && t.includes('::')) return true;
  if (FILE_NAME.test(t) || /^(?:e\.g|i\.e|etc)$/i.test(t)) return false;
  // host-like: dotted labels ending in a label of two or more letters
  return /^[\w*#\\<>{}&;/-]+(?:\.[\w*#\\<>{}&;/-]+)*\.[a-z][\w-]+$/i.test(t);
}

/**
 * A host written right against its range, "feedback.push.apple.com(17.0.0.0/8)": both are
 * endpoints. null when `raw` is not such a pair.
 */
function attachedPair(raw: string): [ClassifiedToken, ClassifiedToken] | null {
  const match = /^([^()\s]+)\(([^()\s]+)\)[.,;:]?$/.exec(raw);
  if (!match) return null;
  const first = classifyRaw(match[1]!);
  const second = first && classifyRaw(match[2]!);
  return first && second ? [first, second] : null;
}

export interface LineTokens {
  tokens: FoundToken[];
  /** Pieces that look like endpoints but are none (for warnings). */
  unreadable: string[];
  /**
   * Pieces that are no endpoint as written but hold an IPv4 address between stray characters
   * (real cells have "13.64.16.132m" and "52.149.59.151br />"): the address is kept, in
   * `tokens` too, and the piece is reported so a person can check it.
   */
  recovered: string[];
  /** Pieces that are not endpoints at all (prose words, "N/A"). */
  other: string[];
}

const EMBEDDED_IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\d.]*\d)/g;

export function tokensOf(text: string): LineTokens {
  const result: LineTokens = { tokens: [], unreadable: [], recovered: [], other: [] };
  for (const raw of text.split(SEPARATORS)) {
    if (!raw) continue;
    const token = classifyRaw(raw);
    if (token) {
      result.tokens.push(found(token, raw));
      continue;
    }
    const pair = attachedPair(raw);
    if (pair) {
      for (const t of pair) result.tokens.push(found(t, raw));
      continue;
    }
    const embedded = [...raw.matchAll(EMBEDDED_IPV4)]
      .map((m) => classifyToken(m[0]))
      .filter((t): t is ClassifiedToken => t !== null);
    if (embedded.length) {
      for (const t of embedded) result.tokens.push(found(t, raw));
      result.recovered.push(raw);
    } else if (looksLikeEndpoint(raw)) {
      result.unreadable.push(raw);
    } else {
      result.other.push(raw);
    }
  }
  return result;
}

/**
 * The tokens of `text` when every piece of it is an endpoint as written (what `tokensOf` gives
 * with no unreadable, recovered or other piece), else null; null too when there is none. Stops
 * at the first piece that is no endpoint, so prose is turned down at its first word.
 */
export function endpointsOnly(text: string): FoundToken[] | null {
  const tokens: FoundToken[] = [];
  // Piece by piece rather than split: most text given here is prose, turned down at its first
  // word, and splitting would cut all of it first.
  PIECE.lastIndex = 0;
  for (let match = PIECE.exec(text); match; match = PIECE.exec(text)) {
    const token = classifyRaw(match[0]);
    if (token) {
      tokens.push(found(token, match[0]));
      continue;
    }
    const pair = attachedPair(match[0]);
    if (!pair) return null;
    for (const t of pair) tokens.push(found(t, match[0]));
  }
  return tokens.length ? tokens : null;
}

/** Warnings for one line's odd pieces. */
export function tokenWarnings(found: LineTokens, line: number, column: string | null): ParseWarning[] {
  if (found.unreadable.length === 0 && found.recovered.length === 0) return [];
  const where = column ? ` in column "${column}"` : '';
  return [
    ...found.unreadable.map((raw) =>
      warning('uncatalogued', `line ${line}: "${raw}"${where} looks like an endpoint but is not one`),
    ),
    ...found.recovered.map((raw) =>
      warning(
        'recovered',
        `line ${line}: "${raw}"${where} has stray characters around an address; read as ${found.tokens
          .filter((t) => t.raw === raw)
          .map((t) => t.value)
          .join(', ')}`,
      ),
    ),
  ];
}

/**
 * Warnings for endpoints and endpoint-like pieces in text that is read for no endpoint (a
 * Notes column, the purpose of a row, a code block that is not a list of endpoints only):
 * `where` says which ("in column \"Notes\"").
 */
export function unreadWarnings(lines: readonly TextLine[], where: string): ParseWarning[] {
  const warnings: ParseWarning[] = [];
  for (const line of lines) {
    const found = tokensOf(line.masked);
    const pieces = [...new Set([...found.tokens.map((t) => t.raw), ...found.unreadable, ...found.recovered])];
    for (const raw of pieces)
      warnings.push(
        warning('uncatalogued', `line ${line.line}: "${raw}" ${where} is not read as an endpoint; not catalogued`),
      );
  }
  return warnings;
}

/**
 * A label in front of values inside a cell: "Australia Southeast: 40.81.58.184, ...".
 * Returns the label and where the values start, or null when the line has none.
 */
export function leadingLabel(text: string): { label: string; rest: number } | null {
  const match = /^\s*([A-Za-z][A-Za-z0-9 ()._/&'-]{0,60}?)\s*:(?=\s|$)/.exec(text);
  if (!match) return null;
  const label = match[1]!.trim();
  if (/^(?:https?|wss?|ftp)$/i.test(label) || classifyRaw(label)) return null;
  return { label, rest: match[0].length };
}
