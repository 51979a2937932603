/**
 * GFM pipe tables -> catalog entries.
 *
 * The layouts seen in real documents: `Data center | IP addresses | DNS name`, header-less
 * (see prepare.ts), extra empty-header columns that continue a long list, an empty or bold
 * first header over row labels ("**Session controls**"), no label column at all
 * (`IP addresses | DNS name`), a `URL` column, values separated by `<br>` or commas, and
 * in-cell labels in front of values ("Australia Southeast: 40.81.58.184, ...").
 *
 * Column roles:
 *  - the leading columns none of whose cells holds an endpoint label the row (region.ts): a
 *    data-center label gives the region ("US1 data center" -> US1), a number gives nothing,
 *    any other label ("**Session controls**", a purpose) names the row: its group. An in-cell
 *    label is a region when it names one ("Australia Southeast"), else part of the group;
 *  - a "Port(s)" column gives the ports of its row; without one, the ports are those stated in
 *    the prose that introduces the table ("add **outbound port 443** for ...", see prose.ts);
 *  - description-like columns (Purpose, Notes, ...) are prose, never endpoints;
 *  - every other column is an address column.
 */
import type { Table } from 'mdast';
import type { CatalogEntry, PortSpec } from '../../catalog/model.js';
import { copyPorts, parsePorts } from '../../catalog/ports.js';
import { plainText, textLines, type LineMap, type TextLine } from './inline.js';
import { groupKeyOf } from '../../catalog/canonical.js';
import { isRegionLike, joinRegion, readRowLabel } from './region.js';
import { leadingLabel, tokenWarnings, tokensOf, unreadWarnings, type LineTokens } from './tokens.js';
import type { ParseWarning } from '../warnings.js';

const PORT_HEADER = /\bports?\b|\bport\(s\)/i;
const PROSE_HEADER = /^(?:notes?|description|purpose|comments?|details|remarks?)$/i;

export interface TableContext {
  /** The text remark parsed (for link detection). */
  source: string;
  map: LineMap;
  section: string;
  /** Ports the prose that introduces the table states (prose.ts); a Port(s) column wins. */
  introPorts: PortSpec;
}

export interface TableResult {
  entries: CatalogEntry[];
  warnings: ParseWarning[];
  headers: string[];
  /** Data rows. */
  rows: number;
  line: number;
}

/** plainText of a cell, from its lines (textLines of the same cell). */
function labelText(lines: TextLine[]): string {
  return lines
    .map((l) => l.full.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' ')
    .trim();
}

export function readTable(table: Table, ctx: TableContext): TableResult {
  const { source, map } = ctx;
  const [headerRow, ...dataRows] = table.children;
  const headers = (headerRow?.children ?? []).map((cell) => plainText(cell, source, map));
  const width = Math.max(headers.length, ...dataRows.map((row) => row.children.length));
  const cells: TextLine[][][] = dataRows.map((row) => row.children.map((cell) => textLines(cell, source, map)));
  const portColumn = headers.findIndex((h) => PORT_HEADER.test(h));
  // Leading columns without an endpoint label the row (a number, a region, a name), up to the
  // first column that holds one; at least one column is left to read.
  const hasEndpoint = (c: number) =>
    cells.some((row) => (row[c] ?? []).some((l) => tokensOf(l.masked).tokens.length > 0));
  const labelColumns = new Set<number>();
  for (let c = 0; c < width - 1 && c !== portColumn && !hasEndpoint(c); c += 1) labelColumns.add(c);
  const sectionPorts = portColumn >= 0 ? null : ctx.introPorts;

  // An empty header over a column that continues a list is read as the header to its left.
  const columnNames: (string | null)[] = [];
  for (let c = 0; c < width; c += 1) {
    const own = headers[c] ?? '';
    columnNames.push(own || (c > 0 && !labelColumns.has(c - 1) ? (columnNames[c - 1] ?? null) : null));
  }

  const entries: CatalogEntry[] = [];
  const warnings: ParseWarning[] = [];
  dataRows.forEach((row, r) => {
    const rowCells = cells[r] ?? [];
    const rowLine = map(row.position?.start.line ?? 1);
    // The label cells' text, as plainText gives it, from the lines already read.
    const labels = [...labelColumns].map((c) => readRowLabel(labelText(rowCells[c] ?? []), headers[c] ?? ''));
    const rowRegion =
      labels
        .map((l) => l.region)
        .filter(Boolean)
        .join(' / ') || null;
    const rowGroups = labels.map((l) => l.group).filter((g): g is string => g !== null);
    const ports = sectionPorts ?? parsePorts((rowCells[portColumn] ?? []).map((l) => l.full).join('\n'));
    for (let c = 0; c < rowCells.length; c += 1) {
      const column = columnNames[c] ?? null;
      if (c === portColumn) continue;
      // Labels and prose are not read for endpoints; what looks like one there is said.
      if (labelColumns.has(c) || PROSE_HEADER.test(headers[c] ?? '')) {
        warnings.push(...unreadWarnings(rowCells[c] ?? [], `in column "${column ?? `#${c + 1}`}"`));
        continue;
      }
      // An in-cell label ("Australia Southeast: ...") is a region when it names one, else a
      // part of the row ("Inbound: ..."); it holds for the lines after it, up to the next one.
      let cellRegion: string | null = null;
      let cellGroup: string | null = null;
      for (const line of rowCells[c] ?? []) {
        let found: LineTokens | null = null;
        const label = leadingLabel(line.masked);
        if (label) {
          const rest = tokensOf(line.masked.slice(label.rest));
          if (rest.tokens.length > 0) {
            const region = isRegionLike(label.label);
            cellRegion = region ? label.label : null;
            cellGroup = region ? null : label.label;
            found = rest;
          }
        }
        found ??= tokensOf(line.masked);
        warnings.push(...tokenWarnings(found, line.line, column ?? `#${c + 1}`));
        const group = [...rowGroups, ...(cellGroup ? [cellGroup] : [])].join(' / ') || null;
        for (const token of found.tokens) {
          entries.push({
            kind: token.kind,
            value: token.value,
            section: ctx.section,
            region: joinRegion(rowRegion, cellRegion),
            group,
            groupKey: groupKeyOf(group),
            ports: copyPorts(ports),
            required: null,
            expressRoute: null,
            role: 'destination',
            provenance: { line: line.line || rowLine, column },
          });
        }
      }
    }
  });
  return { entries, warnings, headers, rows: dataRows.length, line: map(table.position?.start.line ?? 1) };
}
