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
import type { Nodes, PhrasingContent, Root, RootContent } from 'mdast';
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
  fillPending([...tables.flatMap((t) => t.pending), ...blocks.pending]);
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
  const tree = processor.parse(compacted.text) as Root;
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
 * Parses the cells fast-tables.ts left pending, all in one table: one body row per cell, its
 * content between a space and a pipe on each side. A cell's content is parsed on its own in
 * GFM (no construct crosses a pipe), so its nodes are those of the original cell, shifted.
 */
function fillPending(pending: PendingInline[]): void {
  if (pending.length === 0) return;
  const head = '| x |\n| - |\n';
  const rows = pending.map((p) => `| ${p.content} |`);
  const tree = parseMarkdownTreeDirect(head + rows.join('\n'));
  const table = tree.children[0];
  const body = table?.type === 'table' ? table.children.slice(1) : [];
  let offset = head.length;
  pending.forEach((p, i) => {
    const cell = body[i]?.children[0];
    if (!cell || body[i]!.children.length !== 1) throw new Error(`markdown: cell "${p.content}" did not parse as one cell`);
    // Content starts at column 3 of mini line i + 3, at `offset + 2`.
    const lineShift = p.line - (i + 3);
    const columnShift = p.column - 3;
    const offsetShift = p.offset - (offset + 2);
    for (const child of cell.children) shiftNode(child, lineShift, columnShift, offsetShift);
    p.target.children = cell.children as PhrasingContent[];
    offset += rows[i]!.length + 1;
  });
}

function shiftNode(node: Nodes, line: number, column: number, offset: number): void {
  const position = node.position;
  if (position) {
    node.position = {
      start: { line: position.start.line + line, column: position.start.column + column, offset: (position.start.offset ?? 0) + offset },
      end: { line: position.end.line + line, column: position.end.column + column, offset: (position.end.offset ?? 0) + offset },
    };
  }
  if ('children' in node) for (const child of node.children as Nodes[]) shiftNode(child, line, column, offset);
}
