/**
 * Okta's `ip_ranges.json`: `{ "<cell>": { "ip_ranges": ["3.24.40.128/26", ...] }, ... }`, one
 * key per cell (`us_cell_1`, `emea_cell_2`, `apac_cell_1`, `preview_cell_1`, ...). One entry per
 * range: region = the cell (an org lives in one cell, and allow-lists that cell's ranges),
 * section ''. The file states no serial.
 */
import { z } from 'zod';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { EmptyDocumentError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { ValueLines, feedEntry, feedShape, isRecord, jsonObjectOf, readFeed } from '../json-feed.js';

export const OKTA_IP_RANGES_FORMAT = 'okta-ip-ranges';

const cellSchema = z.object({ ip_ranges: z.array(z.string()) });

const isCell = (value: unknown): boolean => isRecord(value) && 'ip_ranges' in value;

/** Cells in document order, each checked, with the path of what is wrong ("us_cell_1.ip_ranges[3]"). */
const feedSchema = z.record(z.string(), z.unknown()).superRefine((cells, ctx) => {
  for (const [name, cell] of Object.entries(cells)) {
    if (!isCell(cell)) continue;
    const checked = cellSchema.safeParse(cell);
    if (!checked.success)
      for (const issue of checked.error.issues)
        ctx.addIssue({ code: 'custom', path: [name, ...issue.path], message: issue.message });
  }
});

export function parseOktaIpRanges(doc: TextDocument): ParseResult {
  const feed = readFeed(doc, feedSchema, "Okta's ip_ranges.json (<cell>.ip_ranges)");
  const warnings: string[] = [];
  const entries: CatalogEntry[] = [];
  const lines = new ValueLines(doc.text);
  let cells = 0;
  for (const [name, cell] of Object.entries(feed)) {
    if (!isCell(cell)) {
      warnings.push(`${name}: not a cell (no ip_ranges); not read`);
      continue;
    }
    cells += 1;
    for (const raw of (cell as z.infer<typeof cellSchema>).ip_ranges) {
      const entry = feedEntry(
        raw,
        { section: '', region: name },
        { line: lines.lineOf(raw), column: 'ip_ranges' },
        'ip',
        warnings,
      );
      if (entry) entries.push(entry);
    }
  }
  if (entries.length === 0)
    throw new EmptyDocumentError(
      OKTA_IP_RANGES_FORMAT,
      `${doc.location}: Okta's ranges without a single range (${cells} cell(s))`,
    );
  return {
    entries,
    shape: feedShape(OKTA_IP_RANGES_FORMAT, 1, cells, [['ip_ranges']], entries),
    warnings,
  };
}

/** Certain when most top-level values are cells, each `{ ip_ranges: [...] }`. */
export function detectOktaIpRanges(doc: TextDocument): number {
  const root = jsonObjectOf(doc);
  if (!root) return 0;
  const values = Object.values(root);
  const cells = values.filter((value) => isCell(value) && Array.isArray((value as { ip_ranges: unknown }).ip_ranges));
  return cells.length > 0 && cells.length * 2 >= values.length ? 0.95 : 0;
}

export const oktaIpRangesParser: DocumentParser = {
  id: OKTA_IP_RANGES_FORMAT,
  description: "Okta's ip_ranges.json (region = the cell)",
  syntax: 'json',
  detect: detectOktaIpRanges,
  parse: parseOktaIpRanges,
};
