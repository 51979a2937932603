/**
 * Rendered documentation pages (HTML): the same catalog as the markdown the page was rendered
 * from.
 *
 * Endpoints are read where the markdown parser reads them, nowhere else:
 *  - `<table>`s and rendered DocFX row blocks, turned into the structures the markdown parser
 *    reads (an mdast `table` node, a `RowGroup`) and interpreted by its `readTable` /
 *    `readRowGroup`, so one document gives one catalog whichever format it was fetched in;
 *  - endpoint lists (lists.ts): a paragraph, list item or `<pre>` block of nothing but
 *    addresses, and addresses after a closing colon.
 * Walking the page in document order:
 *  - `<h1>`-`<h6>` start a section (its text only); every heading level does, as in markdown;
 *  - paragraphs outside tables and row blocks are the section's prose, where a table or list
 *    without a port column finds its ports ("add outbound port 443 for ...");
 *  - scripts, styles, comments, `<nav>`, `<header>`, `<footer>` and `hidden` elements are
 *    skipped (page chrome is not a statement about endpoints), and `<pre>` is code: an
 *    endpoint list at most, never prose.
 * A page without any of these (an error page, a login wall) gives no entry and a warning; the
 * pipeline reports that as "no endpoint found".
 */
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { ParseError, errorMessage } from '../../errors/index.js';
import { readRowGroup } from '../markdown/docfx.js';
import { plainText, textLines, type LineMap } from '../markdown/inline.js';
import { readTable } from '../markdown/tables.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { isBlock, isElement, isSkipped, phrasingOf } from './phrasing.js';
import { consecutiveRows, isRowElement, parseColumnHtml, rowGroupOf } from './rows.js';
import { endpointOnlyLines, listEntry, proseLineEntries } from '../markdown/lists.js';
import { tableNode } from './tables.js';
import { unreadWarnings } from '../markdown/tokens.js';
import { SectionProse } from '../markdown/prose.js';
import { resultWarnings, warning, type ParseWarning } from '../warnings.js';

export const HTML_FORMAT = 'html';

const HEADING = /^h[1-6]$/;
/** Positions come straight from the HTML source: no line mapping. */
const sameLine: LineMap = (line) => line;

interface Unit {
  line: number;
  headers: string[];
  rows: number;
}

interface WalkState {
  html: string;
  section: string;
  /** Paragraphs of the section so far (outside tables, rows and code), in document order. */
  prose: SectionProse;
  entries: CatalogEntry[];
  warnings: ParseWarning[];
  units: Unit[];
  /** Open `<ul>` / `<ol>` lists, innermost last (see the markdown parser's lists). */
  lists: { listed: boolean; mentions: ParseWarning[] }[];
}

function loadHtml(doc: TextDocument): cheerio.CheerioAPI {
  try {
    return cheerio.load(doc.text, { sourceCodeLocationInfo: true });
  } catch (err) {
    throw new ParseError(`${doc.location}: not readable as HTML (${errorMessage(err)})`, { cause: err });
  }
}

function headingText(heading: Element, html: string): string {
  return plainText(phrasingOf(heading.children), html, sameLine);
}

function readTableElement(table: Element, state: WalkState): void {
  const result = readTable(tableNode(table), {
    source: state.html,
    map: sameLine,
    section: state.section,
    introPorts: state.prose.ports(),
  });
  state.entries.push(...result.entries);
  state.warnings.push(...result.warnings);
  if (result.entries.length) state.units.push({ line: result.line, headers: result.headers, rows: result.rows });
}

function readRows(rows: Element[], state: WalkState): void {
  const result = readRowGroup(rowGroupOf(rows, state.html), state.section, parseColumnHtml);
  state.entries.push(...result.entries);
  state.warnings.push(...result.warnings);
  if (result.entries.length) state.units.push({ line: result.line, headers: result.headers, rows: result.rows });
}

/** True when `element` holds a block, table, heading or row somewhere inside (so it is not inline). */
function holdsBlock(element: Element): boolean {
  return element.children.some(
    (child) => isElement(child) && !isSkipped(child) && (isBlock(child) || holdsBlock(child)),
  );
}

/**
 * A run of inline content (what markdown calls a paragraph; a list item's or a cell-less
 * `<div>`'s text too): an endpoint list when every line holds only endpoints, addresses after a
 * closing colon or named by an allow instruction, and in any case prose of the section.
 */
function readParagraph(run: AnyNode[], state: WalkState): void {
  const lines = textLines(phrasingOf(run), state.html, sameLine);
  if (lines.length === 0) return;
  const listed = endpointOnlyLines(lines);
  const list = state.lists.at(-1);
  if (listed) {
    const ports = state.prose.ports();
    for (const { token, line } of listed) state.entries.push(listEntry(token, line, state.section, ports));
    if (list) list.listed = true;
  } else {
    for (const line of lines) state.entries.push(...proseLineEntries(line, state.section, state.prose));
    list?.mentions.push(...unreadWarnings(lines, 'in a list item among endpoint items'));
  }
  state.prose.add(lines.map((l) => l.full).join('\n'));
}

/** A `<pre>` block: an endpoint list when every line holds only endpoints; never prose (it is code). */
function readCode(pre: Element, state: WalkState): void {
  const lines = textLines(phrasingOf(pre.children), state.html, sameLine);
  const listed = endpointOnlyLines(lines, true);
  if (!listed) {
    state.warnings.push(...unreadWarnings(lines, 'in a code block that is not a list of endpoints only'));
    return;
  }
  const ports = state.prose.ports();
  for (const { token, line } of listed) state.entries.push(listEntry(token, line, state.section, ports));
}

/** A `<ul>` / `<ol>`: its items, and what items that list no endpoint name when others do. */
function readList(list: Element, state: WalkState): void {
  const open = { listed: false, mentions: [] };
  state.lists.push(open);
  walk(list.children, state);
  state.lists.pop();
  if (open.listed) state.warnings.push(...open.mentions);
}

function walk(nodes: readonly AnyNode[], state: WalkState): void {
  let run: AnyNode[] = [];
  const flush = () => {
    if (run.length) readParagraph(run, state);
    run = [];
  };
  for (let i = 0; i < nodes.length; i += 1) {
    const node = nodes[i]!;
    if (node.type === 'text') {
      run.push(node);
      continue;
    }
    if (!isElement(node) || isSkipped(node)) continue;
    if (isRowElement(node)) {
      flush();
      const { rows, next } = consecutiveRows(nodes, i);
      readRows(rows, state);
      i = next - 1;
    } else if (HEADING.test(node.name)) {
      flush();
      state.section = headingText(node, state.html);
      state.prose.reset();
    } else if (node.name === 'table') {
      flush();
      readTableElement(node, state);
    } else if (node.name === 'pre') {
      flush();
      readCode(node, state);
    } else if (node.name === 'ul' || node.name === 'ol') {
      flush();
      readList(node, state);
    } else if (isBlock(node) || holdsBlock(node)) {
      flush();
      walk(node.children, state);
    } else {
      run.push(node);
    }
  }
  flush();
}

export function parseHtml(doc: TextDocument): ParseResult {
  const $ = loadHtml(doc);
  const state: WalkState = {
    html: doc.text,
    section: '',
    prose: new SectionProse(),
    entries: [],
    warnings: [],
    units: [],
    lists: [],
  };
  walk($.root()[0]?.children ?? [], state);

  state.units.sort((a, b) => a.line - b.line);
  state.entries.sort((a, b) => a.provenance.line - b.provenance.line);
  if (state.entries.length === 0) {
    const title = $('title').first().text().replace(/\s+/g, ' ').trim();
    state.warnings.push(
      warning(
        'other',
        `${doc.location}: no endpoint found in any table, row block or endpoint list${title ? ` (page title "${title}")` : ''}`,
      ),
    );
  }
  return {
    entries: state.entries,
    shape: {
      format: HTML_FORMAT,
      tables: state.units.length,
      rows: state.units.reduce((sum, u) => sum + u.rows, 0),
      columns: state.units.map((u) => u.headers),
      entriesPerSection: {},
    },
    ...resultWarnings(state.warnings),
  };
}

const HTML_TYPES = /^(?:text\/html|application\/xhtml\+xml)\b/i;

/**
 * How sure we are that `doc` is an HTML page: certain for an HTML content type or a document
 * that opens like one; middling for a fragment with a table or rendered rows; otherwise none,
 * so a markdown page with inline `<br>` or `<b>` stays with the markdown parser.
 */
export function detectHtml(doc: TextDocument): number {
  const type = doc.contentType?.trim().toLowerCase() ?? '';
  if (/json/.test(type)) return 0;
  if (HTML_TYPES.test(type)) return 0.95;
  const head = doc.text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html)[\s>]/i.test(head)) return 0.95;
  if (/markdown/.test(type)) return 0;
  const sample = doc.text.slice(0, 200_000);
  if (/<table[\s>]/i.test(sample)) return 0.5;
  if (/<(?:section|div)\s[^>]*class\s*=\s*["']?row\b/i.test(sample) && /class\s*=\s*["']?column\b/i.test(sample))
    return 0.5;
  return 0;
}

export const htmlParser: DocumentParser = {
  id: HTML_FORMAT,
  description:
    'Rendered documentation pages (HTML): tables and DocFX row blocks under headings, read like their markdown',
  syntax: 'html',
  detect: detectHtml,
  parse: parseHtml,
};
