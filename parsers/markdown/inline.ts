/**
 * Turning mdast nodes into the lines of text a reader sees, each with its original line number.
 *
 * Every line comes in two forms of equal length: `full` (what a reader sees, link text
 * included) and `masked` (link text blanked out). Endpoints are only ever read from `masked`:
 * the target and the text of `[text](url)` / `<a href>` are references to other pages, not
 * endpoints. A URL or host written bare (GFM turns `https://x` and `www.x` into links by
 * itself) is not a reference and stays in `masked`.
 *
 * Lines break where the reader sees a break: between blocks, at `<br>` (any spelling), at a
 * hard break and at a plain newline inside a paragraph (compact layouts put one host per line
 * with no blank line between, which markdown would join into one paragraph).
 */
import type { Nodes } from 'mdast';
import { decodeEntities } from '../../catalog/normalize.js';

export interface TextLine {
  /** 1-based line in the original document. */
  line: number;
  full: string;
  masked: string;
}

/** HTML tags that end a visual line. */
const BREAKING_TAGS = new Set([
  'br',
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'tbody',
  'thead',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'blockquote',
  'pre',
  'dl',
  'dt',
  'dd',
]);
/** HTML tags that only style text; anything else in angle brackets (`<tenant>`) is literal text. */
const INLINE_TAGS = new Set([
  'a',
  'b',
  'i',
  'u',
  'em',
  'strong',
  'span',
  'code',
  'sup',
  'sub',
  'font',
  'small',
  'big',
  's',
  'strike',
  'del',
  'ins',
  'mark',
  'nobr',
  'wbr',
  'kbd',
  'abbr',
  'img',
  'center',
  'tt',
  'cite',
  'q',
]);
const HTML_PIECE = /<!--[\s\S]*?-->|<\/?([a-zA-Z][\w-]*)(?:\s[^>]*)?\/?>|[^<]+|</g;

interface Builder {
  lines: TextLine[];
  line: number | null;
  full: string;
  masked: string;
  /** Depth of open `<a>` tags in HTML nodes (markdown links are handled by recursion). */
  htmlLinks: number;
}

/** Maps a line of the text remark parsed to the original document line. */
export type LineMap = (parsedLine: number) => number;

function endLine(b: Builder): void {
  if (b.line !== null && b.full.trim()) b.lines.push({ line: b.line, full: b.full, masked: b.masked });
  b.line = null;
  b.full = '';
  b.masked = '';
}

function append(b: Builder, text: string, line: number, inLink: boolean): void {
  if (!text) return;
  if (b.line === null) {
    if (!text.trim()) return;
    b.line = line;
  }
  b.full += text;
  b.masked += inLink ? ' '.repeat(text.length) : text;
}

/** Appends text that may hold newlines, starting on `line`. */
function appendMultiline(b: Builder, text: string, line: number, inLink: boolean): void {
  // Most text is one line: no array for it.
  if (!text.includes('\n')) {
    append(b, text, line, inLink);
    return;
  }
  const parts = text.split('\n');
  parts.forEach((part, i) => {
    if (i > 0) endLine(b);
    append(b, part, line + i, inLink);
  });
}

/** A lone `<br>` tag (any spelling HTML_PIECE reads as one `br` tag): the commonest HTML node in table cells. */
const LONE_BR = /^<br(?:\s[^>]*)?\/?>$/i;

function appendHtml(b: Builder, html: string, line: number, inLink: boolean): void {
  // What the loop below does for it, without a match per piece.
  if (LONE_BR.test(html)) {
    endLine(b);
    return;
  }
  let current = line;
  for (const match of html.matchAll(HTML_PIECE)) {
    const piece = match[0];
    const tag = match[1]?.toLowerCase();
    if (piece.startsWith('<!--')) {
      // comments are not content
    } else if (tag && BREAKING_TAGS.has(tag)) {
      endLine(b);
    } else if (tag === 'a') {
      if (piece.startsWith('</')) b.htmlLinks = Math.max(0, b.htmlLinks - 1);
      else if (!piece.endsWith('/>')) b.htmlLinks += 1;
    } else if (tag && INLINE_TAGS.has(tag)) {
      // styling only
    } else {
      appendMultiline(b, decodeEntities(piece), current, inLink || b.htmlLinks > 0);
    }
    current += (piece.match(/\n/g) ?? []).length;
  }
}

/** The original line of a node; nodes made by tree transforms (GFM autolinks) have no position and take their parent's. */
function startLineOf(node: Nodes, map: LineMap, parentLine: number): number {
  return node.position ? map(node.position.start.line) : parentLine;
}

/**
 * A link the author wrote as a link (`[text](url)`, `[text][ref]`) is a reference; a URL
 * written out (GFM autolink literal, `<https://...>`) is the text itself.
 */
function isReferenceLink(node: Nodes, source: string): boolean {
  if (node.type === 'linkReference') return true;
  const offset = node.position?.start.offset;
  // GFM autolink literals are made by a tree transform and carry no position.
  if (offset === undefined) return false;
  return source[offset] === '[';
}

function visit(b: Builder, node: Nodes, source: string, map: LineMap, inLink: boolean, parentLine: number): void {
  const line = startLineOf(node, map, parentLine);
  switch (node.type) {
    case 'text':
      appendMultiline(b, node.value, line, inLink || b.htmlLinks > 0);
      return;
    case 'inlineCode':
      append(b, node.value, line, inLink || b.htmlLinks > 0);
      return;
    case 'break':
      endLine(b);
      return;
    case 'html':
      appendHtml(b, node.value, line, inLink);
      return;
    case 'link':
    case 'linkReference': {
      const reference = isReferenceLink(node, source);
      for (const child of node.children) visit(b, child, source, map, inLink || reference, line);
      return;
    }
    case 'image':
    case 'imageReference':
    case 'definition':
    case 'footnoteReference':
    case 'footnoteDefinition':
    case 'thematicBreak':
    case 'yaml':
      return;
    case 'code': {
      endLine(b);
      const start = node.position?.start.line ?? 1;
      const offset = node.position?.start.offset ?? 0;
      // A fenced block's content starts on the line after the fence.
      const fenced = /^[ \t]*(?:`{3}|~{3})/.test(source.slice(offset, offset + 16));
      const first = fenced ? start + 1 : start;
      node.value.split('\n').forEach((codeLine, i) => {
        append(b, codeLine, map(first + i), false);
        endLine(b);
      });
      return;
    }
    case 'emphasis':
    case 'strong':
    case 'delete':
      for (const child of node.children) visit(b, child, source, map, inLink, line);
      return;
    default:
      if ('children' in node) {
        endLine(b);
        for (const child of node.children as Nodes[]) visit(b, child, source, map, inLink, line);
        endLine(b);
      } else {
        const value = (node as { value?: unknown }).value;
        if (typeof value === 'string') appendMultiline(b, value, line, inLink);
      }
  }
}

/** The visual lines of `nodes` (blank lines dropped). `source` is the text remark parsed. */
export function textLines(nodes: Nodes | Nodes[], source: string, map: LineMap): TextLine[] {
  const b: Builder = { lines: [], line: null, full: '', masked: '', htmlLinks: 0 };
  for (const node of Array.isArray(nodes) ? nodes : [nodes]) visit(b, node, source, map, false, 1);
  endLine(b);
  return b.lines;
}

/** Collapsed plain text of `nodes` (for headings, header cells, row ids, purposes). */
export function plainText(nodes: Nodes | Nodes[], source: string, map: LineMap, separator = ' '): string {
  return textLines(nodes, source, map)
    .map((l) => l.full.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(separator)
    .trim();
}
