/**
 * The Microsoft 365 "URLs and IP address ranges" page in markdown: one `##` section per service
 * area, each with a table `ID | Category | ER | Addresses | Ports` listing the same endpoint sets
 * the endpoints web service serves as JSON (parsers/m365-json). Entries are built by the same
 * code as for the JSON, so the two formats of the same data give the same catalog.
 *
 * The page carries its data version in an HTML comment (`<!--Worldwide endpoints version
 * 2020080600-->`); it is kept in the document shape.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Nodes, Root, Table, TableCell } from 'mdast';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { parsePorts } from '../../catalog/ports.js';
import { entriesPerSection } from '../../catalog/canonical.js';
import { EmptyDocumentError, ParseError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { canonicalCategory, endpointSetEntry, type EndpointSetFacts } from '../m365-json/endpoint-set.js';
import { addressTokens, cellSource, plainText, readCategoryCell, readYesNo } from './cells.js';

export const M365_URLS_FORMAT = 'm365-urls';

type ColumnName = 'id' | 'category' | 'er' | 'addresses' | 'ports';
const COLUMN_NAMES: readonly ColumnName[] = ['id', 'category', 'er', 'addresses', 'ports'];

/** The header row of an endpoint-set table, with or without outer pipes or bold. */
const HEADER_LINE =
  /^[ \t]{0,3}\|?[ \t]*(?:\*\*)?ID(?:\*\*)?[ \t]*\|[ \t]*(?:\*\*)?Category(?:\*\*)?[ \t]*\|[ \t]*(?:\*\*)?ER(?:\*\*)?[ \t]*\|[ \t]*(?:\*\*)?Addresses(?:\*\*)?[ \t]*\|[ \t]*(?:\*\*)?Ports(?:\*\*)?[ \t]*\|?[ \t]*\r?$/im;

/** The data version in the page's generator comment. */
const VERSION_COMMENT = /<!--[^>]*?\bendpoints\s+version\s+([0-9A-Za-z._-]+)[^>]*?-->/gi;
/**
 * The generator comment as the page writes it, naming its service instance ("Worldwide",
 * "USGovDoD", "USGovGCCHigh", "China", "Germany"): enough to know the page without its tables.
 * Narrower than VERSION_COMMENT, so another document's comment that mentions an "endpoints
 * version" does not make it this page.
 */
const HAS_VERSION_COMMENT = /<!--\s*(?:Worldwide|USGov\w*|China|Germany)\s+endpoints\s+version\s+\d+\s*-->/i;

function nodeText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(nodeText).join('');
  return '';
}

function sourceOf(text: string, node: Nodes): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? '' : text.slice(start, end);
}

interface FoundTable {
  table: Table;
  section: string;
}

/** Tables in document order with the nearest heading above each, plus every HTML node's source. */
function collect(root: Root): { tables: FoundTable[]; html: string[] } {
  const tables: FoundTable[] = [];
  const html: string[] = [];
  let section = '';
  const walk = (node: Nodes) => {
    if (node.type === 'heading') section = nodeText(node).replace(/\s+/g, ' ').trim();
    else if (node.type === 'table') tables.push({ table: node, section });
    else if (node.type === 'html') html.push(node.value);
    if ('children' in node && node.type !== 'heading' && node.type !== 'table') {
      for (const child of node.children as Nodes[]) walk(child);
    }
  };
  walk(root);
  return { tables, html };
}

function columnName(header: string): ColumnName | null {
  const name = header.toLowerCase().replace(/\s+/g, ' ').trim();
  return (COLUMN_NAMES as readonly string[]).includes(name) ? (name as ColumnName) : null;
}

function readVersion(html: string[], warnings: string[]): string | null {
  const versions = new Set<string>();
  for (const value of html) for (const match of value.matchAll(VERSION_COMMENT)) if (match[1]) versions.add(match[1]);
  const [first, ...others] = versions;
  if (others.length)
    warnings.push(`the page states more than one data version (${[...versions].join(', ')}); keeping ${first}`);
  return first ?? null;
}

export function parseM365Urls(doc: TextDocument): ParseResult {
  const text = doc.text;
  const root = unified().use(remarkParse).use(remarkGfm).parse(text);
  const { tables, html } = collect(root);
  const warnings: string[] = [];
  let uncatalogued = 0;
  const entries: CatalogEntry[] = [];
  const columns: string[][] = [];
  let tableCount = 0;
  let rows = 0;
  let endpointTables = 0;

  for (const { table, section } of tables) {
    const [headerRow, ...dataRows] = table.children;
    if (!headerRow) continue;
    const headers = headerRow.children.map((cell) => plainText(cellSource(sourceOf(text, cell))));
    const index = new Map<ColumnName, number>();
    headers.forEach((header, i) => {
      const name = columnName(header);
      if (name && !index.has(name)) index.set(name, i);
    });
    // Other tables on the page (there are none today, but a note could gain one) are not endpoint sets.
    if (!index.has('id') || !index.has('addresses')) continue;
    endpointTables += 1;
    const where = `${section || 'untitled section'}`;
    const missing = COLUMN_NAMES.filter((name) => !index.has(name));
    if (missing.length) warnings.push(`${where}: table has no ${missing.join(', ')} column`);

    const tableStart = entries.length;
    let tableRows = 0;
    for (const row of dataRows) {
      const cell = (name: ColumnName): { source: string; node: TableCell | undefined } => {
        const i = index.get(name);
        const node = i === undefined ? undefined : row.children[i];
        return { source: node ? cellSource(sourceOf(text, node)) : '', node };
      };
      const line = row.position?.start.line ?? 1;
      const idText = plainText(cell('id').source);
      const id = /^\d+$/.test(idText) ? Number(idText) : null;
      const label = id === null ? `${where}, line ${line}` : `${where}, set ${id}`;
      if (id === null) warnings.push(`${label}: ID "${idText}" is not a number; the row is kept without a group`);

      const category = readCategoryCell(cell('category').source);
      const expressRoute = readYesNo(cell('er').source);
      if (expressRoute === undefined)
        warnings.push(`${label}: ER "${plainText(cell('er').source)}" is neither Yes nor No`);
      const facts: EndpointSetFacts = {
        id,
        section,
        category: canonicalCategory(category.category),
        required: category.required,
        expressRoute: expressRoute ?? null,
        notes: category.notes,
        ports: parsePorts(cell('ports').source),
      };

      const addresses = cell('addresses');
      const { tokens, unreadable } = addressTokens(addresses.source);
      for (const raw of unreadable) warnings.push(`${label}: unrecognised address "${raw}"`);
      uncatalogued += unreadable.length;
      if (!tokens.length) {
        warnings.push(`${label}: no address in "${plainText(addresses.source)}"`);
        continue;
      }
      const addressLine = addresses.node?.position?.start.line ?? line;
      const column = headers[index.get('addresses') ?? 0] ?? 'Addresses';
      for (const token of tokens) entries.push(endpointSetEntry(facts, token, { line: addressLine, column }));
      tableRows += 1;
    }
    if (entries.length > tableStart) {
      tableCount += 1;
      rows += tableRows;
      columns.push(headers);
    }
  }

  if (endpointTables === 0) {
    const message = `${doc.location}: no endpoint-set table (ID | Category | ER | Addresses | Ports) found`;
    // With the generator's version comment it is still this page, published without its tables.
    throw HAS_VERSION_COMMENT.test(text) ? new EmptyDocumentError(M365_URLS_FORMAT, message) : new ParseError(message);
  }
  if (entries.length === 0) {
    throw new EmptyDocumentError(
      M365_URLS_FORMAT,
      `${doc.location}: ${endpointTables} endpoint-set table(s) but not one address in them`,
    );
  }

  return {
    entries,
    shape: {
      format: M365_URLS_FORMAT,
      tables: tableCount,
      rows,
      columns,
      entriesPerSection: entriesPerSection(entries),
      version: readVersion(html, warnings),
    },
    warnings,
    warningCounts: { uncatalogued, recovered: 0, other: warnings.length - uncatalogued },
  };
}

/**
 * The endpoint-set table header is specific to this page, and so is its generator comment
 * ("Worldwide endpoints version 2020080600"): a document with either is this page with near
 * certainty (the comment alone: the page published without its tables, once for a day), and it
 * scores above the generic markdown parser. Everything else is 0.
 */
export function detectM365Urls(doc: TextDocument): number {
  return HEADER_LINE.test(doc.text) || HAS_VERSION_COMMENT.test(doc.text) ? 0.9 : 0;
}

export const m365UrlsParser: DocumentParser = {
  id: M365_URLS_FORMAT,
  description: 'Microsoft 365 "URLs and IP address ranges" page (markdown, one endpoint-set table per service area)',
  syntax: 'markdown',
  detect: detectM365Urls,
  parse: parseM365Urls,
};
