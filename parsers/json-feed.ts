/**
 * What the JSON feed parsers (AWS, Azure, Google, GitHub, Okta, Atlassian, Zscaler) share:
 * reading the JSON once for detection and parsing, validating its shape with zod with errors
 * that name the path of what is wrong, the line each endpoint was read from, and turning a
 * listed value into an entry (or a warning, never nothing).
 */
import type { z } from 'zod';
import type { CatalogEntry, DocumentShape, EndpointRole, FeedSerial } from '../catalog/model.js';
import { catalogEntry } from '../catalog/entry.js';
import { entriesPerSection } from '../catalog/canonical.js';
import { type ClassifiedToken, classifyToken } from '../catalog/normalize.js';
import { ParseError } from '../errors/index.js';
import type { TextDocument } from './types.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type JsonResult = { ok: true; value: unknown } | { ok: false; error: Error };

/**
 * The last text parsed and its value: every feed parser's `detect` looks at the same document,
 * and Azure's file is megabytes, so it is parsed once for all of them and once more for none.
 * One slot only, dropped when a parser has read it (see readFeed).
 */
let last: { text: string; result: JsonResult } | null = null;

function parseJson(text: string): JsonResult {
  if (last?.text === text) return last.result;
  let result: JsonResult;
  try {
    result = { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    result = { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
  last = { text, result };
  return result;
}

/**
 * The document's top-level JSON object, for `detect`: null unless the text is a JSON object
 * (an HTML page, markdown, a JSON array, or broken JSON are no feed of ours).
 */
export function jsonObjectOf(doc: TextDocument): Record<string, unknown> | null {
  if (/html/i.test(doc.contentType ?? '')) return null;
  const start = /\S/.exec(doc.text.slice(0, 1024))?.[0];
  if (start !== '{') return null;
  const parsed = parseJson(doc.text);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : null;
}

/** The first element of `value` when it is a non-empty array of objects. */
export function firstRecord(value: unknown): Record<string, unknown> | null {
  return Array.isArray(value) && isRecord(value[0]) ? value[0] : null;
}

/** "values[3].properties.addressPrefixes[7]": a zod issue path as a person reads it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || 'document';
}

/** The first issues of a failed validation, each with its path: "prefixes[12].region: expected string, received number". */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > shown.length ? ` (and ${error.issues.length - shown.length} more)` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * Parses and validates a feed: a ParseError that says the text is not JSON, or names the path
 * of each part that does not have the shape of `what` ("an AWS ip-ranges.json").
 */
export function readFeed<T>(doc: TextDocument, schema: z.ZodType<T>, what: string): T {
  const parsed = parseJson(doc.text);
  last = null;
  if (!parsed.ok)
    throw new ParseError(`${doc.location}: not valid JSON (${parsed.error.message})`, { cause: parsed.error });
  const checked = schema.safeParse(parsed.value);
  if (!checked.success)
    throw new ParseError(`${doc.location}: not ${what}: ${describeIssues(checked.error)}`, { cause: checked.error });
  return checked.data;
}

/**
 * Lines of the string values of a JSON text, asked for in document order. JSON.parse gives no
 * positions, and walking the whole text token by token cost ten times the parse on Azure's
 * file; instead each value is found by searching for its quoted form from the last one found.
 * Feed parsers read arrays in order (JSON.parse keeps the order of arrays and of keys that are
 * not integers), and the strings between two endpoints (regions, service names) are never an
 * endpoint's exact quoted text, so the next match is the value itself. A value written with
 * escapes that is not found keeps the line of the one before: provenance, not data.
 */
export class ValueLines {
  private pos = 0;
  private line = 1;
  private nextNewline: number;

  constructor(private readonly text: string) {
    this.nextNewline = this.newlineFrom(0);
  }

  private newlineFrom(from: number): number {
    const at = this.text.indexOf('\n', from);
    return at < 0 ? Number.POSITIVE_INFINITY : at;
  }

  /** The 1-based line of the next occurrence of the string `value`. */
  lineOf(value: string): number {
    // "" is no endpoint, and would match any empty field on the way.
    if (value === '') return this.line;
    const plain = JSON.stringify(value);
    let needle = plain;
    let at = this.text.indexOf(needle, this.pos);
    if (at < 0 && value.includes('/')) {
      // Some generators escape the solidus ("3.2.34.0\/26"), which JSON allows.
      needle = plain.replaceAll('/', '\\/');
      at = this.text.indexOf(needle, this.pos);
    }
    if (at < 0) return this.line;
    while (this.nextNewline < at) {
      this.line += 1;
      this.nextNewline = this.newlineFrom(this.nextNewline + 1);
    }
    this.pos = at + needle.length;
    return this.line;
  }
}

/** Where an entry was read and what it belongs to, for feedEntry. */
export interface FeedPlace {
  section: string;
  region?: string | null;
  group?: string | null;
  role?: EndpointRole;
  notes?: string | null;
}

/**
 * The canonical endpoint of one value a feed lists, or a warning naming its line and place when
 * it is none (never dropped in silence). `expect` is the kind the field holds: an endpoint of
 * another kind is kept, with a warning, since it is an endpoint all the same.
 */
export function feedToken(
  raw: string,
  place: FeedPlace,
  provenance: { line: number; column: string },
  expect: 'ip' | 'fqdn',
  warnings: string[],
): ClassifiedToken | null {
  const token = classifyToken(raw);
  if (token && token.kind === expect) return token;
  const where = `line ${provenance.line}: ${place.section || '(document)'}${place.region ? ` (${place.region})` : ''} ${provenance.column}`;
  if (!token) warnings.push(`${where}: "${raw}" is not an IP address, CIDR or host name`);
  else
    warnings.push(
      `${where}: ${token.kind} "${raw}" where ${expect === 'ip' ? 'an IP or CIDR' : 'a host'} was expected`,
    );
  return token;
}

/** The entry for one value a feed lists, or null (and a warning) when it is no endpoint: see feedToken. */
export function feedEntry(
  raw: string,
  place: FeedPlace,
  provenance: { line: number; column: string },
  expect: 'ip' | 'fqdn',
  warnings: string[],
): CatalogEntry | null {
  const token = feedToken(raw, place, provenance, expect, warnings);
  if (!token) return null;
  return catalogEntry({
    kind: token.kind,
    value: token.value,
    section: place.section,
    region: place.region,
    group: place.group,
    role: place.role,
    notes: place.notes,
    provenance,
  });
}

/** A feed's serial as the catalog keeps it: by its own name, as text. */
export function feedSerial(name: string, value: string | number | null | undefined): FeedSerial | undefined {
  if (value === null || value === undefined || String(value).trim() === '') return undefined;
  return { name, value: String(value).trim() };
}

/**
 * The shape of a feed, for parser health: `lists` are the arrays that held endpoints (a feed
 * that loses its IPv6 list is held, not committed as thousands of removals), `rows` the
 * records read, `columns` the fields present in them (a renamed field is held too).
 */
export function feedShape(
  format: string,
  lists: number,
  rows: number,
  columns: string[][],
  entries: CatalogEntry[],
): DocumentShape {
  return { format, tables: lists, rows, columns, entriesPerSection: entriesPerSection(entries) };
}
