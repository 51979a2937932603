/**
 * The document's own words beside a change: a short unified diff of the raw text around the rows
 * whose endpoints changed, led by the prose directly above them ("New data center in West US 3",
 * "These addresses will be retired on ..."). A person judging a change, a withheld removal or a
 * layout change reads this instead of opening the page. Pure: two texts in, lines out.
 */
import { structuredPatch } from 'diff';
import type { Change } from './changes.js';

export interface DocumentContextOptions {
  /** Hunks shown at most; the rest are counted. */
  maxHunks?: number;
  /** Changed and context lines shown per hunk at most (the lead-in prose comes on top). */
  maxLinesPerHunk?: number;
  /** Characters a line is cut to. */
  maxLineLength?: number;
}

export interface DocumentContext {
  /** The unified-diff-like text, one hunk after the other; empty when no changed line was found. */
  text: string;
  /** Hunks shown. */
  hunks: number;
  /** Hunks that touch the endpoints but were left out by `maxHunks`. */
  omitted: number;
}

const DEFAULTS: Required<DocumentContextOptions> = { maxHunks: 6, maxLinesPerHunk: 14, maxLineLength: 160 };
/** Beyond this edit distance the text changed wholesale: a line diff would be noise, and slow. */
const MAX_EDIT_LENGTH = 2_000;

/** Lines of the block a changed row sits in: table rows, DocFX markers, list items, code. */
const BLOCK_LINE = /^\s*(?:\||:::|[-*+]\s|\d+[.)]\s|```|~~~|>|<(?:br|td|tr|table|li|ul)\b)/i;
const HEADING = /^\s{0,3}#{1,6}\s/;

function cut(line: string, max: number): string {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A long changed line shown around the first endpoint it mentions: the change may sit far to the right. */
function around(line: string, max: number, needles: readonly string[]): string {
  if (line.length <= max) return line;
  const lower = line.toLowerCase();
  const at = Math.min(...needles.map((n) => lower.indexOf(n)).filter((i) => i >= 0));
  if (!Number.isFinite(at) || at < max / 2) return cut(line, max);
  const start = Math.max(1, at - Math.floor(max / 3));
  const end = Math.min(line.length, start + max - 2);
  return `${line[0]}…${line.slice(start, end)}${end < line.length ? '…' : ''}`;
}

/** Lowered forms of a value to look for in raw lines (`*.x` is often written `\*.x`, `/32` dropped). */
function needles(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const v = value.toLowerCase();
    out.add(v);
    if (v.startsWith('*.')) out.add(v.slice(2));
  }
  return [...out].filter((v) => v.length >= 3);
}

/**
 * The heading and paragraph directly above the block that holds line `index` (0-based) of
 * `lines`: what the page says about the rows below it. At most a heading and three lines.
 */
function leadIn(lines: readonly string[], index: number): { lines: string[]; end: number } {
  let i = index - 1;
  while (i >= 0 && lines[i]!.trim() !== '' && BLOCK_LINE.test(lines[i]!) && !HEADING.test(lines[i]!)) i -= 1;
  while (i >= 0 && lines[i]!.trim() === '') i -= 1;
  const end = i + 1;
  const paragraph: string[] = [];
  while (i >= 0 && lines[i]!.trim() !== '' && paragraph.length < 3) {
    paragraph.unshift(lines[i]!);
    if (HEADING.test(lines[i]!)) return { lines: paragraph, end };
    i -= 1;
  }
  // The nearest heading above the paragraph names the section.
  for (let h = i; h >= 0; h -= 1) {
    if (HEADING.test(lines[h]!)) {
      paragraph.unshift(lines[h]!, '…');
      break;
    }
  }
  return { lines: paragraph, end };
}

/**
 * Hunks of the line diff `before` -> `after` whose added or removed lines mention one of
 * `values` (all hunks when `values` is empty), each led by the prose above it in `after`.
 */
export function documentContext(
  before: string,
  after: string,
  values: readonly string[],
  options: DocumentContextOptions = {},
): DocumentContext {
  const opts = { ...DEFAULTS, ...options };
  const patch = structuredPatch('before', 'after', before, after, undefined, undefined, {
    context: 1,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (!patch) return { text: '(the document text changed too much to show a line diff)', hunks: 0, omitted: 0 };
  const wanted = needles(values);
  const mentions = (line: string) => {
    const lower = line.toLowerCase();
    return wanted.some((n) => lower.includes(n));
  };
  const relevant = patch.hunks.filter(
    (h) => wanted.length === 0 || h.lines.some((l) => (l.startsWith('+') || l.startsWith('-')) && mentions(l.slice(1))),
  );
  const afterLines = after.split(/\r?\n/);
  const out: string[] = [];
  const shown = relevant.slice(0, opts.maxHunks);
  for (const hunk of shown) {
    const lead = leadIn(afterLines, hunk.newStart - 1);
    const where = lead.lines.find((l) => HEADING.test(l))?.trim();
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${where ? ` ${where}` : ''}`);
    for (const line of lead.lines)
      if (line !== where || !HEADING.test(line)) out.push(` ${cut(line, opts.maxLineLength)}`);
    // Lines between the lead-in and the hunk (the top of a long table) are skipped.
    if (lead.lines.length && lead.end < hunk.newStart - 1) out.push(' …');
    const body = hunk.lines.filter((l) => !l.startsWith('\\'));
    for (const line of body.slice(0, opts.maxLinesPerHunk))
      out.push(line.startsWith(' ') ? cut(line, opts.maxLineLength + 1) : around(line, opts.maxLineLength + 1, wanted));
    if (body.length > opts.maxLinesPerHunk) out.push(`  … ${body.length - opts.maxLinesPerHunk} more line(s)`);
  }
  const omitted = relevant.length - shown.length;
  if (omitted > 0) out.push(`… ${omitted} more place(s) in the document`);
  return { text: out.join('\n'), hunks: shown.length, omitted };
}

/** The endpoint values a change set names, as `documentContext` looks for them. */
export function changedValues(changes: readonly Pick<Change, 'value' | 'reshape'>[]): string[] {
  const values = new Set<string>();
  for (const change of changes) {
    values.add(change.value);
    for (const v of change.reshape?.before ?? []) values.add(v);
    for (const v of change.reshape?.after ?? []) values.add(v);
  }
  return [...values];
}
