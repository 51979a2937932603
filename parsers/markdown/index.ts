/**
 * Markdown documents (GFM pipe tables, DocFX `:::row:::` blocks), the way Microsoft writes its
 * network-requirement pages.
 *
 * Where endpoints are read from, and nowhere else:
 *  - pipe tables (tables.ts), with header-less and padded variants made visible in prepare.ts;
 *  - DocFX row blocks (docfx.ts);
 *  - endpoint lists: a paragraph, list item or code block whose every line holds nothing but
 *    IPs / host names ("104.42.231.28", "- 65.55.234.192/26", a ```ini block of hosts, URL
 *    lines included), and a line that ends in a colon followed by nothing but addresses ("...
 *    to be sent: 198.2.134.139 (mail1.example.com)"). Early versions of real pages list their
 *    IPs this way.
 *  - allow instructions in prose: a sentence that tells the reader to allow connections or
 *    traffic to a host or URL ("you need to allow http connections to http://ocsp.example.com/
 *    on port 80"), with the ports it states (lists.ts allowInstruction).
 * Other hosts and IPs mentioned inside prose are not endpoints (announcements and examples name
 * hosts too), and neither is anything inside a link (its text or its target) or the YAML front matter. What looks like an endpoint in a
 * table's label or Notes column, a row's purpose, a code block that is not an endpoint list,
 * or a list item among endpoint items is not catalogued either, and is warned about.
 */
import type { Nodes } from 'mdast';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { plainText, textLines, type LineMap } from './inline.js';
import { prepareDocument } from './prepare.js';
import { parseMarkdownTree } from './tree.js';
import { readTable } from './tables.js';
import { readRowGroup } from './docfx.js';
import { endpointOnlyLines, listEntry, proseLineEntries } from './lists.js';
import { unreadWarnings } from './tokens.js';
import { SectionProse } from './prose.js';
import { resultWarnings, warning, type ParseWarning } from '../warnings.js';

export const MARKDOWN_FORMAT = 'markdown';

interface Unit {
  line: number;
  headers: string[];
  rows: number;
}

export function parseMarkdown(doc: TextDocument): ParseResult {
  const prepared = prepareDocument(doc.text);
  const source = prepared.text;
  const map: LineMap = (line) => prepared.origin[line - 1] ?? line;
  const tree = parseMarkdownTree(source);

  const entries: CatalogEntry[] = [];
  const warnings = [...prepared.warnings];
  const units: Unit[] = [];
  const headings: { line: number; text: string }[] = [];
  /** Open lists, innermost last: whether one of its items lists endpoints, and what the others mention. */
  const lists: { listed: boolean; mentions: ParseWarning[] }[] = [];
  let section = '';
  const prose = new SectionProse();

  const walk = (node: Nodes): void => {
    switch (node.type) {
      case 'heading':
        section = plainText(node, source, map);
        prose.reset();
        headings.push({ line: map(node.position?.start.line ?? 1), text: section });
        return;
      case 'table': {
        const result = readTable(node, { source, map, section, introPorts: prose.ports() });
        entries.push(...result.entries);
        warnings.push(...result.warnings);
        if (result.entries.length) units.push({ line: result.line, headers: result.headers, rows: result.rows });
        return;
      }
      case 'list': {
        const list = { listed: false, mentions: [] };
        lists.push(list);
        for (const child of node.children) walk(child);
        lists.pop();
        // An item among endpoint items that is not one itself: what it names is said, not lost.
        if (list.listed) warnings.push(...list.mentions);
        return;
      }
      case 'paragraph':
      case 'code': {
        const lines = textLines(node, source, map);
        const listed = endpointOnlyLines(lines, node.type === 'code');
        const list = lists.at(-1);
        if (listed) {
          const ports = prose.ports();
          for (const { token, line } of listed) entries.push(listEntry(token, line, section, ports));
          if (list) list.listed = true;
        } else if (node.type === 'code') {
          // Code is never prose: endpoints in it that are not a list of endpoints only are said.
          warnings.push(...unreadWarnings(lines, 'in a code block that is not a list of endpoints only'));
        } else {
          for (const line of lines) entries.push(...proseLineEntries(line, section, prose));
          list?.mentions.push(...unreadWarnings(lines, 'in a list item among endpoint items'));
        }
        if (node.type === 'paragraph') prose.add(lines.map((l) => l.full).join('\n'));
        return;
      }
      case 'html':
        prose.add(plainText(node, source, map));
        return;
      default:
        if ('children' in node) for (const child of node.children as Nodes[]) walk(child);
    }
  };
  walk(tree);

  for (const group of prepared.groups) {
    const above = headings.filter((h) => h.line < group.line).pop();
    const result = readRowGroup(group, above?.text ?? '', parseMarkdownTree);
    entries.push(...result.entries);
    warnings.push(...result.warnings);
    if (result.entries.length) units.push({ line: result.line, headers: result.headers, rows: result.rows });
  }

  units.sort((a, b) => a.line - b.line);
  entries.sort((a, b) => a.provenance.line - b.provenance.line);
  if (entries.length === 0)
    warnings.push(warning('other', `${doc.location}: no endpoint found in any table, row block or endpoint list`));
  return {
    entries,
    shape: {
      format: MARKDOWN_FORMAT,
      tables: units.length,
      rows: units.reduce((sum, u) => sum + u.rows, 0),
      columns: units.map((u) => u.headers),
      entriesPerSection: {},
    },
    ...resultWarnings(warnings),
  };
}

const MARKDOWN_TYPES = new Set(['text/markdown', 'text/x-markdown', 'text/vnd.daringfireball.markdown']);

/** How sure we are that `doc` is markdown: 0 for JSON and HTML, low but non-zero for unknown text. */
export function detectMarkdown(doc: TextDocument): number {
  const type = doc.contentType?.toLowerCase() ?? null;
  const head = doc.text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (type && (type.includes('json') || type.includes('html') || type.includes('xml'))) return 0;
  if (/^[{[]/.test(head) && /^[{[][\s\S]*[}\]]\s*$/.test(doc.text.trim())) return 0;
  if (/^<(?:!doctype\s+html|html|\?xml)\b/i.test(head)) return 0;
  if (/\0/.test(head)) return 0;

  const sample = doc.text.slice(0, 200_000);
  const docfx = /^\s*:::\s*row\s*:::\s*$/m.test(sample);
  const table = /^[ \t>]*\|?[ \t]*:?-{2,}:?[ \t]*\|/m.test(sample);
  const heading = /^#{1,6}[ \t]+\S/m.test(sample);
  const frontMatter = /^---\r?\n[\s\S]*?\r?\n---\r?$/m.test(sample.slice(0, 4096)) && head.startsWith('---');
  const mdName = /\.(?:md|markdown)(?:[?#].*)?$/i.test(doc.location);

  // Generic: stays below format-specific parsers of markdown pages (m365-urls scores 0.9).
  let score = type && MARKDOWN_TYPES.has(type) ? 0.6 : mdName ? 0.5 : type === 'text/plain' ? 0.3 : 0.1;
  if (table || heading || frontMatter) score = Math.max(score, 0.7);
  if (docfx) score = Math.max(score, 0.8);
  if ((docfx || table) && (MARKDOWN_TYPES.has(type ?? '') || mdName)) score = Math.min(0.85, score + 0.05);
  return score;
}

export const markdownParser: DocumentParser = {
  id: MARKDOWN_FORMAT,
  description: 'Markdown pages: GFM pipe tables, DocFX :::row::: blocks and endpoint lists under headings',
  syntax: 'markdown',
  detect: detectMarkdown,
  parse: parseMarkdown,
};
