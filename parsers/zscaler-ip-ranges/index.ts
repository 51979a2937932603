/**
 * Zscaler's published JSON ranges (`https://config.zscaler.com/api/<cloud>/...`), two shapes:
 *   - Cloud Enforcement Node ranges (`/cenr/json`): `{ "<cloud>": { "continent : <name>":
 *     { "city : <name>": [{ range, vpn, gre, hostname, latitude, longitude }] } } }`: one entry
 *     per `range`, section = the continent, region = the city ("Amsterdam II"); with more than
 *     one cloud in the file, the section is "<cloud> <continent>";
 *   - hub addresses (`/hubs/cidr/json/required`, `.../recommended`): `{ "hubPrefixes": [...] }`,
 *     section `hubPrefixes`.
 * Only the ranges are read: the vpn and GRE host names and addresses of a node lie inside its
 * range (or name it), and an allow-list is made of the ranges. The files state no serial.
 */
import { z } from 'zod';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { EmptyDocumentError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { ValueLines, feedEntry, feedShape, isRecord, jsonObjectOf, readFeed } from '../json-feed.js';

export const ZSCALER_IP_RANGES_FORMAT = 'zscaler-ip-ranges';

const nodeSchema = z.object({ range: z.string() });
const cloudSchema = z.record(z.string(), z.record(z.string(), z.array(nodeSchema)));
const hubSchema = z.array(z.string());

const HUB_KEY = 'hubPrefixes';

/** Top-level keys in document order, each checked as a cloud or as the hub list, with the path of what is wrong. */
const feedSchema = z.record(z.string(), z.unknown()).superRefine((root, ctx) => {
  for (const [key, value] of Object.entries(root)) {
    const checked = (key === HUB_KEY ? hubSchema : cloudSchema).safeParse(value);
    if (!checked.success)
      for (const issue of checked.error.issues)
        ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
  }
});

/** "continent : EMEA" -> "EMEA"; "city : Amsterdam II" -> "Amsterdam II". */
function label(key: string, kind: 'continent' | 'city'): string {
  return key.replace(new RegExp(`^\\s*${kind}\\s*:\\s*`, 'i'), '').trim();
}

export function parseZscalerIpRanges(doc: TextDocument): ParseResult {
  const root = readFeed(
    doc,
    feedSchema,
    "Zscaler's published ranges (<cloud>.<continent>.<city>[].range, or hubPrefixes)",
  );
  const warnings: string[] = [];
  const entries: CatalogEntry[] = [];
  const lines = new ValueLines(doc.text);
  const clouds = Object.keys(root).filter((key) => key !== HUB_KEY);
  let lists = 0;
  let rows = 0;
  for (const [key, value] of Object.entries(root)) {
    if (key === HUB_KEY) {
      const prefixes = value as string[];
      if (prefixes.length) lists += 1;
      rows += prefixes.length;
      for (const raw of prefixes) {
        const entry = feedEntry(
          raw,
          { section: HUB_KEY },
          { line: lines.lineOf(raw), column: HUB_KEY },
          'ip',
          warnings,
        );
        if (entry) entries.push(entry);
      }
      continue;
    }
    lists += 1;
    for (const [continentKey, cities] of Object.entries(value as z.infer<typeof cloudSchema>)) {
      const continent = label(continentKey, 'continent');
      const section = clouds.length > 1 ? `${key} ${continent}` : continent;
      for (const [cityKey, nodes] of Object.entries(cities)) {
        const region = label(cityKey, 'city') || null;
        rows += nodes.length;
        for (const node of nodes) {
          const entry = feedEntry(
            node.range,
            { section, region },
            { line: lines.lineOf(node.range), column: 'range' },
            'ip',
            warnings,
          );
          if (entry) entries.push(entry);
        }
      }
    }
  }
  if (entries.length === 0)
    throw new EmptyDocumentError(ZSCALER_IP_RANGES_FORMAT, `${doc.location}: Zscaler's ranges without a single range`);
  const columns = [clouds.length ? ['range'] : [], root[HUB_KEY] !== undefined ? [HUB_KEY] : []].filter(
    (c) => c.length,
  );
  return { entries, shape: feedShape(ZSCALER_IP_RANGES_FORMAT, lists, rows, columns, entries), warnings };
}

/** Certain for the hub list, or for a cloud whose keys are continents. */
export function detectZscalerIpRanges(doc: TextDocument): number {
  const root = jsonObjectOf(doc);
  if (!root) return 0;
  if (Array.isArray(root[HUB_KEY])) return 0.95;
  const continents = Object.values(root).some(
    (cloud) => isRecord(cloud) && Object.keys(cloud).some((key) => /^\s*continent\s*:/i.test(key)),
  );
  return continents ? 0.95 : 0;
}

export const zscalerIpRangesParser: DocumentParser = {
  id: ZSCALER_IP_RANGES_FORMAT,
  description: "Zscaler's published ranges: enforcement nodes (section = continent, region = city) and hub prefixes",
  syntax: 'json',
  detect: detectZscalerIpRanges,
  parse: parseZscalerIpRanges,
};
