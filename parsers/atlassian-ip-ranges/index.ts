/**
 * Atlassian's `ip-ranges.json` (`https://ip-ranges.atlassian.com/`): `{ creationDate,
 * syncToken, items: [{ network, mask_len, cidr, mask, region: [...], product: [...],
 * direction: [...] }] }`. An item is one CIDR for several products, regions and directions;
 * it becomes one entry per product (the section: `jira`, `confluence`, `bitbucket`, ...),
 * region and direction, so a team watching Jira is alerted on Jira's ranges. `ingress` (traffic
 * into Atlassian: you connect to it) is a `destination`; `egress` (Atlassian connecting to
 * you: webhooks, app links) a `source`.
 */
import { z } from 'zod';
import type { CatalogEntry, EndpointRole, ParseResult } from '../../catalog/model.js';
import { catalogEntry } from '../../catalog/entry.js';
import { EmptyDocumentError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { ValueLines, feedSerial, feedToken, feedShape, firstRecord, jsonObjectOf, readFeed } from '../json-feed.js';

export const ATLASSIAN_IP_RANGES_FORMAT = 'atlassian-ip-ranges';

const itemSchema = z.object({
  cidr: z.string(),
  region: z.array(z.string()).optional(),
  product: z.array(z.string()).optional(),
  direction: z.array(z.string()).optional(),
});

const feedSchema = z.object({
  creationDate: z.string().optional(),
  syncToken: z.union([z.string(), z.number()]).optional(),
  items: z.array(itemSchema),
});

const FIELDS = ['cidr', 'region', 'product', 'direction'] as const;

const ROLES: Record<string, EndpointRole> = { ingress: 'destination', egress: 'source' };

/** The item's roles, each once; an unknown direction is read as a destination, with a warning. */
function rolesOf(directions: string[] | undefined, where: string, warnings: string[]): EndpointRole[] {
  const roles = new Set<EndpointRole>();
  for (const direction of directions ?? []) {
    const role = ROLES[direction.trim().toLowerCase()];
    if (!role) warnings.push(`${where}: unknown direction "${direction}", read as ingress (a destination)`);
    roles.add(role ?? 'destination');
  }
  return roles.size ? [...roles] : ['destination'];
}

export function parseAtlassianIpRanges(doc: TextDocument): ParseResult {
  const feed = readFeed(doc, feedSchema, "Atlassian's ip-ranges.json (items[].cidr)");
  const warnings: string[] = [];
  const entries: CatalogEntry[] = [];
  const lines = new ValueLines(doc.text);
  const present = new Set<string>();
  for (const item of feed.items) {
    for (const field of FIELDS) if (item[field] !== undefined) present.add(field);
    const provenance = { line: lines.lineOf(item.cidr), column: 'cidr' };
    const products = item.product?.length ? item.product : [''];
    const regions = item.region?.length ? item.region : [null];
    // Read once, then listed for every product, region and direction of the item.
    const token = feedToken(
      item.cidr,
      { section: products.join(', '), region: regions[0] },
      provenance,
      'ip',
      warnings,
    );
    if (!token) continue;
    for (const role of rolesOf(item.direction, `line ${provenance.line}: ${item.cidr}`, warnings))
      for (const section of products)
        for (const region of regions)
          entries.push(
            catalogEntry({
              kind: token.kind,
              value: token.value,
              section,
              region,
              role,
              provenance: { ...provenance },
            }),
          );
  }
  if (entries.length === 0)
    throw new EmptyDocumentError(
      ATLASSIAN_IP_RANGES_FORMAT,
      `${doc.location}: Atlassian's ranges without a single CIDR (${feed.items.length} item(s))`,
    );
  const serial = feedSerial('syncToken', feed.syncToken) ?? feedSerial('creationDate', feed.creationDate);
  return {
    entries,
    shape: feedShape(ATLASSIAN_IP_RANGES_FORMAT, 1, feed.items.length, [FIELDS.filter((f) => present.has(f))], entries),
    warnings,
    ...(serial && { serial }),
  };
}

/** Certain when an item has a `cidr`; likely for an empty file with Atlassian's stamps. */
export function detectAtlassianIpRanges(doc: TextDocument): number {
  const root = jsonObjectOf(doc);
  if (!root) return 0;
  if ('cidr' in (firstRecord(root.items) ?? {})) return 0.95;
  return Array.isArray(root.items) && 'creationDate' in root && 'syncToken' in root ? 0.9 : 0;
}

export const atlassianIpRangesParser: DocumentParser = {
  id: ATLASSIAN_IP_RANGES_FORMAT,
  description: "Atlassian's ip-ranges.json (section = product, region, role from direction)",
  syntax: 'json',
  detect: detectAtlassianIpRanges,
  parse: parseAtlassianIpRanges,
};
