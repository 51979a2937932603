/**
 * The mdast tree of a markdown text, as remark-parse builds it with GFM pipe tables.
 *
 * GFM pipe tables are the only GFM syntax that can hold endpoints. The rest of remark-gfm is left
 * out on purpose: autolink literals cost a tree walk over every text node and only split text
 * that is read the same way without them (inline.ts reads bare URLs as text either way);
 * strikethrough, footnotes and task lists never occur in these documents.
 */
import { unified, type Processor } from 'unified';
import remarkParse from 'remark-parse';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import type { Root } from 'mdast';

function gfmTables(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmTable());
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown());
}

const processor = unified().use(remarkParse).use(gfmTables).freeze();

/** The tree remark builds for `text`. */
export function parseMarkdownTree(text: string): Root {
  return processor.parse(text) as Root;
}
