/**
 * The nesting limit: a cheap, linear scan of a document's text before its parser builds a tree.
 * remark, parse5 and our tree walks recurse or rescan per level, so a page nested thousands
 * deep (`> ` 3,000 times, a list 500 levels deep, `<div>` 100k times, JSON arrays 100k deep)
 * overflows the stack or takes minutes. Real documents nest a handful of levels; past
 * `maxNestingDepth` the document is refused with a ParseError naming the line, before any
 * parser sees it.
 *
 * Each scan over-estimates rather than under-estimates (a markdown line's depth counts every
 * two columns of indentation as a level), so what it lets through is truly shallow.
 */
import { ParseError } from '../errors/index.js';

/** Deepest nesting accepted (block containers, elements, JSON arrays and objects). */
export const DEFAULT_MAX_NESTING_DEPTH = 100;

/** What a parser reads, for the nesting scan: `text` has no nesting to speak of. */
export type DocumentSyntax = 'markdown' | 'html' | 'json' | 'text';

export interface NestingFound {
  depth: number;
  line: number;
}

/**
 * Block-container depth of each markdown line: `>` markers, list markers (`-`, `+`, `*`, `1.`,
 * `1)` followed by a space) and indentation (two columns a level, a tab to the next multiple
 * of 4). Returns the first line deeper than `limit`.
 */
export function markdownNesting(text: string, limit: number): NestingFound | null {
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let markers = 0;
    let columns = 0;
    // Walk the line's container prefix.
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20) {
        columns += 1;
        i += 1;
      } else if (c === 0x09) {
        columns += 4 - (columns % 4);
        i += 1;
      } else if (c === 0x3e /* > */) {
        markers += 1;
        i += 1;
        if (text.charCodeAt(i) === 0x20) i += 1;
      } else if ((c === 0x2d || c === 0x2b || c === 0x2a) && isMarkerEnd(text.charCodeAt(i + 1))) {
        markers += 1;
        i += 2;
      } else if (c >= 0x30 && c <= 0x39) {
        let j = i;
        while (j < n && j - i < 9 && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j += 1;
        const d = text.charCodeAt(j);
        if ((d === 0x2e || d === 0x29) && isMarkerEnd(text.charCodeAt(j + 1))) {
          markers += 1;
          i = j + 2;
        } else break;
      } else break;
      if (markers + Math.floor(columns / 2) > limit) return { depth: markers + Math.floor(columns / 2), line };
    }
    const end = text.indexOf('\n', i);
    if (end < 0) break;
    i = end + 1;
    line += 1;
  }
  return null;
}

function isMarkerEnd(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || Number.isNaN(code);
}

/** Array and object depth of a JSON text (brackets inside strings do not count). */
export function jsonNesting(text: string, limit: number): NestingFound | null {
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line += 1;
    else if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return { depth, line };
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return null;
}

/** Elements with no end tag, or whose end tag is implied by the next sibling: they never nest deep. */
const FLAT_ELEMENTS = new Set(
  (
    'area base br col embed hr img input link meta source track wbr param keygen basefont bgsound frame ' +
    'p li dt dd rt rp optgroup option tr td th thead tbody tfoot colgroup caption html head body'
  ).split(' '),
);
/** Elements whose content is text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);

const TAG = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(\/?)>|<[!?][^>]*>/g;

/**
 * Open-element depth of an HTML text: an end tag closes up to its open element (misnested
 * ones included), elements in FLAT_ELEMENTS are not counted, `/>` closes only inside SVG or
 * MathML (as HTML parsers treat it).
 */
export function htmlNesting(text: string, limit: number): NestingFound | null {
  const open: string[] = [];
  let foreign = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(text); match; match = TAG.exec(text)) {
    const name = match[2]?.toLowerCase();
    if (!name) continue;
    if (match[1]) {
      const at = open.lastIndexOf(name);
      if (at < 0) continue;
      for (let k = open.length - 1; k >= at; k -= 1) if (open[k] === 'svg' || open[k] === 'math') foreign -= 1;
      open.length = at;
      continue;
    }
    if (FLAT_ELEMENTS.has(name) || (match[3] && foreign > 0)) continue;
    if (RAW_TEXT.has(name)) {
      const end = new RegExp(`</${name}`, 'ig');
      end.lastIndex = TAG.lastIndex;
      TAG.lastIndex = end.exec(text)?.index ?? text.length;
      continue;
    }
    open.push(name);
    if (name === 'svg' || name === 'math') foreign += 1;
    if (open.length > limit) return { depth: open.length, line: lineAt(text, match.index) };
  }
  return null;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < index; at = text.indexOf('\n', at + 1)) line += 1;
  return line;
}

const SCANS: Record<DocumentSyntax, ((text: string, limit: number) => NestingFound | null) | null> = {
  markdown: markdownNesting,
  html: htmlNesting,
  json: jsonNesting,
  text: null,
};

/** Throws a ParseError when `text`, read as `syntax`, nests deeper than `limit`. */
/**
 * Longest markdown line parsed, in characters. micromark pairs emphasis delimiters within a
 * line in time that grows with the square of their count: a fuzzed page with one 108 KB line of
 * `*a` took over 10 s. The longest line of any real version of the documents we follow is under
 * 4 KB; a page past this is refused at once instead of failing at the parse deadline. The same
 * text split into shorter lines of one paragraph is as slow: that is left to the deadline.
 */
export const MAX_MARKDOWN_LINE = 32 * 1024;

/** The first line longer than `limit` characters, with its length; null when there is none. */
export function longestLineOver(text: string, limit: number): { line: number; length: number } | null {
  let line = 1;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const length = (end < 0 ? text.length : end) - start;
    if (length > limit) return { line, length };
    if (end < 0) return null;
    start = end + 1;
    line += 1;
  }
}

export function assertNestingWithin(location: string, text: string, syntax: DocumentSyntax, limit: number): void {
  const long = syntax === 'markdown' ? longestLineOver(text, MAX_MARKDOWN_LINE) : null;
  if (long)
    throw new ParseError(
      `${location}: line ${long.line} is ${long.length} characters long; markdown lines over ${MAX_MARKDOWN_LINE} are not parsed (real pages stay under 4,000); a broken or hostile page? The snapshot was left unchanged`,
    );
  const found = SCANS[syntax]?.(text, limit);
  if (!found) return;
  throw new ParseError(
    `${location}: nesting deeper than ${limit} at line ${found.line} (maxNestingDepth); a broken or hostile page? The snapshot was left unchanged`,
  );
}
