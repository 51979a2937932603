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
 * every list item and blockquote before it, unless it is a list item itself, which continues a
 * list before it (so a list is only taken where no list may be open: mayBeContinued). Its lines
 * become blank lines, and that changes nothing else when the next line that is not blank also
 * starts at the first column and is no list item (or is indented or a list item, and no list
 * or indented code may be open before the block nor in it): then every container before the
 * block is closed by that line as it was by the block, and nothing after it could have
 * continued anything before it.
 *
 * What is built here: a heading whose text is one line of inline content; a paragraph of
 * lines of plain text, or of one line with inline markup (that line is parsed by remark with
 * the table cells, see tree.ts: a table cell's content is read exactly as a paragraph line's);
 * a fenced code block closed by a fence at the first column; a table that fast-tables.ts built
 * at the top level. tree.test.ts compares the trees.
 */
import type { Blockquote, Code, Heading, List, ListItem, Paragraph, PhrasingContent, RootContent } from 'mdast';
import {
  inlineChildren,
  markupChildren,
  plainChildren,
  type FastTable,
  type LineContext,
  type PendingInline,
  type Point,
} from './fast-tables.js';

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
/**
 * Whether a line, after a blank line or at the top level, may leave a list item or an indented
 * code block open: it is indented or a list item. A line that starts with `>` is in a top-level
 * blockquote, which the next blank line closes with all it holds.
 */
function mayLeaveOpen(line: string): boolean {
  return line[0] !== '>' && (line[0] === ' ' || line[0] === '\t' || LIST_ITEM.test(line));
}
const THEMATIC = /^(?:[*_-][ \t]*){3,}$/;
const DEFINITION = /^\[[^\]]*\]:/;
/** A line of plain paragraph text: nothing markdown reads inline, no tab. */
const PLAIN_TEXT = /^[^\\`*_[\]<>&|~\t\0]*$/;
/** A line plainChildren reads: text, backslash escapes and `<br>` tags. */
const PLAIN_LINE = /^(?:[^\\`*_[\]!<&~|\t\0]|\\[^\t\0]|<br *\/?>|<\/br *>)*$/i;
/** A line that can only start a paragraph when it comes first (letters, or inline markup). */
const PARAGRAPH_START = /^[A-Za-z*_`![("']/;

export function findBlocks(lines: string[], starts: number[], context: LineContext, tables: FastTable[]): FastBlocks {
  const blocks: FastBlocks = { nodes: [], removed: new Set(), tables: new Set(), pending: [] };
  const tableAt = new Map(tables.map((t) => [t.first, t]));
  const point = (line: number, column: number): Point => ({
    line: line + 1,
    column: column + 1,
    offset: starts[line]! + column,
  });
  const blankOrTaken = (k: number) => blocks.removed.has(k) || BLANK.test(lines[k]!);
  /**
   * Whether a list item or an indented code block may be open before line `first` once the
   * blocks taken so far read as blank lines: the lines before it that are neither (up to the
   * blank line or block before them) are not all outside fenced code and HTML, or hold a line
   * that may leave one open (mayLeaveOpen). Otherwise their first line, at the first column
   * after a blank line, closed every list before it, and no line after it opened a list or a
   * code block that a blank line does not close.
   */
  const mayBeContinued = (first: number): boolean => {
    let last = first - 1;
    while (last >= 0 && blankOrTaken(last)) last -= 1;
    if (last < 0) return false;
    let start = last;
    while (start > 0 && !blankOrTaken(start - 1)) start -= 1;
    for (let k = start; k <= last; k += 1) {
      const line = lines[k]!;
      if (context.inside[k] || mayLeaveOpen(line)) return true;
    }
    return false;
  };
  /**
   * Whether the next line that is not blank (from `from` on) starts at the first column and is
   * no list item; or is indented or a list item, and neither the block (`first` to `from`,
   * excluded) nor what is before it may hold a list or code block that it would continue.
   */
  const closesBefore = (first: number, from: number): boolean => {
    let k = from;
    while (k < lines.length && BLANK.test(lines[k]!)) k += 1;
    if (k >= lines.length) return true;
    const line = lines[k]!;
    if (line[0] !== ' ' && line[0] !== '\t' && !LIST_ITEM.test(line)) return true;
    for (let b = first; b < from; b += 1) if (mayLeaveOpen(lines[b]!)) return false;
    return !mayBeContinued(first);
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
      if (table.depth === 0 && line[0] === '|' && closesBefore(i, table.last + 1)) {
        take(table.node, table.first, table.last);
        blocks.tables.add(table);
      }
      i = table.last;
      continue;
    }
    const fence = context.fences.get(i);
    if (fence !== undefined) {
      if (fence > i && line[0] !== ' ' && lines[fence]![0] !== ' ' && closesBefore(i, fence + 1)) {
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
      if (closesBefore(i, i + 1)) {
        const heading = headingBlock(line, i, atx[1]!.length, atx[0].length, point, blocks.pending);
        if (heading) take(heading, i, i);
      }
      continue;
    }
    if (!startsBlock) continue;
    let last = i;
    while (last + 1 < lines.length && !BLANK.test(lines[last + 1]!)) last += 1;
    if (closesBefore(i, last + 1)) {
      const node =
        line[0] === '>'
          ? quoteBlock(lines, i, last, point)
          : LIST_ITEM.test(line)
            ? mayBeContinued(i)
              ? null // a list item after a blank line continues a list before it
              : listBlock(lines, i, last, point)
            : PARAGRAPH_START.test(line) && !THEMATIC.test(line) && !DEFINITION.test(line)
              ? paragraphBlock(lines, i, last, 0, point, blocks.pending)
              : null;
      if (node) take(node, i, last);
    }
    i = last;
  }
  return blocks;
}

/** Inline content of one line: built here, or left pending for remark; null when it cannot be. */
function inline(
  content: string,
  at: (index: number) => Point,
  target: Paragraph | Heading,
  pending: PendingInline[],
): boolean {
  if (/[|\t\0]/.test(content)) return false;
  const children = PLAIN_TEXT.test(content)
    ? plainChildren(content, at)
    : (markupChildren(content, at) ?? inlineChildren(content, at));
  if (children) {
    target.children = children;
  } else {
    const start = at(0);
    pending.push({ target, content, line: start.line, column: start.column, offset: start.offset });
  }
  return true;
}

function headingBlock(
  line: string,
  index: number,
  depth: number,
  contentStart: number,
  point: (line: number, column: number) => Point,
  pending: PendingInline[],
): Heading | null {
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
  const heading: Heading = {
    type: 'heading',
    depth: depth as Heading['depth'],
    children: [],
    position: { start: point(index, 0), end: point(index, line.length) },
  };
  if (end <= contentStart) return heading;
  const content = line.slice(contentStart, end);
  if (content.includes('\\')) return null;
  return inline(content, (i) => point(index, contentStart + i), heading, pending) ? heading : null;
}

/** A line of content: where it starts (after a quote marker and indentation) and ends. */
interface ContentLine {
  index: number;
  from: number;
  to: number;
}

/**
 * The inline nodes of a paragraph's lines, each line read on its own (see inlineChildren) and
 * the line ends put in as micromark does (a soft break is text: `a\nb`, or a text of its own
 * between two constructs). Null when a line cannot be read here, or ends in a space or a
 * backslash (a hard break).
 */
function paragraphChildren(
  lines: string[],
  parts: ContentLine[],
  point: (line: number, column: number) => Point,
): PhrasingContent[] | null {
  const children: PhrasingContent[] = [];
  for (let k = 0; k < parts.length; k += 1) {
    const { index, from, to } = parts[k]!;
    const line = lines[index]!;
    if (k < parts.length - 1 && (line.endsWith(' ') || line.endsWith('\\'))) return null;
    const content = line.slice(from, to);
    if (/[|\t\0]/.test(content)) return null;
    const at = (i: number) => point(index, from + i);
    const own =
      PLAIN_LINE.test(content) && !content.endsWith('\\') && !content.includes('\\<')
        ? plainChildren(content, at)
        : (markupChildren(content, at) ?? inlineChildren(content, at));
    if (!own) return null;
    if (k > 0) {
      // The line end between the previous line and this one.
      const previous = children[children.length - 1];
      const first = own[0];
      const lineEnd = point(parts[k - 1]!.index, parts[k - 1]!.to);
      const lineStart = point(index, 0);
      if (previous?.type === 'text' && first?.type === 'text') {
        previous.value += `\n${first.value}`;
        previous.position = { start: previous.position!.start, end: first.position!.end };
        own.shift();
      } else if (previous?.type === 'text') {
        previous.value += '\n';
        previous.position = { start: previous.position!.start, end: lineStart };
      } else if (first?.type === 'text') {
        first.value = `\n${first.value}`;
        first.position = { start: lineEnd, end: first.position!.end };
      } else {
        children.push({ type: 'text', value: '\n', position: { start: lineEnd, end: lineStart } });
      }
    }
    children.push(...own);
  }
  return children;
}

/** Where the content of a paragraph line ends: before trailing spaces. */
function contentEnd(line: string): number {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ') end -= 1;
  return end;
}

/**
 * A paragraph of lines `first` to `last` whose content starts at column `from` of each (after a
 * quote marker): every line at that column, no line that could start another block.
 */
function paragraphBlock(
  lines: string[],
  first: number,
  last: number,
  from: number,
  point: (line: number, column: number) => Point,
  pending: PendingInline[],
): Paragraph | null {
  const position = { start: point(first, from), end: point(last, lines[last]!.length) };
  const paragraph: Paragraph = { type: 'paragraph', children: [], position };
  const parts: ContentLine[] = [];
  for (let i = first; i <= last; i += 1) {
    const content = lines[i]!.slice(from);
    // The first line: what can only start a paragraph; the others: a letter, which no block
    // can start with (and no setext underline, table row or list item is).
    if (
      i === first
        ? !PARAGRAPH_START.test(content) ||
          THEMATIC.test(content) ||
          DEFINITION.test(content) ||
          LIST_ITEM.test(content)
        : !/^[A-Za-z]/.test(content)
    )
      return null;
    parts.push({ index: i, from, to: contentEnd(lines[i]!) });
  }
  const children = paragraphChildren(lines, parts, point);
  if (children) {
    paragraph.children = children;
    return paragraph;
  }
  // One line of markup that is not read here: remark reads it with the table cells.
  if (first !== last) return null;
  const content = lines[first]!.slice(from, contentEnd(lines[first]!));
  if (/[|\t\0]/.test(content)) return null;
  pending.push({ target: paragraph, content, line: first + 1, column: from + 1, offset: point(first, from).offset });
  return paragraph;
}

const BULLET = /^([*+-]) (?=\S)/;
const ORDERED = /^(\d{1,9})([.)]) (?=\S)/;

/** A tight list, one item per line, each item one line of paragraph content. */
function listBlock(
  lines: string[],
  first: number,
  last: number,
  point: (line: number, column: number) => Point,
): List | null {
  const head = lines[first]!;
  const ordered = ORDERED.exec(head);
  const bullet = ordered ? null : BULLET.exec(head);
  if (!ordered && !bullet) return null;
  const items: ListItem[] = [];
  for (let i = first; i <= last; i += 1) {
    const line = lines[i]!;
    const marker = ordered ? ORDERED.exec(line) : BULLET.exec(line);
    if (!marker || (ordered ? marker[2] !== ordered[2] : marker[1] !== bullet![1])) return null;
    const from = marker[0].length;
    const content = line.slice(from);
    // The item's content is a paragraph line: nothing that starts a block, no setext underline.
    if (
      LIST_ITEM.test(content) ||
      THEMATIC.test(content) ||
      DEFINITION.test(content) ||
      /^(?:[#>|<=]|`{3}|~{3})/.test(content)
    )
      return null;
    if (/^\d{1,9}[.)](?: |$)/.test(content) || THEMATIC.test(line)) return null;
    const to = contentEnd(line);
    const children = paragraphChildren(lines, [{ index: i, from, to }], point);
    if (!children) return null;
    const paragraph: Paragraph = {
      type: 'paragraph',
      children,
      position: { start: point(i, from), end: point(i, line.length) },
    };
    items.push({
      type: 'listItem',
      spread: false,
      checked: null,
      children: [paragraph],
      position: { start: point(i, 0), end: point(i, line.length) },
    });
  }
  return {
    type: 'list',
    ordered: ordered !== null,
    start: ordered ? parseInt(ordered[1]!, 10) : null,
    spread: false,
    children: items,
    position: { start: point(first, 0), end: point(last, lines[last]!.length) },
  };
}

/** A blockquote whose lines all start with `>`, holding paragraphs (blank quote lines between). */
function quoteBlock(
  lines: string[],
  first: number,
  last: number,
  point: (line: number, column: number) => Point,
): Blockquote | null {
  if (/^>[ \t]*$/.test(lines[last]!)) return null;
  const children: Paragraph[] = [];
  let start = -1;
  for (let i = first; i <= last + 1; i += 1) {
    const line = i <= last ? lines[i]! : '';
    if (i <= last && line[0] !== '>') return null;
    const blank = i > last || BLANK.test(line.slice(1));
    if (!blank && start < 0) start = i;
    if (blank && start >= 0) {
      // The paragraph's content starts after `> ` or `>`, the same on each of its lines.
      const from = lines[start]![1] === ' ' ? 2 : 1;
      if (lines.slice(start, i).some((l) => l.length <= from || l[from] === ' ' || (l[1] === ' ') !== (from === 2)))
        return null;
      const paragraph = paragraphBlock(lines, start, i - 1, from, point, []);
      if (!paragraph || paragraph.children.length === 0) return null;
      children.push(paragraph);
      start = -1;
    }
  }
  return { type: 'blockquote', children, position: { start: point(first, 0), end: point(last, lines[last]!.length) } };
}

function codeBlock(
  lines: string[],
  open: number,
  close: number,
  point: (line: number, column: number) => Point,
): Code | null {
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
