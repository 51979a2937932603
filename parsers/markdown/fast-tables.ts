/**
 * GFM pipe tables built without micromark, for the tables where that is certain to give the
 * tree micromark gives (tree.ts checks where each one lands; tree.test.ts compares trees).
 *
 * micromark spends a few microseconds on every event, and a table row makes dozens of them
 * (row, dividers, whitespace, data, cell, content, text), so tables are most of its work on
 * these documents. A table is taken here when:
 *  - it starts right after a blank line, a `#` heading line or the start of the text (within
 *    its blockquote, if it is in one), outside fenced code and HTML blocks; tree.ts still checks
 *    that micromark puts it in that many blockquotes, and in a list item only when it may;
 *  - every line has the same number of `>` in front, is then indented by at most three spaces,
 *    starts with `|` and holds no tab;
 *  - its header and delimiter rows make a table by micromark's rules (same cell counts);
 *  - it ends with a blank line (of its blockquote) or the end of the text: any other line
 *    could be a row too.
 * Cells are split and positioned as micromark-extension-gfm-table does. A cell of plain text,
 * backslash escapes and `<br>` tags is built here, and so is a cell that is nothing but one
 * `**strong**` span, one code span or one `<https://...>` autolink of plain content; any other
 * cell (emphasis, links, entities, other HTML, mixes) is left `pending`, and tree.ts has remark
 * parse all of them at once.
 */
import type { Heading, Html, Paragraph, PhrasingContent, Table, TableCell, TableRow, Text } from 'mdast';

/** Inline content (one line) left for remark: a table cell's, or a paragraph's or heading's. */
export interface PendingInline {
  /** The node whose children it is. */
  target: TableCell | Paragraph | Heading;
  /** The content as written (trimmed, escapes kept; no `|`, no tab). */
  content: string;
  line: number;
  column: number;
  offset: number;
}

export interface FastTable {
  /** 0-based index of the header line and of the last row's line. */
  first: number;
  last: number;
  /** Where the first line's content starts: after its quote markers and indentation. */
  indent: number;
  /** Blockquotes the table is in (every line has that many `>` in front). */
  depth: number;
  /**
   * Whether it may sit inside a list item: true when every line has the first one's quote
   * markers, as written, and is indented no less within its quote, so that no line can be a lazy
   * continuation (which a table row never is).
   */
  nestable: boolean;
  node: Table;
  pending: PendingInline[];
}

export interface Point {
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
/** Cells that are one strong span, code span or URL autolink, of plain content. */
const STRONG_CELL = /^\*\*([^\s\\`*_[\]!<&~](?:[^\\`*_[\]!<&~\t]*[^\s\\`*_[\]!<&~])?)\*\*$/;
const CODE_CELL = /^`([^`\\\t]+)`$/;
const AUTOLINK_CELL = /^<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\x00-\x1f\x7f\\]*)>$/;
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

function unescapeCell(text: string): string {
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
export function plainChildren(content: string, at: (index: number) => Point): PhrasingContent[] {
  const children: PhrasingContent[] = [];
  const text = (from: number, to: number) => {
    if (to <= from) return;
    const node: Text = {
      type: 'text',
      value: unescapeCell(content.slice(from, to)),
      position: { start: at(from), end: at(to) },
    };
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

/** The node of a cell that is one strong span, code span or URL autolink; null for any other. */
export function markupChildren(content: string, at: (index: number) => Point): PhrasingContent[] | null {
  const whole = { start: at(0), end: at(content.length) };
  const strong = STRONG_CELL.exec(content);
  if (strong) {
    const text: Text = { type: 'text', value: strong[1]!, position: { start: at(2), end: at(content.length - 2) } };
    return [{ type: 'strong', children: [text], position: whole }];
  }
  const code = CODE_CELL.exec(content);
  if (code) {
    let value = code[1]!;
    // One space is taken off each side when both have one and the span is not all spaces.
    if (value.length > 2 && value.startsWith(' ') && value.endsWith(' ') && value.trim()) value = value.slice(1, -1);
    return [{ type: 'inlineCode', value, position: whole }];
  }
  const link = AUTOLINK_CELL.exec(content);
  if (link) {
    const text: Text = { type: 'text', value: link[1]!, position: { start: at(1), end: at(content.length - 1) } };
    return [{ type: 'link', title: null, url: link[1]!, children: [text], position: whole }];
  }
  return null;
}

/**
 * Plain text between inline constructs: nothing markdown reads, no tab. Brackets are text too
 * where they make no link (no `](` in the text, and no reference definition in the document:
 * tree.ts takes no shortcut in a document that has one).
 */
const PLAIN_RUN = /^[^\\`*_<>&|~\t\0]*$/;
const SPAN = String.raw`[^\\\`*_[\]<>&|~\t\0]`;
/**
 * The inline constructs `inlineChildren` builds: `**strong**` and `*emphasis*` of plain words
 * (a letter or digit at each end), a code span with no backtick or backslash inside (in a table,
 * `\|` in a code span is read as `|`), `[text](url)` with plain
 * text and a URL of no space, quote, parenthesis, bracket, backslash, `&`, `*` or `_`.
 */
const CONSTRUCT = new RegExp(
  String.raw`\*\*([A-Za-z0-9](?:${SPAN}*[A-Za-z0-9])?)\*\*|\*([A-Za-z0-9](?:${SPAN}*[A-Za-z0-9])?)\*|\`([^\`\\\t\0]+)\`|\[(${SPAN}+)\]\(([^\s()<>\\&"'\`*_[\]]+)\)`,
  'g',
);

/**
 * One line of inline content made of plain text and the constructs above, where micromark
 * cannot read them otherwise: an emphasis opens at the start or after a space and closes before
 * the end, a space or one of `.,:;!?)`; no `!` comes right before a link. Null for anything else.
 */
export function inlineChildren(content: string, at: (index: number) => Point): PhrasingContent[] | null {
  const children: PhrasingContent[] = [];
  let last = 0;
  const text = (from: number, to: number): boolean => {
    if (to <= from) return true;
    const value = content.slice(from, to);
    if (!PLAIN_RUN.test(value) || value.includes('](')) return false;
    children.push({ type: 'text', value, position: { start: at(from), end: at(to) } });
    return true;
  };
  for (const match of content.matchAll(CONSTRUCT)) {
    const start = match.index;
    const end = start + match[0].length;
    if (!text(last, start)) return null;
    const whole = { start: at(start), end: at(end) };
    if (match[1] !== undefined || match[2] !== undefined) {
      const before = content[start - 1];
      const after = content[end];
      if ((before !== undefined && before !== ' ') || (after !== undefined && !/[ .,:;!?)]/.test(after))) return null;
      const marker = match[1] !== undefined ? 2 : 1;
      const inner: Text = {
        type: 'text',
        value: (match[1] ?? match[2])!,
        position: { start: at(start + marker), end: at(end - marker) },
      };
      children.push(
        marker === 2
          ? { type: 'strong', children: [inner], position: whole }
          : { type: 'emphasis', children: [inner], position: whole },
      );
    } else if (match[3] !== undefined) {
      let value = match[3];
      if (value.length > 2 && value.startsWith(' ') && value.endsWith(' ') && value.trim()) value = value.slice(1, -1);
      children.push({ type: 'inlineCode', value, position: whole });
    } else {
      if (content[start - 1] === '!') return null;
      const inner: Text = {
        type: 'text',
        value: match[4]!,
        position: { start: at(start + 1), end: at(start + 1 + match[4]!.length) },
      };
      children.push({ type: 'link', title: null, url: match[5]!, children: [inner], position: whole });
    }
    last = end;
  }
  return text(last, content.length) ? children : null;
}

function buildRow(line: string, lineNo: number, lineStart: number, indent: number, pending: PendingInline[]): TableRow {
  const at = (index: number): Point => ({ line: lineNo, column: index + 1, offset: lineStart + index });
  const row: TableRow = { type: 'tableRow', children: [], position: { start: at(indent), end: at(line.length) } };
  for (const span of splitRow(line, indent)) {
    const cell: TableCell = { type: 'tableCell', children: [], position: { start: at(span.start), end: at(span.end) } };
    if (span.contentStart >= 0) {
      const content = line.slice(span.contentStart, span.contentEnd);
      const inCell = (i: number) => at(span.contentStart + i);
      const markup =
        PLAIN_CELL.test(content) && !content.endsWith('\\') && !content.includes('\\<')
          ? plainChildren(content, inCell)
          : (markupChildren(content, inCell) ?? inlineChildren(content, inCell));
      if (markup) {
        cell.children = markup;
      } else {
        pending.push({
          target: cell,
          content,
          line: lineNo,
          column: span.contentStart + 1,
          offset: lineStart + span.contentStart,
        });
      }
    }
    row.children.push(cell);
  }
  return row;
}

/** Top-level fenced code and HTML blocks of a text: what no shortcut may look into. */
export interface LineContext {
  /** 1 for a line of a fenced code block (fences included) or of an HTML block, else 0. */
  inside: Uint8Array;
  /** The line that closes each fenced code block, by its opening line (-1: never closed). */
  fences: Map<number, number>;
}

const HTML_START = /^ {0,3}<[A-Za-z/!?]/;
/** Container prefix of a line: indentation, quote markers, list markers. */
const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*/;
/**
 * The start of a block that runs on over blank lines: a fence, or HTML that ends at a marker of
 * its own (a comment, `<?`, `<!X`, CDATA, `<script>`, `<pre>`, `<style>`, `<textarea>`).
 */
const LONG_BLOCK_START = /^(?:`{3}|~{3}|<(?:!--|\?|![A-Za-z]|!\[CDATA\[|(?:script|pre|style|textarea)(?:[ \t>]|$)))/i;

/** Whether `line` may open such a block inside a container (after a prefix or any indentation). */
function opensNestedBlock(line: string): boolean {
  const prefix = CONTAINER_PREFIX.exec(line)![0].length;
  return prefix > 0 && LONG_BLOCK_START.test(line.slice(prefix));
}

/**
 * Finds the top-level fenced code and HTML blocks of `lines`. HTML is over-approximated (any
 * line that starts with a tag runs to the next blank line), which only costs a shortcut.
 *
 * A fence or HTML block that may sit in a container (NESTED_OPENER) is not followed: every line
 * from it to the end counts as inside. Blank lines do not end a list item, so where such a block
 * is still open, the lines a shortcut leaves blank would become lines of it; and a line that
 * ends its container (a fence at the first column) opens a new block where this scan would see
 * a closing fence.
 */
export function scanContext(lines: string[]): LineContext {
  const inside = new Uint8Array(lines.length);
  const fences = new Map<number, number>();
  let fence: { char: string; size: number; open: number } | null = null;
  let htmlEnd: RegExp | null = null;
  let htmlToBlank = false;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (fence) {
      inside[i] = 1;
      const close = FENCE_OPEN.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.size && BLANK.test(close[2]!)) {
        fences.set(fence.open, i);
        fence = null;
      }
      continue;
    }
    if (htmlEnd) {
      inside[i] = 1;
      if (htmlEnd.test(line)) htmlEnd = null;
      continue;
    }
    if (htmlToBlank) {
      if (BLANK.test(line)) htmlToBlank = false;
      else inside[i] = 1;
      continue;
    }
    if (opensNestedBlock(line)) {
      inside.fill(1, i);
      break;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
      inside[i] = 1;
      fence = { char: open[1]![0]!, size: open[1]!.length, open: i };
      fences.set(i, -1);
      continue;
    }
    if (!HTML_START.test(line)) continue;
    inside[i] = 1;
    const html = HTML_BLOCK.find(([start]) => start.test(line));
    if (html) {
      const rest = line.slice(line.indexOf('<') + 2);
      if (!html[1].test(rest)) htmlEnd = html[1];
    } else {
      htmlToBlank = true;
    }
  }
  return { inside, fences };
}

/**
 * The tables of `lines` (the text split at `\n`; `starts[i]` is the offset of line i) that this
 * module can build.
 */
export function findTables(lines: string[], starts: number[], context: LineContext = scanContext(lines)): FastTable[] {
  const tables: FastTable[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (context.inside[i]) continue;
    const line = lines[i]!;
    const at = split(line);
    if (!TABLE_LINE.test(at.content)) continue;
    // Right after a blank line (of the same quote), a heading or the start of the text.
    if (i > 0) {
      const previous = split(lines[i - 1]!);
      if (previous.depth !== at.depth && !BLANK.test(lines[i - 1]!)) continue;
      if (!BLANK.test(previous.content) && !ATX_HEADING.test(previous.content)) continue;
    }
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

/** Blockquote markers in front of a line (`> `, `>`, `> > `), with no tab. */
const QUOTE_PREFIX = /^(?: {0,3}> ?)*/;

interface LineParts {
  /** Quote markers in front. */
  depth: number;
  /** Length of the markers. */
  prefix: number;
  /** The rest of the line. */
  content: string;
}

function split(line: string): LineParts {
  const prefix = QUOTE_PREFIX.exec(line)![0];
  let depth = 0;
  for (const c of prefix) if (c === '>') depth += 1;
  return { depth, prefix: prefix.length, content: line.slice(prefix.length) };
}

function tableAt(lines: string[], starts: number[], first: number): FastTable | null {
  const head = split(lines[first]!);
  const delimiterLine = lines[first + 1];
  if (delimiterLine === undefined || /[\t\0]/.test(lines[first]!) || delimiterLine.includes('\t')) return null;
  const delimiter = split(delimiterLine);
  if (delimiter.depth !== head.depth || indentOf(head.content) > 3 || indentOf(delimiter.content) > 3) return null;
  const size = headerSize(head.content.slice(indentOf(head.content)).trimEnd());
  const align = delimiterAlign(delimiter.content.slice(indentOf(delimiter.content)).trimEnd());
  if (size < 0 || !align || align.length !== size) return null;
  const parts = [head, delimiter];
  let last = first + 1;
  while (last + 1 < lines.length) {
    const row = split(lines[last + 1]!);
    if (row.depth !== head.depth || !TABLE_LINE.test(row.content)) break;
    if (/[\t\0]/.test(lines[last + 1]!)) return null;
    parts.push(row);
    last += 1;
  }
  // A table ends at a blank line (of its quote) or the end of the text; any other line could
  // be a row too, or a lazy line of the quote.
  if (last + 1 < lines.length) {
    const next = split(lines[last + 1]!);
    if (!BLANK.test(lines[last + 1]!) && !(next.depth === head.depth && BLANK.test(next.content))) return null;
  }

  const pending: PendingInline[] = [];
  const rows: TableRow[] = [];
  const contentIndents = parts.map((part) => indentOf(part.content));
  for (let i = first; i <= last; i += 1) {
    if (i === first + 1) continue;
    const part = parts[i - first]!;
    rows.push(buildRow(lines[i]!, i + 1, starts[i]!, part.prefix + contentIndents[i - first]!, pending));
  }
  const lastLine = lines[last]!;
  const end: Point = { line: last + 1, column: lastLine.length + 1, offset: starts[last]! + lastLine.length };
  const node: Table = {
    type: 'table',
    align,
    children: rows,
    position: { start: { ...rows[0]!.position!.start }, end },
  };
  return {
    first,
    last,
    indent: head.prefix + contentIndents[0]!,
    depth: head.depth,
    nestable: parts.every(
      (part, i) =>
        lines[first + i]!.slice(0, part.prefix) === lines[first]!.slice(0, head.prefix) &&
        contentIndents[i]! >= contentIndents[0]!,
    ),
    node,
    pending,
  };
}
