/**
 * A faster way to get exactly the tree remark would build, by giving micromark less to read.
 *
 * micromark reads a document one character at a time through several layers (document, flow,
 * table cells, text), which makes it the costly part of parsing: most of these documents is
 * long runs of plain words, addresses and host names ("13.64.26.88, 13.64.29.32, ...") in
 * which no markdown construct can start. Each such run is replaced by one private-use
 * character before parsing, and the run is put back into the tree afterwards: into every string
 * field that holds a stand-in (text, code, HTML, link targets and titles, code info) and into
 * every position (offset and column), so the tree is the one the original text gives.
 *
 * A run is only ever replaced where that cannot change what micromark reads around it:
 *  - it is made of whole words (split at spaces, tabs, `|` and `<br>` tags), each holding a
 *    letter or digit and none of the characters that start or close a markdown construct
 *    (`\` `` ` `` `*` `_` `[` `]` `!` `<` `>` `&` `|` `~` `#` `"` `'` `(` `)`) or any other
 *    whitespace; the spaces and tabs inside a run are literal text wherever such words can
 *    stand, and every character next to a run is a space, tab, `|`, `<br>` or a line end;
 *  - nothing is replaced before the first word of a line's content (block prefixes: `>`,
 *    list markers, `#`, indentation), so every block starts where it started;
 *  - nothing is replaced between `<` and `>` (a tag's attributes) or between `[` and `]`
 *    (a link label, which references match by its text).
 * A document that already holds private-use characters is parsed as it is.
 * tree.test.ts checks that trees are equal, with and without compaction, on the whole
 * corpus and on the constructs above.
 */
import type { BlockContent, DefinitionContent, Root, RootContent, Table } from 'mdast';

const FIRST_STAND_IN = 0xe000;
const LAST_STAND_IN = 0xf8ff;
const STAND_IN = /[\ue000-\uf8ff]/;
const STAND_INS = /[\ue000-\uf8ff]/g;

/** Separators between words: a `<br>` tag (any spelling), spaces and tabs, a cell pipe. */
const SEPARATOR = /<\/?br\s*\/?>|[ \t]+|\|/gi;
/** A word that can stand for itself: a letter or digit and no character markdown reads. */
const INERT_WORD = /^[^\\`*_[\]!<>&|~#"'()\s\0]*[A-Za-z0-9][^\\`*_[\]!<>&|~#"'()\s\0]*$/;
/** Block prefix of a line: indentation, quote markers, list markers, heading marks. */
const BLOCK_PREFIX = /^(?:[ \t]*(?:>|[-+*]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$))*[ \t]*/;

export interface Compacted {
  /** The text handed to micromark. */
  text: string;
  /** The replaced runs, by stand-in (`runs[0]` is U+E000). */
  runs: string[];
  /**
   * Every change, in order: at `at[i]` in `text`, `span[i]` characters (a stand-in: 1; lines
   * taken out: 0) stand for `removed[i]` characters of the source, `lines[i]` line ends included.
   */
  at: number[];
  span: number[];
  removed: number[];
  lines: number[];
  /** Offset of each line of the source. */
  sourceLines: number[];
  /** Stand-in of each table (by its first line, 0-based), or -1 when none was left. */
  tableStandIns: Map<number, number>;
}

/** Lines of a table built by fast-tables.ts, from `first` to `last` (0-based), indented by `indent`. */
export interface TableLines {
  first: number;
  last: number;
  indent: number;
}

const CAPACITY = LAST_STAND_IN - FIRST_STAND_IN + 1;

/** Whether `source` can be compacted at all (it holds no stand-in character of its own). */
export function canCompact(source: string): boolean {
  return !STAND_IN.test(source);
}

/**
 * Replaces long inert runs of `source` by single stand-in characters (see above). Each table in
 * `tables` becomes one line: its first line's indentation and one stand-in; its other lines
 * are taken out. That is done with no check: tree.ts puts each table where its line ends up.
 * Lines in `blank` (0-based) are left empty: tree.ts puts the blocks they held back itself; and
 * a run of such lines and blank lines becomes one blank line (see findBlankRuns).
 */
export function compact(
  source: string,
  tables: readonly TableLines[] = [],
  blank: ReadonlySet<number> = new Set(),
): Compacted {
  const compacted: Compacted = {
    text: source,
    runs: [],
    at: [],
    span: [],
    removed: [],
    lines: [],
    sourceLines: [],
    tableStandIns: new Map(),
  };
  if (!canCompact(source)) return compacted;
  const { runs, at, span, removed, lines, sourceLines, tableStandIns } = compacted;
  const byFirst = new Map(tables.map((t) => [t.first, t]));
  const addRun = (offset: number, text: string): string | null => {
    if (runs.length >= CAPACITY) return null;
    at.push(offset);
    span.push(1);
    removed.push(text.length);
    lines.push(0);
    const char = String.fromCharCode(FIRST_STAND_IN + runs.length);
    runs.push(text);
    return char;
  };
  const sourceText = source.split('\n');
  const blankRuns = findBlankRuns(sourceText, blank);
  let out = '';
  let offset = 0;
  for (let index = 0; index < sourceText.length; index += 1) {
    const line = sourceText[index]!;
    sourceLines.push(offset);
    offset += line.length + 1;
    const table = byFirst.get(index);
    const runEnd = blankRuns.get(index);
    if (runEnd !== undefined) {
      // One blank line for the run: its other lines go, each with the line end after it.
      let taken = line.length + 1;
      for (let next = index + 1; next <= runEnd; next += 1) {
        sourceLines.push(offset);
        offset += sourceText[next]!.length + 1;
        if (next < runEnd) taken += sourceText[next]!.length + 1;
      }
      at.push(out.length);
      span.push(0);
      removed.push(taken);
      lines.push(runEnd - index);
      index = runEnd;
      if (sourceText[runEnd]!.length > 0) {
        at.push(out.length);
        span.push(0);
        removed.push(sourceText[runEnd]!.length);
        lines.push(0);
      }
    } else if (blank.has(index)) {
      // A block built elsewhere: its lines are left blank.
      if (line.length > 0) {
        at.push(out.length);
        span.push(0);
        removed.push(line.length);
        lines.push(0);
      }
    } else if (table && runs.length < CAPACITY && line.length > table.indent) {
      tableStandIns.set(index, runs.length);
      out += line.slice(0, table.indent);
      out += addRun(out.length, line.slice(table.indent))!;
      if (table.last > index) {
        // The table's other lines go, each with the line end in front of it.
        let taken = 0;
        for (let next = index + 1; next <= table.last; next += 1) {
          taken += sourceText[next]!.length + 1;
          sourceLines.push(offset);
          offset += sourceText[next]!.length + 1;
        }
        at.push(out.length);
        span.push(0);
        removed.push(taken);
        lines.push(table.last - index);
        index = table.last;
      }
    } else {
      if (table) tableStandIns.set(index, -1);
      out += line.includes('\t') ? line : compactLine(line, addRun, out.length);
    }
    if (index < sourceText.length - 1) out += '\n';
  }
  compacted.text = out;
  return compacted;
}

/**
 * Runs of two or more lines that are empty or left blank, with at least one of the latter, by
 * first line (0-based): the last line of each. micromark reads one such run as it reads one
 * empty line, and pays for every line of it. (A line of spaces is no part of a run: an indented
 * code block that a block left blank ends keeps it.) A block is only left blank at the top level when
 * the next line that is not blank starts at the first column and is no list item
 * (fast-blocks.ts), and after no fence or HTML block that could run on in a list item (see
 * scanContext): then every container open before the run is closed by that line, whatever
 * the number of blank lines before it, and an indented code block leaves trailing blank lines out.
 */
function findBlankRuns(lines: string[], blank: ReadonlySet<number>): Map<number, number> {
  const runs = new Map<number, number>();
  if (blank.size === 0) return runs;
  const isBlank = (i: number) => blank.has(i) || lines[i]!.length === 0;
  for (let first = 0; first < lines.length; first += 1) {
    if (!isBlank(first)) continue;
    let last = first;
    let leftBlank = blank.has(first);
    while (last + 1 < lines.length && isBlank(last + 1)) {
      last += 1;
      if (blank.has(last)) leftBlank = true;
    }
    if (leftBlank && last > first) runs.set(first, last);
    first = last;
  }
  return runs;
}

/** The stand-in character of run `index`. */
export function standIn(index: number): string {
  return String.fromCharCode(FIRST_STAND_IN + index);
}

/** Runs shorter than this are left as they are: a stand-in gains nothing on them. */
const MIN_RUN = 4;

/** Compacts one line; `addRun` records a run found at an offset of the whole text and gives its stand-in. */
function compactLine(line: string, addRun: (offset: number, text: string) => string | null, base: number): string {
  if (line.length < MIN_RUN) return line;
  // Words: text between separators; the first word of the content (after the block prefix)
  // is never replaced.
  const from = BLOCK_PREFIX.exec(line)![0].length;
  SEPARATOR.lastIndex = from;
  const first = SEPARATOR.exec(line);
  if (!first) return line;
  let out = line.slice(0, first.index + first[0].length);
  let pos = first.index + first[0].length;
  /** `<` ... `>` and `[` ... `]` depth: nothing inside is replaced. */
  let angle = 0;
  let square = 0;
  const track = (text: string) => {
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 60) angle += 1;
      else if (c === 62) angle = Math.max(0, angle - 1);
      else if (c === 91) square += 1;
      else if (c === 93) square = Math.max(0, square - 1);
    }
  };
  track(line.slice(0, pos));
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart < 0) return;
    const char = runEnd - runStart >= MIN_RUN ? addRun(base + out.length, line.slice(runStart, runEnd)) : null;
    if (char !== null) {
      out += char;
    } else {
      out += line.slice(runStart, runEnd);
    }
    runStart = -1;
  };
  while (pos <= line.length) {
    const match = SEPARATOR.exec(line);
    const wordEnd = match ? match.index : line.length;
    if (wordEnd > pos) {
      const word = line.slice(pos, wordEnd);
      if (angle === 0 && square === 0 && INERT_WORD.test(word)) {
        if (runStart < 0) runStart = pos;
        runEnd = wordEnd;
      } else {
        flush();
        out += word;
        track(word);
      }
    } else if (runStart >= 0 && runEnd < pos) {
      // Two separators in a row (a blank then `|`): the run ended at its last word.
      flush();
    }
    if (!match) break;
    const separator = match[0];
    pos = match.index + separator.length;
    const blank = separator.charCodeAt(0) === 32 || separator.charCodeAt(0) === 9;
    if (blank && runStart >= 0) {
      // Spaces between two words of a run belong to the run: written out, if it ends here,
      // when the next word turns out not to be inert (see flush and the slice below).
      const nextMatch = SEPARATOR.exec(line);
      const nextEnd = nextMatch ? nextMatch.index : line.length;
      SEPARATOR.lastIndex = pos;
      if (nextEnd > pos && angle === 0 && square === 0 && INERT_WORD.test(line.slice(pos, nextEnd))) continue;
      flush();
      out += separator;
      continue;
    }
    flush();
    out += separator;
  }
  flush();
  return out;
}

interface Point {
  line: number;
  column: number;
  offset?: number | undefined;
}

/** A table built outside micromark, to put where the paragraph of its stand-in lines is. */
export interface PlacedTable {
  node: Table;
  /** Blockquotes its lines are in. */
  depth: number;
  /** Whether it may sit inside a list item (see fast-tables.ts). */
  nestable: boolean;
}

/**
 * Puts the replaced runs back into `tree` (string fields and positions) and each table in
 * `tables` (by the text of its stand-in lines) in place of the paragraph those lines became.
 * Returns false, leaving `tree` half done, when a table's paragraph is anywhere but where its
 * lines say (its number of blockquotes; list items only if it may sit in one): micromark would
 * not have read those lines as that table there, and the caller must parse again without
 * that shortcut.
 */
export function expand(
  tree: Root,
  compacted: Compacted,
  tables: ReadonlyMap<string, PlacedTable> = new Map(),
): boolean {
  const { runs } = compacted;
  const placed = new Set<unknown>();
  if (tables.size) {
    const place = (
      children: (RootContent | BlockContent | DefinitionContent)[],
      depth: number,
      inList: boolean,
    ): void => {
      children.forEach((child, i) => {
        if (child.type === 'list' || child.type === 'listItem') {
          place(child.children, depth, true);
          return;
        }
        if (child.type === 'blockquote') {
          place(child.children, depth + 1, inList);
          return;
        }
        if (child.type !== 'paragraph' || child.children.length !== 1) return;
        const only = child.children[0]!;
        const table = only.type === 'text' ? tables.get(only.value) : undefined;
        if (!table || placed.has(table.node) || table.depth !== depth || (inList && !table.nestable)) return;
        placed.add(table.node);
        children[i] = table.node;
      });
    };
    place(tree.children, 0, false);
    if (placed.size !== tables.size) return false;
  }
  const { at, span, removed, lines, sourceLines } = compacted;
  if (at.length === 0) return true;
  // shift[k] / lineShift[k]: characters / line ends the first k changes put back.
  const shift = new Array<number>(at.length + 1);
  const lineShift = new Array<number>(at.length + 1);
  shift[0] = 0;
  lineShift[0] = 0;
  for (let k = 0; k < at.length; k += 1) {
    shift[k + 1] = shift[k]! + removed[k]! - span[k]!;
    lineShift[k + 1] = lineShift[k]! + lines[k]!;
  }
  /**
   * Changes before offset `o` of the compacted text. Lines taken out or left blank (span 0) at
   * `o` itself count for the end of something (the text's end comes after them), not for a start.
   */
  const before = (o: number, end: boolean): number => {
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! + span[mid]! < o) lo = mid + 1;
      else hi = mid;
    }
    while (lo < at.length && at[lo]! + span[lo]! === o && (span[lo]! > 0 || end)) lo += 1;
    return lo;
  };
  const fix = (p: Point, end: boolean): Point => {
    if (p.offset === undefined) return p;
    const k = before(p.offset, end);
    if (k === 0) return { line: p.line, column: p.column, offset: p.offset };
    const offset = p.offset + shift[k]!;
    const line = p.line + lineShift[k]!;
    return { line, column: offset - sourceLines[line - 1]! + 1, offset };
  };
  const restore = (value: string) => value.replace(STAND_INS, (c) => runs[c.charCodeAt(0) - FIRST_STAND_IN] ?? c);
  const visit = (node: Record<string, unknown>): void => {
    if (placed.has(node)) return;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (typeof value === 'string') {
        if (STAND_IN.test(value)) node[key] = restore(value);
      } else if (key === 'position' && value) {
        const position = value as { start: Point; end: Point };
        node[key] = { start: fix(position.start, false), end: fix(position.end, true) };
      } else if (key === 'children' && Array.isArray(value)) {
        for (const child of value) visit(child as Record<string, unknown>);
      }
    }
  };
  visit(tree as unknown as Record<string, unknown>);
  return true;
}
