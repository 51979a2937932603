/**
 * Rendered DocFX row blocks -> the RowGroup that parsers/markdown/docfx.ts `readRowGroup` reads,
 * so a rendered `:::row:::` page means what its markdown means (group "id: purpose", groupKey,
 * Required/Optional, Destination/Source hosts, CIDR column, ports, ExpressRoute).
 *
 * DocFX renders `:::row:::` as `<section class="row">` and `:::column:::` as
 * `<div class="column">` (`column span2` for wider ones); previews write `<div class="row">`.
 * A row is any element with the class `row` that has direct children with the class `column`;
 * rows that follow each other with only whitespace between form one group, like row blocks
 * separated only by blank lines in markdown (anything else, a comment too, starts a new group,
 * as a non-blank line does there).
 *
 * Each column is handed over as the HTML source lines between its tags, with the line they start
 * on; `readRowGroup` dedents them and passes them to `parseColumnHtml`, which turns them into the
 * same phrasing nodes a table cell gives (phrasing.ts), so provenance is the line in the page.
 */
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { Root } from 'mdast';
import type { ColumnBlock, RowBlock, RowGroup } from '../markdown/prepare.js';
import { hasClass, isElement, phrasingOf } from './phrasing.js';

function columnsOf(element: Element): Element[] {
  return element.children.filter((c): c is Element => isElement(c) && hasClass(c, 'column'));
}

/** A rendered DocFX row: class `row`, with at least one `column` child. */
export function isRowElement(element: Element): boolean {
  return hasClass(element, 'row') && columnsOf(element).length > 0;
}

/** Whitespace between two rows: like blank lines between row blocks in markdown, it keeps them one group. */
function isWhitespace(node: AnyNode): boolean {
  return node.type === 'text' && node.data.trim() === '';
}

/**
 * The rows starting at `siblings[start]` that form one group, and the index after the last.
 * `siblings[start]` must be a row.
 */
export function consecutiveRows(siblings: readonly AnyNode[], start: number): { rows: Element[]; next: number } {
  const rows: Element[] = [];
  let next = start;
  for (let i = start; i < siblings.length; i += 1) {
    const node = siblings[i]!;
    if (isElement(node) && isRowElement(node)) {
      rows.push(node);
      next = i + 1;
    } else if (!isWhitespace(node)) {
      break;
    }
  }
  return { rows, next };
}

function lineOf(node: AnyNode): number {
  return node.sourceCodeLocation?.startLine ?? 1;
}

/** The source lines between a column's tags and the line the first of them is on. */
function columnBlock(column: Element, html: string): ColumnBlock {
  const loc = column.sourceCodeLocation;
  if (!loc) return { firstLine: 1, lines: [] };
  const from = loc.startTag?.endOffset ?? loc.startOffset;
  // An implicitly closed column (no end tag) ends where its element ends.
  const to = loc.endTag?.startOffset ?? loc.endOffset;
  return { firstLine: loc.startTag?.endLine ?? loc.startLine, lines: html.slice(from, to).split(/\r?\n/) };
}

export function rowGroupOf(rows: Element[], html: string): RowGroup {
  const blocks: RowBlock[] = rows.map((row) => ({
    line: lineOf(row),
    columns: columnsOf(row).map((c) => columnBlock(c, html)),
  }));
  return { line: blocks[0]?.line ?? 1, rows: blocks };
}

/**
 * The column parser handed to `readRowGroup`: an HTML fragment (line 1 = the column's first
 * line) -> a root holding its phrasing nodes. `readRowGroup` escapes `*.` wildcards for
 * markdown's sake; HTML has no escapes, so they are undone in the text.
 */
export function parseColumnHtml(fragment: string): Root {
  const $ = cheerio.load(fragment, { sourceCodeLocationInfo: true }, false);
  const children = phrasingOf($.root()[0]?.children ?? []);
  for (const node of children) if (node.type === 'text') node.value = node.value.replace(/\\\*/g, '*');
  return { type: 'root', children: [{ type: 'paragraph', children }] };
}
