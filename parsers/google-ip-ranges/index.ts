/**
 * Google's published ranges: `cloud.json` (`{ syncToken, creationTime, prefixes: [{ ipv4Prefix
 * | ipv6Prefix, service, scope }] }`, Google Cloud's external ranges by region) and `goog.json`
 * (the same without service and scope: every range Google uses). One entry per prefix:
 * section = service ('' in goog.json), region = scope (`us-central1`, `africa-south1`; null in
 * goog.json).
 */
import { z } from 'zod';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { EmptyDocumentError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { ValueLines, feedEntry, feedSerial, feedShape, firstRecord, jsonObjectOf, readFeed } from '../json-feed.js';

export const GOOGLE_IP_RANGES_FORMAT = 'google-ip-ranges';

const prefixSchema = z
  .object({
    ipv4Prefix: z.string().optional(),
    ipv6Prefix: z.string().optional(),
    service: z.string().optional(),
    scope: z.string().optional(),
  })
  .refine((p) => p.ipv4Prefix !== undefined || p.ipv6Prefix !== undefined, {
    message: 'a prefix needs ipv4Prefix or ipv6Prefix',
  });

const feedSchema = z.object({
  syncToken: z.union([z.string(), z.number()]).optional(),
  creationTime: z.string().optional(),
  prefixes: z.array(prefixSchema),
});

const FIELDS = ['ipv4Prefix', 'ipv6Prefix', 'service', 'scope'] as const;

export function parseGoogleIpRanges(doc: TextDocument): ParseResult {
  const feed = readFeed(doc, feedSchema, "Google's cloud.json or goog.json (prefixes[].ipv4Prefix | ipv6Prefix)");
  const warnings: string[] = [];
  const entries: CatalogEntry[] = [];
  const lines = new ValueLines(doc.text);
  const present = new Set<string>();
  for (const prefix of feed.prefixes) {
    for (const field of FIELDS) if (prefix[field] !== undefined) present.add(field);
    const place = { section: prefix.service ?? '', region: prefix.scope || null };
    // Never both in Google's files; if they were, both are endpoints.
    for (const column of ['ipv4Prefix', 'ipv6Prefix'] as const) {
      const raw = prefix[column];
      if (raw === undefined) continue;
      const entry = feedEntry(raw, place, { line: lines.lineOf(raw), column }, 'ip', warnings);
      if (entry) entries.push(entry);
    }
  }
  if (entries.length === 0)
    throw new EmptyDocumentError(GOOGLE_IP_RANGES_FORMAT, `${doc.location}: Google's ranges without a single prefix`);
  const serial = feedSerial('syncToken', feed.syncToken) ?? feedSerial('creationTime', feed.creationTime);
  const columns = [FIELDS.filter((f) => present.has(f))];
  return {
    entries,
    shape: feedShape(GOOGLE_IP_RANGES_FORMAT, 1, feed.prefixes.length, columns, entries),
    warnings,
    ...(serial && { serial }),
  };
}

/** Certain when a prefix has `ipv4Prefix` / `ipv6Prefix`; likely for an empty file with Google's stamps. */
export function detectGoogleIpRanges(doc: TextDocument): number {
  const root = jsonObjectOf(doc);
  if (!root) return 0;
  const first = firstRecord(root.prefixes);
  if (first && ('ipv4Prefix' in first || 'ipv6Prefix' in first)) return 0.95;
  return Array.isArray(root.prefixes) && 'syncToken' in root && 'creationTime' in root ? 0.9 : 0;
}

export const googleIpRangesParser: DocumentParser = {
  id: GOOGLE_IP_RANGES_FORMAT,
  description: "Google's cloud.json and goog.json (section = service, region = scope)",
  syntax: 'json',
  detect: detectGoogleIpRanges,
  parse: parseGoogleIpRanges,
};
