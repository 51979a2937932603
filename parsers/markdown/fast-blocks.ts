/**
 * Top-level blocks built without micromark and taken out of what it reads: `#` headings,
 * paragraphs, fenced code and pipe tables (fast-tables.ts) that are certainly blocks of the
 * document's top level, where taking them out cannot change how micromark reads the rest.
 *
 * micromark costs about the same for every block, however small (a heading line costs as much
 * as a dozen lines of a paragraph), so what it is not given at all is what saves time.
 *
 * A block is certainly at the top level when it starts at the first column, outside fenced
 * code and HTML blocks (fast-tables.ts scanContext), right after a blank line, a `#` heading
 * or the start of the text (a heading or a fence may follow any line): such a line closes
 * every list item and blockquote before it. Its lines become blank lines, and that changes
 * nothing else when the next line that is not blank also starts at the first column and is
 * no list item: then every container before the block is closed by that line as it was by the
 * block, and nothing after it could have continued anything before it.
 *
 * What is built here: a heading whose text is one line of inline content; a paragraph of
 * lines of plain text, or of one line with inline markup (that line is parsed by remark with
 * the table cells, see tree.ts: a table cell's content is read exactly as a paragraph line's);
 * a fenced code block closed by a fence at the first column; a table that fast-tables.ts built
 * at the top level. tree.test.ts compares the trees.
 */
import type { Code, Heading, Paragraph, PhrasingContent, RootContent, Text } from 'mdast';
import { inlineChildren, markupChildren, plainChildren, type FastTable, type LineContext, type PendingInline, type Point } from './fast-tables.js';

export interface FastBlocks {
  /** The blocks, in document order. */
  nodes: RootContent[];
  /** 0-based lines micromark is not to read. */
  removed: Set<number>;
  /** Tables among `nodes` (not to be put in place of a stand-in). */
  tables: Set<FastTable>;
  pending: PendingInline[];
}

const BLANK = /^[ \t]*$/;
const ATX = /^(#{1,6})(?: +|$)/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)/;
const THEMATIC = /^(?:[*_-][ \t]*){3,}$/;
const DEFINITION = /^\[[^\]]*\]:/;
/** A line of plain paragraph text: nothing markdown reads inline, no tab. */
const PLAIN_TEXT = /^[^\\`*_[\]<>&|~\t\0]*$/;
/** A line that can only start a paragraph when it comes first (letters, or inline markup). */
const PARAGRAPH_START = /^[A-Za-z*_`![("']/;

export function findBlocks(lines: string[], starts: number[], context: LineContext, tables: FastTable[]): FastBlocks {
  const blocks: FastBlocks = { nodes: [], removed: new Set(), tables: new Set(), pending: [] };
  const tableAt = new Map(tables.map((t) => [t.first, t]));
  const point = (line: number, column: number): Point => ({ line: line + 1, column: column + 1, offset: starts[line]! + column });
  /** Whether the next line that is not blank (from `from` on) starts at the first column and is no list item. */
  const closesBefore = (from: number): boolean => {
    let k = from;
    while (k < lines.length && BLANK.test(lines[k]!)) k += 1;
    if (k >= lines.length) return true;
    const line = lines[k]!;
    return line[0] !== ' ' && line[0] !== '\t' && !LIST_ITEM.test(line);
  };
  const take = (node: RootContent, first: number, last: number) => {
    blocks.nodes.push(node);
    for (let i = first; i <= last; i += 1) blocks.removed.add(i);
  };

  let afterBreak = true; // after a blank line, a heading or the start
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const blank = BLANK.test(line);
    const startsBlock = afterBreak;
    afterBreak = blank;
    if (blank) continue;
    const table = tableAt.get(i);
    if (table) {
      if (table.depth === 0 && line[0] === '|' && closesBefore(table.last + 1)) {
        take(table.node, table.first, table.last);
        blocks.tables.add(table);
      }
      i = table.last;
      continue;
    }
    const fence = context.fences.get(i);
    if (fence !== undefined) {
      if (fence > i && line[0] !== ' ' && lines[fence]![0] !== ' ' && closesBefore(fence + 1)) {
        const code = codeBlock(lines, i, fence, point);
        if (code) take(code, i, fence);
      }
      i = Math.max(i, fence);
      continue;
    }
    if (context.inside[i]) continue;
    const atx = ATX.exec(line);
    if (atx) {
      afterBreak = true;
      if (closesBefore(i + 1)) {
        const heading = headingBlock(line, i, atx[1]!.length, atx[0].length, point, blocks.pending);
        if (heading) take(heading, i, i);
      }
      continue;
    }
    if (!startsBlock || !PARAGRAPH_START.test(line) || LIST_ITEM.test(line) || THEMATIC.test(line) || DEFINITION.test(line)) continue;
    let last = i;
    while (last + 1 < lines.length && !BLANK.test(lines[last + 1]!)) last += 1;
    if (closesBefore(last + 1)) {
      const paragraph = paragraphBlock(lines, i, last, point, blocks.pending);
      if (paragraph) take(paragraph, i, last);
    }
    i = last;
  }
  return blocks;
}

/** Inline content of one line: built here, or left pending for remark; null when it cannot be. */
function inline(content: string, at: (index: number) => Point, target: Paragraph | Heading, pending: PendingInline[]): boolean {
  if (/[|\t\0]/.test(content)) return false;
  const children = PLAIN_TEXT.test(content) ? plainChildren(content, at) : (markupChildren(content, at) ?? inlineChildren(content, at));
  if (children) {
    target.children = children;
  } else {
    const start = at(0);
    pending.push({ target, content, line: start.line, column: start.column, offset: start.offset });
  }
  return true;
}

function headingBlock(line: string, index: number, depth: number, contentStart: number, point: (line: number, column: number) => Point, pending: PendingInline[]): Heading | null {
  if (line.includes('\t')) return null;
  let end = line.length;
  while (end > contentStart && line[end - 1] === ' ') end -= 1;
  // A closing sequence of `#` goes when a space (or nothing) comes before it.
  let hashes = end;
  while (hashes > contentStart && line[hashes - 1] === '#') hashes -= 1;
  if (hashes < end && (hashes === contentStart || line[hashes - 1] === ' ')) {
    end = hashes;
    while (end > contentStart && line[end - 1] === ' ') end -= 1;
  }
  const heading: Heading = { type: 'heading', depth: depth as Heading['depth'], children: [], position: { start: point(index, 0), end: point(index, line.length) } };
  if (end <= contentStart) return heading;
  const content = line.slice(contentStart, end);
  if (content.includes('\\')) return null;
  return inline(content, (i) => point(index, contentStart + i), heading, pending) ? heading : null;
}

function paragraphBlock(lines: string[], first: number, last: number, point: (line: number, column: number) => Point, pending: PendingInline[]): Paragraph | null {
  const lastLine = lines[last]!;
  const position = { start: point(first, 0), end: point(last, lastLine.length) };
  const paragraph: Paragraph = { type: 'paragraph', children: [], position };
  if (first === last) {
    const content = lastLine.trimEnd();
    return inline(content, (i) => point(first, i), paragraph, pending) ? paragraph : null;
  }
  // Several lines: plain text only, each line starting with a letter (no block can start
  // there), no line but the last ending in a space (a hard break, or a space dropped).
  for (let i = first; i <= last; i += 1) {
    const line = lines[i]!;
    if (!/^[A-Za-z]/.test(line) || !PLAIN_TEXT.test(line) || (i < last && / $/.test(line))) return null;
  }
  const value = lines.slice(first, last + 1).join('\n').trimEnd();
  const text: Text = { type: 'text', value, position: { start: point(first, 0), end: point(last, lastLine.trimEnd().length) } };
  paragraph.children = [text as PhrasingContent];
  return paragraph;
}

function codeBlock(lines: string[], open: number, close: number, point: (line: number, column: number) => Point): Code | null {
  const fence = FENCE.exec(lines[open]!);
  if (!fence) return null;
  const info = fence[2]!.trim();
  if (/[\\&`\t]/.test(info)) return null;
  const closing = lines[close]!;
  // The value keeps its lines as written (the opening fence is not indented).
  const body = lines.slice(open + 1, close);
  if (body.some((l) => l.includes('\t'))) return null;
  const space = info.search(/ /);
  return {
    type: 'code',
    lang: info ? (space < 0 ? info : info.slice(0, space)) : null,
    meta: info && space >= 0 ? info.slice(space).trim() : null,
    value: body.join('\n'),
    position: { start: point(open, 0), end: point(close, closing.length) },
  };
}
