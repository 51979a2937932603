/**
 * The line pre-pass that runs before remark sees a document. It rewrites only what a GFM parser
 * would misread, keeps every other line where it was, and records where each output line came
 * from, so provenance always points at the line a person sees in the original text:
 *
 *  - YAML front matter is blanked (it is metadata; its `# comment` lines would become headings);
 *  - DocFX `:::row:::` / `:::column:::` blocks are lifted out (blanked in the main text) and
 *    returned with their original line numbers, to be parsed column by column;
 *  - pipe tables are made visible to GFM: a header-less table (first line is the delimiter row
 *    `|----|----|`) gets a synthetic empty header line inserted, and a header or delimiter row
 *    with fewer cells than the widest row is padded (GFM drops a table whose header and
 *    delimiter disagree, and drops cells beyond the header's count);
 *  - a wildcard written as `*.` is escaped to `\*.` (and a star inside a host name, `*x.y` or
 *    `x*.y`, to `\*`), so two of them in one paragraph or cell are never read as emphasis.
 */
import { warning, type ParseWarning } from '../warnings.js';

/** One `:::column:::` block: its lines as written (markers excluded) and the line of the first one. */
export interface ColumnBlock {
  /** 1-based original line of the first content line (the line after `:::column:::`). */
  firstLine: number;
  lines: string[];
}

/** One `:::row:::` ... `:::row-end:::` block. */
export interface RowBlock {
  /** 1-based original line of `:::row:::`. */
  line: number;
  columns: ColumnBlock[];
}

/** Consecutive row blocks (only blank lines between them): one table-like unit. */
export interface RowGroup {
  line: number;
  rows: RowBlock[];
}

export interface PreparedDocument {
  /** The text remark parses (LF line ends). */
  text: string;
  /** origin[i] = original 1-based line of output line i + 1. */
  origin: number[];
  groups: RowGroup[];
  warnings: ParseWarning[];
}

const ROW_OPEN = /^\s*:::\s*row\b(?!-end)[^\n]*?:::\s*$/i;
const ROW_END = /^\s*:::\s*row-end\s*:::\s*$/i;
const COLUMN_OPEN = /^\s*:::\s*column\b(?!-end)[^\n]*?:::\s*$/i;
const COLUMN_END = /^\s*:::\s*column-end\s*:::\s*$/i;
const FENCE = /^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})/;
/** Blockquote markers and indentation in front of a table line. */
const LINE_PREFIX = /^((?:[ \t]*>)*)([ \t]*)/;
const DELIMITER_ROW = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
/** A `*` that starts a wildcard label (`*.example.com`), not already escaped. */
const BARE_WILDCARD = /(^|[\s|>,;(])\*(?=\.[a-z0-9<{&])/gi;
/**
 * A lone `*` inside a host name (`*excel.example.com`, `name*.example.com`), not escaped: the
 * rest of the name, up to its top-level domain, follows it. `*bold.example.com*` is emphasis.
 */
const STAR_IN_HOST = /(?<![\\*])\*(?!\*)(?=[a-z0-9#-]*(?:\.[a-z0-9*#-]+)*\.[a-z]{2,63}(?![\w*]|\.[a-z0-9]))/gi;

function splitPrefix(line: string): { prefix: string; depth: number; body: string } {
  const match = LINE_PREFIX.exec(line)!;
  const prefix = match[0];
  const quotes = match[1] ?? '';
  return { prefix, depth: (quotes.match(/>/g) ?? []).length, body: line.slice(prefix.length) };
}

function isDelimiterRow(line: string): boolean {
  const { body } = splitPrefix(line);
  return body.includes('|') && body.includes('-') && DELIMITER_ROW.test(body.trimEnd());
}

function isPipeRow(line: string): boolean {
  const body = splitPrefix(line).body.trim();
  return body.length > 0 && body.includes('|');
}

/** Cells in a table line, counted the way GFM counts them (outer pipes optional, `\|` literal). */
export function countCells(line: string): number {
  let body = splitPrefix(line).body.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).length;
}

/** Front matter: a `---` first line up to the next `---` / `...` line. Returns the closing index or -1. */
function frontMatterEnd(lines: string[]): number {
  if (lines[0]?.trim() !== '---') return -1;
  for (let i = 1; i < lines.length; i += 1) {
    const t = lines[i]!.trim();
    if (t === '---' || t === '...') return i;
  }
  return -1;
}

/** Lifts DocFX row blocks out of `lines` (blanking them in place) and returns them grouped. */
function extractRowBlocks(lines: string[], warnings: ParseWarning[]): RowGroup[] {
  const groups: RowGroup[] = [];
  let row: RowBlock | null = null;
  let column: ColumnBlock | null = null;
  let lastRowEnd = -1;
  const closeRow = (index: number) => {
    if (!row) return;
    if (column) row.columns.push(column);
    column = null;
    const previous = groups[groups.length - 1];
    const onlyBlankSince = lastRowEnd >= 0 && lines.slice(lastRowEnd + 1, row.line - 1).every((l) => l.trim() === '');
    if (previous && onlyBlankSince) previous.rows.push(row);
    else groups.push({ line: row.line, rows: [row] });
    lastRowEnd = index;
    row = null;
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (!row) {
      if (ROW_OPEN.test(line)) {
        row = { line: i + 1, columns: [] };
        lines[i] = '';
      }
      continue;
    }
    lines[i] = '';
    if (ROW_END.test(line)) {
      closeRow(i);
    } else if (COLUMN_OPEN.test(line)) {
      if (column) row.columns.push(column);
      column = { firstLine: i + 2, lines: [] };
    } else if (COLUMN_END.test(line)) {
      if (column) row.columns.push(column);
      column = null;
    } else if (ROW_OPEN.test(line)) {
      warnings.push(warning('other', `line ${row.line}: :::row::: without :::row-end::: (closed at line ${i + 1})`));
      closeRow(i - 1);
      row = { line: i + 1, columns: [] };
    } else if (column) {
      column.lines.push(line);
    }
  }
  if (row) {
    warnings.push(
      warning(
        'other',
        `line ${(row as RowBlock).line}: :::row::: without :::row-end::: (closed at the end of the document)`,
      ),
    );
    closeRow(lines.length - 1);
  }
  return groups;
}

/** Escapes wildcards (`*.x` -> `\*.x`, `*x.y` -> `\*x.y`) so that GFM never pairs two of them as emphasis. */
export function escapeWildcards(line: string): string {
  return line.includes('*') ? line.replace(BARE_WILDCARD, '$1\\*').replace(STAR_IN_HOST, '\\*') : line;
}

export function prepareDocument(source: string): PreparedDocument {
  const warnings: ParseWarning[] = [];
  const lines = source.split(/\r?\n/);
  const fmEnd = frontMatterEnd(lines);
  for (let i = 0; i <= fmEnd; i += 1) lines[i] = '';
  const groups = extractRowBlocks(lines, warnings);

  const out: string[] = [];
  const origin: number[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]!.startsWith(fence)) fence = null;
      out.push(line);
      origin.push(i + 1);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      out.push(line);
      origin.push(i + 1);
      continue;
    }
    if (!isDelimiterRow(line)) {
      out.push(escapeWildcards(line));
      origin.push(i + 1);
      continue;
    }
    const delimiter = splitPrefix(line);
    const previous = i > 0 ? lines[i - 1]! : '';
    const hasHeader =
      isPipeRow(previous) && !isDelimiterRow(previous) && splitPrefix(previous).depth === delimiter.depth;
    let width = Math.max(countCells(line), hasHeader ? countCells(previous) : 0);
    for (
      let j = i + 1;
      j < lines.length && isPipeRow(lines[j]!) && splitPrefix(lines[j]!).depth === delimiter.depth;
      j += 1
    ) {
      width = Math.max(width, countCells(lines[j]!));
    }
    // A table right under a quoted line (DocFX's `> [!div class="mx-tableFixed"]`) would be read
    // as that quote's lazy continuation; a blank line in front keeps it a table.
    const headerAt = hasHeader ? i - 1 : i;
    const above = headerAt > 0 ? lines[headerAt - 1]! : '';
    const needsGap = above.trim() !== '' && splitPrefix(above).depth > delimiter.depth;
    if (needsGap) {
      out.splice(hasHeader ? out.length - 1 : out.length, 0, '');
      origin.splice(hasHeader ? origin.length - 1 : origin.length, 0, headerAt);
    }
    if (hasHeader) {
      const headerCells = countCells(previous);
      if (headerCells < width) {
        const body = out[out.length - 1]!.trimEnd();
        out[out.length - 1] = `${body.endsWith('|') ? body : `${body}|`}${' |'.repeat(width - headerCells)}`;
      }
    } else {
      // GFM needs a header line; an empty one keeps the real first row a data row.
      out.push(`${delimiter.prefix}|${' |'.repeat(width)}`);
      origin.push(i + 1);
    }
    out.push(countCells(line) === width ? line : `${delimiter.prefix}|${'---|'.repeat(width)}`);
    origin.push(i + 1);
  }
  return { text: out.join('\n'), origin, groups, warnings };
}
