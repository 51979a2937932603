/**
 * The mdast tree of a markdown text: the tree remark-parse + GFM tables build, built with less
 * of micromark's work (see fast-tables.ts and compact.ts). tree.test.ts checks, on the
 * whole corpus and on the constructs those modules are careful about, that the tree is the
 * one remark builds from the text as it is (`parseMarkdownTreeDirect`), positions included.
 */
import { unified, type Processor } from 'unified';
import remarkParse from 'remark-parse';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import type { Nodes, PhrasingContent, Root, RootContent, Table } from 'mdast';
import { canCompact, compact, expand, standIn, type PlacedTable } from './compact.js';
import { findTables, scanContext, type PendingInline } from './fast-tables.js';
import { findBlocks } from './fast-blocks.js';

/**
 * GFM pipe tables are the only GFM syntax that can hold endpoints. The rest of remark-gfm is left
 * out on purpose: autolink literals cost a tree walk over every text node and only split text
 * that is read the same way without them (inline.ts reads bare URLs as text either way);
 * strikethrough, footnotes and task lists never occur in these documents.
 */
function gfmTables(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmTable());
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown());
}

const processor = unified().use(remarkParse).use(gfmTables).freeze();

/** The tree remark builds for `text`, read character by character. */
export function parseMarkdownTreeDirect(text: string): Root {
  return processor.parse(text) as Root;
}

/** A link reference definition anywhere (references resolve across the whole document). */
const DEFINITION = /^ {0,3}(?:> ?)*(?: {0,3}(?:[-+*]|\d{1,9}[.)]) +)*\[[^\]]*\]:/m;

/** The tree remark builds for `text` (the same tree as parseMarkdownTreeDirect, sooner). */
export function parseMarkdownTree(text: string): Root {
  // A lone CR is a line end for micromark; the shortcuts count lines at LF only. Inline content
  // parsed apart from the document would not see its link reference definitions.
  if (!canCompact(text) || text.includes('\r')) return parseMarkdownTreeDirect(text);
  if (!DEFINITION.test(text)) {
    const tree = withShortcuts(text);
    if (tree) return tree;
  }
  const compacted = compact(text);
  const tree = processor.parse(compacted.text) as Root;
  expand(tree, compacted);
  return tree;
}

/** The tree with every shortcut, or null when a table did not land where its lines said. */
function withShortcuts(text: string): Root | null {
  const lines = text.split('\n');
  const starts = lineStarts(lines);
  const context = scanContext(lines);
  const tables = findTables(lines, starts, context);
  const blocks = findBlocks(lines, starts, context, tables);
  const pending = [...tables.flatMap((t) => t.pending), ...blocks.pending];
  const placed = tables.filter((t) => !blocks.tables.has(t));
  const compacted = compact(
    text,
    placed.map((t) => ({ first: t.first, last: t.last, indent: t.indent })),
    blocks.removed,
  );
  const byStandIn = new Map<string, PlacedTable>();
  for (const table of placed) {
    const index = compacted.tableStandIns.get(table.first);
    if (index === undefined || index < 0) return null;
    byStandIn.set(standIn(index), { node: table.node, depth: table.depth, nestable: table.nestable });
  }
  // Pending inline content is parsed in the same go, as a table after the document's end.
  const appendix = pendingTable(pending);
  const tree = processor.parse(appendix ? `${compacted.text}\n\n${appendix.text}` : compacted.text) as Root;
  if (appendix) {
    const table = tree.children.pop();
    const firstLine = compacted.text.split('\n').length + 2;
    if (
      table?.type !== 'table' ||
      table.position?.start.line !== firstLine ||
      !fillPending(pending, table, firstLine, compacted.text.length + 2 + appendix.head)
    )
      return null;
    // The root ends where the document ends.
    const lastLine = compacted.text.slice(compacted.text.lastIndexOf('\n') + 1);
    tree.position!.end = { line: firstLine - 2, column: lastLine.length + 1, offset: compacted.text.length };
  }
  if (!expand(tree, compacted, byStandIn)) return null;
  if (blocks.nodes.length) tree.children = mergeByOffset(tree.children, blocks.nodes);
  return tree;
}

/** Two lists of blocks in document order, merged. */
function mergeByOffset(a: RootContent[], b: RootContent[]): RootContent[] {
  const out: RootContent[] = [];
  let i = 0;
  let j = 0;
  const offset = (node: RootContent) => node.position?.start.offset ?? 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && offset(a[i]!) < offset(b[j]!))) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

function lineStarts(lines: string[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return starts;
}

/**
 * Inline content fast-tables.ts and fast-blocks.ts left pending, as one table: one body row per
 * content, between a space and a pipe on each side. A table cell's content is parsed on its own
 * in GFM (no construct crosses a pipe), and as a paragraph's line is, so its nodes are those of
 * the original, shifted. (The document has no link reference definition: see above.)
 */
function pendingTable(pending: PendingInline[]): { text: string; head: number } | null {
  if (pending.length === 0) return null;
  const head = '| x |\n| - |\n';
  return { text: head + pending.map((p) => `| ${p.content} |`).join('\n'), head: head.length };
}

/** Puts the pending contents' nodes in place, from the table `pendingTable` made (at `line`, `offset`). */
function fillPending(pending: PendingInline[], table: Table, line: number, offset: number): boolean {
  const body = table.children.slice(1);
  if (body.length !== pending.length) return false;
  let rowOffset = offset;
  for (let i = 0; i < pending.length; i += 1) {
    const p = pending[i]!;
    const row = body[i]!;
    if (row.children.length !== 1) return false;
    // The content starts at column 3 of the row's line.
    const lineShift = p.line - (line + 2 + i);
    const columnShift = p.column - 3;
    const offsetShift = p.offset - (rowOffset + 2);
    const children = row.children[0]!.children;
    for (const child of children) shiftNode(child, lineShift, columnShift, offsetShift);
    p.target.children = children as PhrasingContent[];
    rowOffset += p.content.length + 5;
  }
  return true;
}

function shiftNode(node: Nodes, line: number, column: number, offset: number): void {
  const position = node.position;
  if (position) {
    node.position = {
      start: {
        line: position.start.line + line,
        column: position.start.column + column,
        offset: (position.start.offset ?? 0) + offset,
      },
      end: {
        line: position.end.line + line,
        column: position.end.column + column,
        offset: (position.end.offset ?? 0) + offset,
      },
    };
  }
  if ('children' in node) for (const child of node.children as Nodes[]) shiftNode(child, line, column, offset);
}
