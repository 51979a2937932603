/**
 * Reading the cells of the Microsoft 365 "URLs and IP address ranges" tables from their markdown
 * source. The source, not the parsed inline nodes, because the same address is written several
 * ways (`<tenant>` inside backticks, `\<tenant\>`, `&lt;tenant&gt;`, a raw `<tenant>` that a
 * markdown parser would take for an HTML tag) and the source text treats them all alike.
 */
import { decodeEntities, type ClassifiedToken } from '../../catalog/normalize.js';
import { tokensOf } from '../markdown/tokens.js';

/** Cell source without the table pipes around it; `\|` inside a cell is a literal pipe. */
export function cellSource(raw: string): string {
  return raw
    .replace(/^\s*\|/, '')
    .replace(/(?<!\\)\|\s*$/, '')
    .replace(/\\\|/g, '|')
    .trim();
}

/** Cell parts separated by `<br>` (any case, `<br/>`, `<br></br>`). */
export function splitBreaks(source: string): string[] {
  return source
    .split(/<br\s*\/?>(?:\s*<\/br>)?/i)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Markdown to the text a reader sees: links to their text, no emphasis or code markers, no tags, entities and escapes resolved. */
export function plainText(source: string): string {
  return decodeEntities(
    source
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<br\s*\/?>/gi, ' ')
      .replace(/<\/?[a-z][^>]*>/gi, '')
      .replace(/(\*\*|__|`)/g, '')
      .replace(/\\([\\`*_{}[\]()#+\-.!<>|&])/g, '$1'),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The endpoints of an Addresses cell: backtick-wrapped, comma-separated lists of hosts and
 * CIDRs, separated by `<br>`. Splitting and classifying is the generic markdown parser's, so a
 * token reads the same in both; `unreadable` holds what looks like an address but is none (the
 * caller warns), while prose words are dropped.
 */
export function addressTokens(source: string): { tokens: ClassifiedToken[]; unreadable: string[] } {
  const tokens: ClassifiedToken[] = [];
  const unreadable: string[] = [];
  for (const part of splitBreaks(source)) {
    const unwrapped = decodeEntities(part.replace(/`/g, ' ').replace(/\\([<>*_])/g, '$1'));
    const found = tokensOf(unwrapped);
    tokens.push(...found.tokens.map(({ kind, value }) => ({ kind, value })));
    unreadable.push(...found.unreadable);
  }
  return { tokens, unreadable };
}

/** What the Category cell holds: `Optimize<BR>Required`, `Default<BR>Optional<BR>**Notes:** ...`. */
export interface CategoryCell {
  category: string | null;
  required: boolean | null;
  notes: string | null;
}

export function readCategoryCell(source: string): CategoryCell {
  const cell: CategoryCell = { category: null, required: null, notes: null };
  const notes: string[] = [];
  for (const part of splitBreaks(source)) {
    const text = plainText(part);
    const note = /^notes?\s*:\s*(.*)$/i.exec(text);
    if (note) {
      if (note[1]) notes.push(note[1]);
    } else if (/^required$/i.test(text)) {
      cell.required = true;
    } else if (/^optional$/i.test(text)) {
      cell.required = false;
    } else if (cell.category === null && !notes.length) {
      cell.category = text || null;
    } else if (text) {
      // Text after the notes label that was broken onto its own line still belongs to the notes.
      notes.push(text);
    }
  }
  cell.notes = notes.length ? notes.join(' ') : null;
  return cell;
}

/** `Yes` / `No` -> true / false; empty -> null; anything else -> undefined (the caller warns). */
export function readYesNo(source: string): boolean | null | undefined {
  const text = plainText(source).toLowerCase();
  if (!text) return null;
  if (text === 'yes') return true;
  if (text === 'no') return false;
  return undefined;
}
