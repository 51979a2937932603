/**
 * GFM pipe tables built without micromark, for the tables where that is certain to give the
 * tree micromark gives (tree.ts checks where each one lands; tree.test.ts compares trees).
 *
 * micromark spends a few microseconds on every event, and a table row makes dozens of them
 * (row, dividers, whitespace, data, cell, content, text), so tables are most of its work on
 * these documents. A table is taken here when:
 *  - it starts right after a blank line, a `#` heading line or the start of the text, outside
 *    fenced code and HTML blocks (tree.ts still checks that it is a top-level block);
 *  - every line is indented by at most three spaces, holds no tab and starts with `|`;
 *  - its header and delimiter rows make a table by micromark's rules (same cell counts);
 *  - it ends with a blank line or the end of the text (a following line could continue it).
 * Cells are split and positioned as micromark-extension-gfm-table does. A cell of plain text,
 * backslash escapes and `<br>` tags is built here; any other cell (emphasis, code, links,
 * entities, other HTML) is left `pending`, and tree.ts has remark parse all of them at once.
 */
import type { Html, PhrasingContent, Table, TableCell, TableRow, Text } from 'mdast';

export interface PendingCell {
  cell: TableCell;
  /** The cell's content as written (trimmed, escapes kept). */
  content: string;
  line: number;
  column: number;
  offset: number;
}

export interface FastTable {
  /** 0-based index of the header line and of the last row's line. */
  first: number;
  last: number;
  /** Indentation of each line, in characters. */
  indents: number[];
  node: Table;
  pending: PendingCell[];
}

interface Point {
  line: number;
  column: number;
  offset: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HTML_BLOCK: [RegExp, RegExp][] = [
  [/^ {0,3}<(?:script|pre|style|textarea)(?:[ \t>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
const BLANK = /^[ \t]*$/;
const TABLE_LINE = /^ {0,3}\|/;
/** A cell this module builds: text, backslash escapes and `<br>` tags. */
const PLAIN_CELL = /^(?:[^\\`*_[\]!<&~\0\t]|\\[^\t\0]|<br *\/?>|<\/br *>)*$/i;
const BR_TAG = /<br *\/?>|<\/br *>/gi;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

function isAsciiPunctuation(c: string | undefined): boolean {
  return c !== undefined && ASCII_PUNCTUATION.test(c);
}

/** Header cell count by micromark's rules, or -1 when the line is no header row. */
function headerSize(body: string): number {
  let size = 0;
  let sizeB = 0;
  let seen = false;
  let i = 0;
  if (body[0] !== '|') {
    seen = true;
    sizeB += 1;
  }
  while (i < body.length) {
    const c = body[i]!;
    if (c === ' ') {
      i += 1;
      continue;
    }
    sizeB += 1;
    if (seen) {
      seen = false;
      size += 1;
    }
    if (c === '|') {
      seen = true;
      i += 1;
      continue;
    }
    // Data up to a pipe or space; `\\` and `\|` are taken whole.
    while (i < body.length && body[i] !== '|' && body[i] !== ' ') {
      if (body[i] === '\\' && (body[i + 1] === '\\' || body[i + 1] === '|')) i += 2;
      else i += 1;
    }
  }
  return sizeB > 1 ? size : -1;
}

/** Alignments of a delimiter row by micromark's rules, or null when it is none. */
function delimiterAlign(body: string): (Table['align'] & unknown[]) | null {
  const align: ('left' | 'right' | 'center' | null)[] = [];
  let i = 0;
  let seen = false;
  const spaces = () => {
    while (body[i] === ' ') i += 1;
  };
  if (body[i] === '|') {
    seen = true;
    i += 1;
    spaces();
  } else if (body[i] !== '-' && body[i] !== ':') {
    return null;
  }
  while (i < body.length) {
    let left = false;
    let right = false;
    if (body[i] === ':') {
      left = true;
      seen = true;
      i += 1;
      if (body[i] !== '-') return null;
    } else if (body[i] !== '-') {
      return null;
    }
    while (body[i] === '-') i += 1;
    if (body[i] === ':') {
      right = true;
      seen = true;
      i += 1;
    }
    align.push(left && right ? 'center' : left ? 'left' : right ? 'right' : null);
    spaces();
    if (i >= body.length) break;
    if (body[i] !== '|') return null;
    seen = true;
    i += 1;
    spaces();
  }
  return seen ? align : null;
}

interface CellSpan {
  /** Offsets in the line: the cell (from its divider) and its content (trimmed). */
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
}

/** Splits a row the way micromark-extension-gfm-table does; offsets are within `line`. */
function splitRow(line: string, from: number): CellSpan[] {
  const cells: CellSpan[] = [];
  let cell: CellSpan | null = null;
  let leadingPipe = line[from] === '|';
  let i = from;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '|') {
      if (leadingPipe) {
        leadingPipe = false;
        cell = { start: i, end: line.length, contentStart: -1, contentEnd: -1 };
      } else {
        // A pipe closes the open cell; a new one starts here, kept only if data follows.
        if (cell) {
          cell.end = i;
          cells.push(cell);
        }
        cell = { start: i, end: line.length, contentStart: -1, contentEnd: -1 };
      }
      i += 1;
      continue;
    }
    if (c === ' ') {
      i += 1;
      continue;
    }
    leadingPipe = false;
    cell ??= { start: i, end: line.length, contentStart: -1, contentEnd: -1 };
    if (cell.contentStart < 0) cell.contentStart = i;
    while (i < line.length && line[i] !== '|' && line[i] !== ' ') {
      if (line[i] === '\\' && (line[i + 1] === '\\' || line[i + 1] === '|')) i += 2;
      else i += 1;
    }
    cell.contentEnd = i;
  }
  if (cell) {
    if (cell.contentStart >= 0 || cells.length === 0) {
      cell.end = line.length;
      cells.push(cell);
    } else {
      // Only blanks after the last pipe: it closes the previous cell, which runs to the end.
      const previous = cells[cells.length - 1]!;
      previous.end = line.length;
    }
  }
  return cells;
}

function unescape(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '\\' && isAsciiPunctuation(text[i + 1])) {
      out += text[i + 1];
      i += 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** Text and `<br>` nodes of a plain cell's content. */
function plainChildren(content: string, at: (index: number) => Point): PhrasingContent[] {
  const children: PhrasingContent[] = [];
  const text = (from: number, to: number) => {
    if (to <= from) return;
    const node: Text = { type: 'text', value: unescape(content.slice(from, to)), position: { start: at(from), end: at(to) } };
    children.push(node);
  };
  let last = 0;
  for (const match of content.matchAll(BR_TAG)) {
    text(last, match.index);
    const end = match.index + match[0].length;
    const node: Html = { type: 'html', value: match[0], position: { start: at(match.index), end: at(end) } };
    children.push(node);
    last = end;
  }
  text(last, content.length);
  return children;
}

function buildRow(line: string, lineNo: number, lineStart: number, indent: number, pending: PendingCell[]): TableRow {
  const at = (index: number): Point => ({ line: lineNo, column: index + 1, offset: lineStart + index });
  const row: TableRow = { type: 'tableRow', children: [], position: { start: at(indent), end: at(line.length) } };
  for (const span of splitRow(line, indent)) {
    const cell: TableCell = { type: 'tableCell', children: [], position: { start: at(span.start), end: at(span.end) } };
    if (span.contentStart >= 0) {
      const content = line.slice(span.contentStart, span.contentEnd);
      if (PLAIN_CELL.test(content) && !content.endsWith('\\') && !content.includes('\\<')) {
        cell.children = plainChildren(content, (i) => at(span.contentStart + i));
      } else {
        pending.push({ cell, content, line: lineNo, column: span.contentStart + 1, offset: lineStart + span.contentStart });
      }
    }
    row.children.push(cell);
  }
  return row;
}

/**
 * The tables of `lines` (the text split at `\n`; `starts[i]` is the offset of line i) that this
 * module can build.
 */
export function findTables(lines: string[], starts: number[]): FastTable[] {
  const tables: FastTable[] = [];
  let fence: { char: string; size: number } | null = null;
  let htmlEnd: RegExp | null = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (fence) {
      const close = FENCE_OPEN.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.size && BLANK.test(close[2]!)) fence = null;
      continue;
    }
    if (htmlEnd) {
      if (htmlEnd.test(line)) htmlEnd = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
      fence = { char: open[1]![0]!, size: open[1]!.length };
      continue;
    }
    const html = HTML_BLOCK.find(([start]) => start.test(line));
    if (html) {
      const rest = line.slice(line.indexOf('<') + 2);
      if (!html[1].test(rest)) htmlEnd = html[1];
      continue;
    }
    if (!TABLE_LINE.test(line)) continue;
    const previous = i > 0 ? lines[i - 1]! : '';
    if (i > 0 && !BLANK.test(previous) && !ATX_HEADING.test(previous)) continue;
    const table = tableAt(lines, starts, i);
    if (table) {
      tables.push(table);
      i = table.last;
    }
  }
  return tables;
}

function indentOf(line: string): number {
  let n = 0;
  while (line[n] === ' ') n += 1;
  return n;
}

function tableAt(lines: string[], starts: number[], first: number): FastTable | null {
  const head = lines[first]!;
  const delimiter = lines[first + 1];
  if (delimiter === undefined || head.includes('\t') || delimiter.includes('\t') || head.includes('\0')) return null;
  if (indentOf(head) > 3 || indentOf(delimiter) > 3) return null;
  const size = headerSize(head.slice(indentOf(head)).trimEnd());
  const align = delimiterAlign(delimiter.slice(indentOf(delimiter)).trimEnd());
  if (size < 0 || !align || align.length !== size) return null;
  let last = first + 1;
  while (last + 1 < lines.length && TABLE_LINE.test(lines[last + 1]!)) {
    const row = lines[last + 1]!;
    if (row.includes('\t') || row.includes('\0')) return null;
    last += 1;
  }
  // A table ends at a blank line or the end of the text; any other line could be a row too.
  if (last + 1 < lines.length && !BLANK.test(lines[last + 1]!)) return null;

  const pending: PendingCell[] = [];
  const indents: number[] = [];
  const rows: TableRow[] = [];
  for (let i = first; i <= last; i += 1) {
    const line = lines[i]!;
    const indent = indentOf(line);
    indents.push(indent);
    if (i === first + 1) continue;
    rows.push(buildRow(line, i + 1, starts[i]!, indent, pending));
  }
  const lastLine = lines[last]!;
  const end: Point = { line: last + 1, column: lastLine.length + 1, offset: starts[last]! + lastLine.length };
  const node: Table = { type: 'table', align, children: rows, position: { start: { ...rows[0]!.position!.start }, end } };
  return { first, last, indents, node, pending };
}
