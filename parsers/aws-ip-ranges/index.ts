/**
 * AWS `ip-ranges.json`: `{ syncToken, createDate, prefixes: [{ ip_prefix, region, service,
 * network_border_group }], ipv6_prefixes: [{ ipv6_prefix, ... }] }`. One entry per prefix and
 * service: section = service (AMAZON, EC2, S3, ...), region = region (`GLOBAL` included). The
 * network border group is the entry's group only where it differs from the region (a Local or
 * Wavelength Zone such as `us-west-2-lax-1`), so a prefix that moves into a zone is a move.
 * AWS lists a prefix once per service (AMAZON holds them all), and so does the catalog.
 */
import { z } from 'zod';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { EmptyDocumentError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { ValueLines, feedEntry, feedSerial, feedShape, firstRecord, jsonObjectOf, readFeed } from '../json-feed.js';

export const AWS_IP_RANGES_FORMAT = 'aws-ip-ranges';

const place = {
  region: z.string(),
  service: z.string(),
  network_border_group: z.string().optional(),
};

const feedSchema = z.object({
  syncToken: z.union([z.string(), z.number()]).optional(),
  createDate: z.string().optional(),
  prefixes: z.array(z.object({ ip_prefix: z.string(), ...place })).optional(),
  ipv6_prefixes: z.array(z.object({ ipv6_prefix: z.string(), ...place })).optional(),
});

type Prefix = { region: string; service: string; network_border_group?: string | undefined };

const LISTS = [
  { key: 'prefixes', field: 'ip_prefix' },
  { key: 'ipv6_prefixes', field: 'ipv6_prefix' },
] as const;

export function parseAwsIpRanges(doc: TextDocument): ParseResult {
  const feed = readFeed(doc, feedSchema, 'an AWS ip-ranges.json (prefixes[].ip_prefix, ipv6_prefixes[].ipv6_prefix)');
  const warnings: string[] = [];
  const entries: CatalogEntry[] = [];
  const columns: string[][] = [];
  const lines = new ValueLines(doc.text);
  let lists = 0;
  let rows = 0;
  // Lines are found in document order: read the two lists in the order the file has them.
  const order = doc.text.indexOf('"ipv6_prefixes"') < doc.text.indexOf('"prefixes"') ? [1, 0] : [0, 1];
  for (const { key, field } of order.map((i) => LISTS[i]!)) {
    const records = (feed[key] ?? []) as Array<Prefix & Record<string, string>>;
    if (records.length === 0) continue;
    lists += 1;
    rows += records.length;
    const present = new Set<string>();
    for (const record of records) {
      for (const name of [field, 'region', 'service', 'network_border_group'])
        if (record[name] !== undefined) present.add(name);
      const raw = record[field]!;
      const border = record.network_border_group;
      const entry = feedEntry(
        raw,
        {
          section: record.service,
          region: record.region || null,
          group: border && border !== record.region ? border : null,
        },
        { line: lines.lineOf(raw), column: field },
        'ip',
        warnings,
      );
      if (entry) entries.push(entry);
    }
    columns.push([field, 'region', 'service', 'network_border_group'].filter((name) => present.has(name)));
  }
  if (entries.length === 0)
    throw new EmptyDocumentError(
      AWS_IP_RANGES_FORMAT,
      `${doc.location}: an AWS ip-ranges.json without a single prefix${rows ? ` (${rows} unreadable)` : ''}`,
    );
  const serial = feedSerial('syncToken', feed.syncToken) ?? feedSerial('createDate', feed.createDate);
  return {
    entries,
    shape: feedShape(AWS_IP_RANGES_FORMAT, lists, rows, columns, entries),
    warnings,
    ...(serial && { serial }),
  };
}

/** Certain when a prefix has `ip_prefix` / `ipv6_prefix`; likely for an empty file with AWS's stamps. */
export function detectAwsIpRanges(doc: TextDocument): number {
  const root = jsonObjectOf(doc);
  if (!root) return 0;
  if ('ip_prefix' in (firstRecord(root.prefixes) ?? {})) return 0.95;
  if ('ipv6_prefix' in (firstRecord(root.ipv6_prefixes) ?? {})) return 0.95;
  const lists = Array.isArray(root.prefixes) || Array.isArray(root.ipv6_prefixes);
  return lists && 'syncToken' in root && 'createDate' in root ? 0.9 : 0;
}

export const awsIpRangesParser: DocumentParser = {
  id: AWS_IP_RANGES_FORMAT,
  description: 'AWS ip-ranges.json (section = service, region = region)',
  syntax: 'json',
  detect: detectAwsIpRanges,
  parse: parseAwsIpRanges,
};
