/**
 * Azure Service Tags (`ServiceTags_Public_<date>.json`, and the Government and China clouds'
 * files): `{ changeNumber, cloud, values: [{ name, id, properties: { changeNumber, region,
 * systemService, addressPrefixes, ... } }] }`. One entry per prefix of each tag: section = the
 * tag's name (`AzureFrontDoor.Frontend`, `AzureCloud.westeurope`), region = its region (null
 * for the global tags). The global tags repeat their regional tags' prefixes, and so does the
 * catalog: a team allow-lists a tag, not an address. The tag's own changeNumber and its
 * systemService are kept in the entry's notes (display only, never part of a diff); the file's
 * changeNumber is the feed's serial.
 */
import { z } from 'zod';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { EmptyDocumentError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import {
  ValueLines,
  feedEntry,
  feedSerial,
  feedShape,
  firstRecord,
  isRecord,
  jsonObjectOf,
  readFeed,
} from '../json-feed.js';

export const AZURE_SERVICE_TAGS_FORMAT = 'azure-service-tags';

const tagSchema = z.object({
  name: z.string().min(1),
  properties: z.object({
    changeNumber: z.number().optional(),
    region: z.string().nullish(),
    systemService: z.string().nullish(),
    addressPrefixes: z.array(z.string()),
  }),
});

const feedSchema = z.object({
  changeNumber: z.number().optional(),
  cloud: z.string().optional(),
  values: z.array(tagSchema),
});

const FIELDS = ['region', 'systemService', 'addressPrefixes', 'changeNumber'] as const;

/** "changeNumber 45; systemService AzureFrontDoor": what a person wants to know about the tag. */
function tagNotes(properties: z.infer<typeof tagSchema>['properties']): string | null {
  const parts: string[] = [];
  if (properties.changeNumber !== undefined) parts.push(`changeNumber ${properties.changeNumber}`);
  if (properties.systemService) parts.push(`systemService ${properties.systemService}`);
  return parts.length ? parts.join('; ') : null;
}

export function parseAzureServiceTags(doc: TextDocument): ParseResult {
  const feed = readFeed(doc, feedSchema, 'an Azure Service Tags file (values[].properties.addressPrefixes)');
  const warnings: string[] = [];
  const entries: CatalogEntry[] = [];
  const lines = new ValueLines(doc.text);
  const present = new Set<string>();
  const names = new Set<string>();
  for (const tag of feed.values) {
    if (names.has(tag.name)) warnings.push(`tag ${tag.name} is listed more than once; its prefixes are merged`);
    names.add(tag.name);
    const { properties } = tag;
    for (const field of FIELDS) if (properties[field] !== undefined && properties[field] !== null) present.add(field);
    const place = { section: tag.name, region: properties.region || null, notes: tagNotes(properties) };
    for (const raw of properties.addressPrefixes) {
      const entry = feedEntry(raw, place, { line: lines.lineOf(raw), column: 'addressPrefixes' }, 'ip', warnings);
      if (entry) entries.push(entry);
    }
  }
  if (entries.length === 0)
    throw new EmptyDocumentError(
      AZURE_SERVICE_TAGS_FORMAT,
      `${doc.location}: an Azure Service Tags file without a single address prefix (${feed.values.length} tag(s))`,
    );
  const serial = feedSerial('changeNumber', feed.changeNumber);
  const columns = [['name', ...FIELDS.filter((f) => present.has(f)).map((f) => `properties.${f}`)]];
  return {
    entries,
    shape: feedShape(AZURE_SERVICE_TAGS_FORMAT, 1, feed.values.length, columns, entries),
    warnings,
    ...(serial && { serial }),
  };
}

/** Certain when a tag has `properties.addressPrefixes`; likely for an empty file with the file's stamps. */
export function detectAzureServiceTags(doc: TextDocument): number {
  const root = jsonObjectOf(doc);
  if (!root) return 0;
  const properties = firstRecord(root.values)?.properties;
  if (isRecord(properties) && Array.isArray(properties.addressPrefixes)) return 0.95;
  return Array.isArray(root.values) && 'changeNumber' in root && 'cloud' in root ? 0.9 : 0;
}

export const azureServiceTagsParser: DocumentParser = {
  id: AZURE_SERVICE_TAGS_FORMAT,
  description: 'Azure Service Tags JSON (section = tag name, region = the tag region)',
  syntax: 'json',
  detect: detectAzureServiceTags,
  parse: parseAzureServiceTags,
};
