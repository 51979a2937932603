/**
 * The Microsoft 365 endpoints web service: `/endpoints/<instance>?clientrequestid=<GUID>`
 * answers with a JSON array of endpoint sets, each with an id, a service area, urls and/or ips,
 * TCP/UDP port lists, a category, an ExpressRoute flag and a required flag. One catalog entry
 * per url and per ip of each set.
 *
 * The same service has other endpoints (`/version`, `/changes`) and answers errors as a JSON
 * object, sometimes with status 200; all of those are refused with a ParseError that says what
 * was received, so an error answer never looks like "every endpoint was removed".
 */
import { z } from 'zod';
import type { CatalogEntry, ParseResult } from '../../catalog/model.js';
import { classifyToken } from '../../catalog/normalize.js';
import { normalizePortSpec, parsePorts } from '../../catalog/ports.js';
import { entriesPerSection } from '../../catalog/canonical.js';
import { EmptyDocumentError, ParseError } from '../../errors/index.js';
import type { DocumentParser, TextDocument } from '../types.js';
import { canonicalCategory, endpointSetEntry, type EndpointSetFacts } from './endpoint-set.js';
import { visitValueLines } from './value-lines.js';

export const M365_JSON_FORMAT = 'm365-json';

/**
 * One endpoint set as the service writes it. Values (service areas, categories) are free
 * strings on purpose: a new service area or category is news to report, not a broken document.
 * Optional fields may be absent or null.
 */
const endpointSetSchema = z.object({
  id: z.number().int().nonnegative(),
  serviceArea: z.string().min(1),
  serviceAreaDisplayName: z.string().nullish(),
  urls: z.array(z.string()).nullish(),
  ips: z.array(z.string()).nullish(),
  tcpPorts: z.string().nullish(),
  udpPorts: z.string().nullish(),
  expressRoute: z.boolean(),
  category: z.string().min(1),
  required: z.boolean(),
  notes: z.string().nullish(),
});

const endpointSetsSchema = z.array(endpointSetSchema);

type EndpointSet = z.infer<typeof endpointSetSchema>;

/** The fields that carry endpoint data, in a fixed order: reported as the document's "columns" so that parser health notices one disappearing. */
const DATA_FIELDS = [
  'id',
  'serviceArea',
  'urls',
  'ips',
  'tcpPorts',
  'udpPorts',
  'category',
  'expressRoute',
  'required',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false; error: Error } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

const EXPECTED = 'a JSON array of endpoint sets, as answered by the endpoints web service at /endpoints/<instance>';

/** A ParseError for JSON that is valid but is not an endpoint-set list: says what it is instead. */
function refuseOtherAnswer(location: string, data: unknown): ParseError | null {
  if (isRecord(data) && 'error' in data) {
    const detail = typeof data.error === 'string' ? data.error : JSON.stringify(data.error);
    return new ParseError(`${location}: the endpoints web service answered with an error: ${detail}`);
  }
  const first = Array.isArray(data) ? data[0] : data;
  if (isRecord(first) && 'instance' in first && 'latest' in first) {
    return new ParseError(
      `${location}: this is an answer of the /version endpoint; the ${M365_JSON_FORMAT} parser reads ${EXPECTED}`,
    );
  }
  if (isRecord(first) && ('endpointSetId' in first || 'disposition' in first)) {
    return new ParseError(
      `${location}: this is an answer of the /changes endpoint; the ${M365_JSON_FORMAT} parser reads ${EXPECTED}`,
    );
  }
  if (!Array.isArray(data)) {
    const what = isRecord(data)
      ? `an object (keys: ${Object.keys(data).slice(0, 8).join(', ') || 'none'})`
      : `a JSON ${data === null ? 'null' : typeof data}`;
    return new ParseError(`${location}: expected ${EXPECTED}, got ${what}`);
  }
  if (data.length === 0)
    return new EmptyDocumentError(M365_JSON_FORMAT, `${location}: the endpoint-set array is empty`);
  return null;
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map((issue) => {
    const [index, ...rest] = issue.path;
    const where =
      typeof index === 'number'
        ? `set #${index + 1}${rest.length ? ` ${rest.join('.')}` : ''}`
        : issue.path.join('.') || 'document';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > shown.length ? ` (and ${error.issues.length - shown.length} more)` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * "80,443" or "3478-3481" -> ["80", "443"] / ["3478-3481"]. Anything that is not a port or a
 * range becomes a warning rather than silently vanishing.
 */
function servicePortList(text: string | null | undefined, label: string, warnings: string[]): string[] {
  if (!text?.trim()) return [];
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = parts.filter((part) => !/^\d{1,5}(?:\s*-\s*\d{1,5})?$/.test(part));
  const good = parsePorts(parts.filter((part) => !bad.includes(part)).join(', ')).any;
  if (bad.length || good.length < parts.length - bad.length) warnings.push(`${label}: unreadable port(s) in "${text}"`);
  return good;
}

function setFacts(set: EndpointSet, warnings: string[]): EndpointSetFacts {
  const label = `set ${set.id}`;
  return {
    id: set.id,
    section: set.serviceAreaDisplayName?.trim() || set.serviceArea,
    category: canonicalCategory(set.category),
    required: set.required,
    expressRoute: set.expressRoute,
    notes: set.notes?.trim() || null,
    ports: normalizePortSpec({
      tcp: servicePortList(set.tcpPorts, `${label} tcpPorts`, warnings),
      udp: servicePortList(set.udpPorts, `${label} udpPorts`, warnings),
      any: [],
      custom: false,
    }),
  };
}

/** Line of each url / ip value: `${setIndex}/${field}/${itemIndex}` -> line. */
function endpointLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  visitValueLines(text, (path, line) => {
    const [setIndex, field, itemIndex] = path;
    if (
      path.length === 3 &&
      typeof setIndex === 'number' &&
      (field === 'urls' || field === 'ips') &&
      typeof itemIndex === 'number'
    ) {
      lines.set(`${setIndex}/${field}/${itemIndex}`, line);
    }
  });
  return lines;
}

export function parseM365Json(doc: TextDocument): ParseResult {
  const parsed = tryParseJson(doc.text);
  if (!parsed.ok)
    throw new ParseError(`${doc.location}: not valid JSON (${parsed.error.message})`, { cause: parsed.error });
  const refusal = refuseOtherAnswer(doc.location, parsed.value);
  if (refusal) throw refusal;
  const checked = endpointSetsSchema.safeParse(parsed.value);
  if (!checked.success) {
    throw new ParseError(`${doc.location}: not ${EXPECTED}: ${describeIssues(checked.error)}`, {
      cause: checked.error,
    });
  }

  const sets = checked.data;
  const lines = endpointLines(doc.text);
  const warnings: string[] = [];
  let uncatalogued = 0;
  const entries: CatalogEntry[] = [];
  const seenIds = new Set<number>();
  let rows = 0;

  sets.forEach((set, setIndex) => {
    if (seenIds.has(set.id)) warnings.push(`set ${set.id} appears more than once; its endpoints are merged`);
    seenIds.add(set.id);
    const facts = setFacts(set, warnings);
    const before = entries.length;
    for (const field of ['urls', 'ips'] as const) {
      (set[field] ?? []).forEach((raw, itemIndex) => {
        const token = classifyToken(raw);
        if (!token) {
          warnings.push(`set ${set.id}: unrecognised value in ${field}: "${raw}"`);
          uncatalogued += 1;
          return;
        }
        // Kept, because it is an endpoint all the same, but worth a look.
        if ((field === 'ips') !== (token.kind === 'ip'))
          warnings.push(`set ${set.id}: ${token.kind} "${raw}" listed under ${field}`);
        const line = lines.get(`${setIndex}/${field}/${itemIndex}`) ?? 1;
        entries.push(endpointSetEntry(facts, token, { line, column: field }));
      });
    }
    if (entries.length === before) warnings.push(`set ${set.id} lists no urls and no ips`);
    else rows += 1;
  });

  if (entries.length === 0)
    throw new EmptyDocumentError(
      M365_JSON_FORMAT,
      `${doc.location}: ${sets.length} endpoint set(s) but not one url or ip in them`,
    );

  const present = DATA_FIELDS.filter((field) => sets.some((set) => set[field] !== undefined && set[field] !== null));
  return {
    entries,
    shape: {
      format: M365_JSON_FORMAT,
      tables: 1,
      rows,
      columns: [[...present]],
      entriesPerSection: entriesPerSection(entries),
    },
    warnings,
    warningCounts: { uncatalogued, recovered: 0, other: warnings.length - uncatalogued },
  };
}

/**
 * JSON whose first endpoint set has a `serviceArea`: certainly this service. Any other JSON gets
 * a low score, so that (with no better parser) it still lands here and fails with a message
 * saying what the JSON is, instead of "no parser recognises this document".
 */
export function detectM365Json(doc: TextDocument): number {
  const jsonType = /\bjson\b/i.test(doc.contentType ?? '');
  const start = doc.text.trimStart()[0];
  if (!jsonType && start !== '[' && start !== '{') return 0;
  const parsed = tryParseJson(doc.text);
  if (!parsed.ok) return jsonType ? 0.1 : 0;
  const first = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
  if (isRecord(first) && 'serviceArea' in first) return 0.95;
  return 0.1;
}

export const m365JsonParser: DocumentParser = {
  id: M365_JSON_FORMAT,
  description: 'Microsoft 365 endpoints web service (JSON array of endpoint sets)',
  syntax: 'json',
  detect: detectM365Json,
  parse: parseM365Json,
};
