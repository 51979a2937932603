/**
 * DocFX row blocks (`:::row:::` / `:::column:::`) -> catalog entries.
 *
 * The layout (Microsoft Learn "identify endpoints" units): the first row names the columns
 * (Row | Purpose / Destination | ExpressRoute ... | CIDR Address | Port); every further row is
 * one endpoint set. The purpose column carries labelled parts, in bold, as HTML or plain:
 *
 *   **Required:** <purpose>   or   **Optional:** <purpose>
 *   **Note:** <notes>
 *   **Source of network requests:** <hosts>   ("Source:" followed by a list, too)
 *   **Destination:** <hosts, one per line, or prose>
 *
 * Each column is parsed by remark on its own (its lines dedented: DocFX indents column content,
 * which markdown would otherwise read as a code block), so markdown and HTML inside a column
 * are interpreted and nothing in one column can run into the next.
 */
import type { Root } from 'mdast';
import type { CatalogEntry, EndpointRole } from '../../catalog/model.js';
import { groupKeyOf } from '../../catalog/canonical.js';
import { emptyPorts } from '../../catalog/model.js';
import { copyPorts, parsePorts } from '../../catalog/ports.js';
import type { TableResult } from './tables.js';
import { plainText, textLines, type LineMap, type TextLine } from './inline.js';
import { escapeWildcards, type ColumnBlock, type RowGroup } from './prepare.js';
import { tokenWarnings, tokensOf, unreadWarnings, type FoundToken, type LineTokens } from './tokens.js';
import type { ParseWarning } from '../warnings.js';

type ColumnRole = 'id' | 'purpose' | 'expressRoute' | 'address' | 'port' | 'other';

export type MarkdownParse = (text: string) => Root;

interface ParsedColumn {
  lines: TextLine[];
  text: string;
}

function parseColumn(column: ColumnBlock | undefined, parse: MarkdownParse): ParsedColumn {
  if (!column) return { lines: [], text: '' };
  const source = column.lines.map((l) => escapeWildcards(l.replace(/^[ \t]+/, ''))).join('\n');
  const map: LineMap = (line) => column.firstLine + line - 1;
  const tree = parse(source);
  return { lines: textLines(tree.children, source, map), text: plainText(tree.children, source, map) };
}

function roleOf(header: string): ColumnRole {
  const h = header.toLowerCase();
  if (/expressroute|\ber\b/.test(h)) return 'expressRoute';
  if (/\bports?\b/.test(h)) return 'port';
  if (/cidr|address|\bips?\b/.test(h)) return 'address';
  if (/purpose|destination|endpoint|url/.test(h)) return 'purpose';
  if (/^(?:row|#|id|no\.?)$/.test(h)) return 'id';
  return 'other';
}

const DEFAULT_ROLES: ColumnRole[] = ['id', 'purpose', 'expressRoute', 'address', 'port'];
const DEFAULT_NAMES = ['Row', 'Purpose / Destination', 'ExpressRoute', 'CIDR Address', 'Port'];

/** Labels inside the purpose column. Capitalised, followed by a colon, anywhere in a line. */
const PART_LABEL = /(?<![\w-])(Required|Optional|Destinations?|Sources?(?:\s+[a-z][a-z ]{0,40}?)?|Notes?)\s*:/g;

type PartMode = 'purpose' | 'note' | 'destination' | 'source';

interface PurposeParts {
  purpose: string;
  required: boolean | null;
  notes: string | null;
  tokens: { token: FoundToken; role: EndpointRole; line: number }[];
  /** Warnings about odd pieces in the Destination / Source parts, without the column name. */
  odd: { found: LineTokens; line: number }[];
  /** Purpose and note lines that mention endpoints, which are not read from prose. */
  mentions: TextLine[];
}

/** Reads the labelled parts of a purpose / destination column. */
export function readPurpose(lines: TextLine[]): PurposeParts {
  const purpose: { text: string; masked: string; line: number }[] = [];
  const notes: string[] = [];
  const noteLines: TextLine[] = [];
  const found: PurposeParts['tokens'] = [];
  const odd: PurposeParts['odd'] = [];
  let required: boolean | null = null;
  let sawEndpointLabel = false;
  let mode: PartMode = 'purpose';
  const take = (full: string, masked: string, line: number) => {
    const text = full.replace(/\s+/g, ' ').trim();
    if (!text) return;
    if (mode === 'purpose') {
      purpose.push({ text, masked, line });
    } else if (mode === 'note') {
      notes.push(text);
      noteLines.push({ line, full, masked });
    } else {
      const tokens = tokensOf(masked);
      for (const token of tokens.tokens) found.push({ token, role: mode, line });
      if (tokens.unreadable.length || tokens.recovered.length) odd.push({ found: tokens, line });
    }
  };
  for (const line of lines) {
    let from = 0;
    for (const match of line.full.matchAll(PART_LABEL)) {
      take(line.full.slice(from, match.index), line.masked.slice(from, match.index), line.line);
      const label = match[1]!.toLowerCase();
      if (label === 'required' || label === 'optional') {
        required ??= label === 'required';
        mode = 'purpose';
      } else if (label.startsWith('note')) {
        mode = 'note';
      } else {
        mode = label.startsWith('destination') ? 'destination' : 'source';
        sawEndpointLabel = true;
      }
      from = match.index + match[0].length;
    }
    take(line.full.slice(from), line.masked.slice(from), line.line);
  }
  let purposeLines = purpose;
  // A column without Destination/Source labels may list its endpoints directly: lines that hold
  // nothing but endpoints are destinations, the rest stays the purpose.
  if (!sawEndpointLabel) {
    purposeLines = [];
    for (const part of purpose) {
      const tokens = tokensOf(part.masked);
      const endpointsOnly =
        tokens.tokens.length > 0 && !tokens.other.length && !tokens.unreadable.length && !tokens.recovered.length;
      if (!endpointsOnly) purposeLines.push(part);
      else for (const token of tokens.tokens) found.push({ token, role: 'destination', line: part.line });
    }
  }
  const prose = [...purposeLines.map(({ text, masked, line }) => ({ line, full: text, masked })), ...noteLines];
  return {
    purpose: purposeLines.map((p) => p.text).join(', '),
    required,
    notes: notes.length ? notes.join(' ') : null,
    tokens: found,
    odd,
    mentions: prose.filter((l) => {
      const found = tokensOf(l.masked);
      return found.tokens.length > 0 || found.unreadable.length > 0;
    }),
  };
}

function yesNo(text: string): boolean | null {
  if (/^\s*yes\b/i.test(text)) return true;
  if (/^\s*no\b/i.test(text)) return false;
  return null;
}

/** A row block reads into what a table reads into: entries, warnings and its shape. */
export type RowGroupResult = TableResult;

export function readRowGroup(group: RowGroup, section: string, parse: MarkdownParse): RowGroupResult {
  const parsed = group.rows.map((row) => row.columns.map((column) => parseColumn(column, parse)));
  const first = parsed[0] ?? [];
  // The first row names the columns unless it already holds data (a number, or endpoints).
  const firstIsHeader =
    first.length > 0 &&
    !/^\d+$/.test(first[0]?.text ?? '') &&
    first.every((c) => c.lines.every((l) => tokensOf(l.masked).tokens.length === 0));
  const headers = firstIsHeader
    ? first.map((c) => c.text)
    : DEFAULT_NAMES.slice(0, Math.max(...parsed.map((r) => r.length)));
  let roles = headers.map(roleOf);
  if (!roles.includes('purpose')) roles = headers.map((_, i) => DEFAULT_ROLES[i] ?? 'other');
  const columnOf = (role: ColumnRole) => roles.indexOf(role);

  const entries: CatalogEntry[] = [];
  const warnings: ParseWarning[] = [];
  const dataRows = firstIsHeader ? parsed.slice(1) : parsed;
  dataRows.forEach((columns, index) => {
    const cell = (role: ColumnRole) => (columnOf(role) >= 0 ? columns[columnOf(role)] : undefined);
    const rowId = cell('id')?.text || String(index + 1);
    const parts = readPurpose(cell('purpose')?.lines ?? []);
    const expressRoute = yesNo(cell('expressRoute')?.text ?? '');
    const portCell = cell('port');
    const ports = portCell ? parsePorts(portCell.lines.map((l) => l.full).join('\n')) : emptyPorts();
    const groupName = parts.purpose ? `${rowId}: ${parts.purpose}` : rowId;
    const groupKey = groupKeyOf(parts.purpose);
    const purposeHeader = headers[columnOf('purpose')] ?? null;
    const addressHeader = headers[columnOf('address')] ?? null;
    const make = (token: FoundToken, role: EndpointRole, line: number, column: string | null): CatalogEntry => ({
      kind: token.kind,
      value: token.value,
      section,
      region: null,
      group: groupName,
      groupKey,
      ports: copyPorts(ports),
      required: parts.required,
      expressRoute,
      role,
      notes: parts.notes,
      provenance: { line, column },
    });
    for (const { token, role, line } of parts.tokens) entries.push(make(token, role, line, purposeHeader));
    for (const { found, line } of parts.odd) warnings.push(...tokenWarnings(found, line, purposeHeader));
    warnings.push(...unreadWarnings(parts.mentions, `in the prose of column "${purposeHeader ?? 'purpose'}"`));
    for (const line of cell('address')?.lines ?? []) {
      const found = tokensOf(line.masked);
      for (const token of found.tokens) entries.push(make(token, 'destination', line.line, addressHeader));
      warnings.push(...tokenWarnings(found, line.line, addressHeader));
    }
  });
  return { entries, warnings, headers, rows: dataRows.length, line: group.line };
}
