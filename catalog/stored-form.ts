/**
 * catalog.json: what is committed for every version, so `git log -p` is the history people
 * read. One entry per line, the shape indented, and nothing that moves when unrelated lines of
 * the document move: no source line numbers (`parse --json` gives those, from the parse
 * result). A commit that adds two IPs adds two lines; the shape's counts and the comma of a
 * neighbouring line change with them.
 *
 * Form 2 (`"catalogFormat": 2`, the first field) writes each entry compactly, a field only when
 * it is not its default, and the kind as the key of the value:
 *
 *     {"ip":"13.80.22.71","section":"Portal access","region":"EU1","tcp":["443"],"column":"IP addresses"}
 *
 * (role `destination`, region, group, required and expressRoute null, groupKey derived from the
 * group by groupKeyOf, no port: left out; `category` and `notes` written when the entry has them,
 * null included; the column header an entry was read under, when it is a text). An Azure prefix
 * takes ~120 bytes instead of ~330 in the form before (one JSON object of every field per line,
 * still read, as is the older pretty-printed one with line numbers).
 *
 * Reading keeps memory down at feed scale (100k entries and more): the entry lines are parsed
 * one by one, the strings that repeat (section, region, group, notes, column) are kept once,
 * and entries with the same ports or column share one frozen ports or provenance object.
 */
import { z } from 'zod';
import { groupKeyOf } from './canonical.js';
import { entryLiteral } from './entry.js';
import type { Catalog, CatalogEntry, DocumentShape, PortSpec } from './model.js';

/** The form serializeCatalog writes. Raise it whenever what it writes for a catalog changes. */
export const CATALOG_FORMAT = 2;

const FORMAT_LINE = `{\n  "catalogFormat": ${CATALOG_FORMAT},\n`;

/** The kinds written as the key of their value; any other kind is written `"kind": k, "value": v`. */
const KIND_KEYS: ReadonlySet<string> = new Set(['ip', 'fqdn', 'url']);

/** Entry fields read into the entry as they are named; the rest of an entry line is below. */
const ENTRY_FIELDS: ReadonlySet<string> = new Set([
  'kind',
  'value',
  'role',
  'section',
  'region',
  'group',
  'groupKey',
  'ports',
  'required',
  'expressRoute',
  'category',
  'notes',
  'provenance',
]);
/** Keys of an entry line that are not entry fields of that name. */
const LINE_KEYS: ReadonlySet<string> = new Set([...KIND_KEYS, 'tcp', 'udp', 'any', 'custom', 'column', 'fields']);
const PORT_FIELDS: ReadonlySet<string> = new Set(['tcp', 'udp', 'any', 'custom']);

const CATALOG_FIELDS = ['source', 'format', 'entries', 'shape'] as const satisfies readonly (keyof Catalog)[];
const SHAPE_FIELDS = [
  'format',
  'tables',
  'rows',
  'columns',
  'entriesPerSection',
  'version',
] as const satisfies readonly (keyof DocumentShape)[];

function ordered(value: object, first: readonly string[]): Record<string, unknown> {
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of first) if (record[key] !== undefined) out[key] = record[key];
  for (const key of Object.keys(record).sort()) if (!(key in out) && record[key] !== undefined) out[key] = record[key];
  return out;
}

/** Fields of `record` not in `known`, by name (almost always none: no sort then). */
function extraFields(record: object, known: ReadonlySet<string>): string[] {
  const extra: string[] = [];
  for (const key in record)
    if (!known.has(key) && (record as Record<string, unknown>)[key] !== undefined) extra.push(key);
  return extra.length > 1 ? extra.sort() : extra;
}

/** The groupKey an entry line leaves out: the one groupKeyOf derives from its group (memoised per group text). */
function derivedGroupKey(): (group: string | null) => string | null {
  const keys = new Map<string, string | null>();
  return (group) => {
    if (group === null) return null;
    let key = keys.get(group);
    if (key === undefined) {
      key = groupKeyOf(group);
      keys.set(group, key);
    }
    return key;
  };
}

/**
 * One entry line (see the module comment), as one flat string: JSON.stringify of a small
 * object. Joining the pieces by hand made a rope of ten strings per entry, which at 100k entries
 * held three times the text until it was written.
 */
function entryLine(entry: CatalogEntry, groupKeyFor: (group: string | null) => string | null): string {
  const e = entry as CatalogEntry & Record<string, unknown>;
  const line: Record<string, unknown> = {};
  if (KIND_KEYS.has(e.kind)) line[e.kind] = e.value;
  else {
    line.kind = e.kind;
    line.value = e.value;
  }
  // `!= null`: a field a hand-made catalog left undefined is its default, never "undefined".
  if (e.role && e.role !== 'destination') line.role = e.role;
  if (e.section) line.section = e.section;
  if (e.region != null) line.region = e.region;
  if (e.group != null) line.group = e.group;
  const groupKey = e.groupKey ?? null;
  if (groupKey !== groupKeyFor(e.group ?? null)) line.groupKey = groupKey;
  const ports = e.ports;
  const portExtras = extraFields(ports, PORT_FIELDS);
  if (portExtras.length) {
    // A port field a later version added: the ports are written whole, as they are.
    const stored: Record<string, unknown> = { tcp: ports.tcp, udp: ports.udp, any: ports.any, custom: ports.custom };
    for (const key of portExtras) stored[key] = (ports as unknown as Record<string, unknown>)[key];
    line.ports = stored;
  } else {
    if (ports.tcp.length) line.tcp = ports.tcp;
    if (ports.udp.length) line.udp = ports.udp;
    if (ports.any.length) line.any = ports.any;
    if (ports.custom) line.custom = true;
  }
  if (e.required != null) line.required = e.required;
  if (e.expressRoute != null) line.expressRoute = e.expressRoute;
  if (e.category !== undefined) line.category = e.category;
  if (e.notes !== undefined) line.notes = e.notes;
  const column = e.provenance?.column;
  if (typeof column === 'string') line.column = column;
  // Fields a later version added, by name; those that would read as a key of the line, nested.
  let nested: Record<string, unknown> | null = null;
  for (const key of extraFields(e, ENTRY_FIELDS)) {
    if (LINE_KEYS.has(key)) (nested ??= {})[key] = e[key];
    else line[key] = e[key];
  }
  if (nested) line.fields = nested;
  return JSON.stringify(line);
}

/** Indented JSON whose innermost arrays (a table's column headers) stay on one line. */
function block(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    return `[\n${value.map((v) => inner + block(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    if (fields.length === 0) return '{}';
    return `{\n${fields.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${block(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Bytes written into chunks of about this size, so that no text of the whole catalog is made. */
const CHUNK = 1 << 20;

/**
 * The bytes of catalog.json (see above), UTF-8. Entry lines are encoded into chunks as they are
 * made: at feed scale, joining them into one string and encoding that for the file held the
 * text three times over (lines, string, bytes).
 */
export function serializeCatalogBytes(catalog: Catalog): Buffer {
  const groupKeyFor = derivedGroupKey();
  const chunks: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const put = (text: string) => {
    const length = Buffer.byteLength(text);
    if (used + length > chunk.length) {
      chunks.push(chunk.subarray(0, used));
      chunk = Buffer.allocUnsafe(Math.max(CHUNK, length));
      used = 0;
    }
    used += chunk.write(text, used);
  };
  put(FORMAT_LINE);
  let first = true;
  for (const [key, value] of Object.entries(ordered(catalog, CATALOG_FIELDS))) {
    put(first ? '' : ',\n');
    first = false;
    if (key === 'shape') put(`  "shape": ${block(ordered(value as DocumentShape, SHAPE_FIELDS), '  ')}`);
    else if (key !== 'entries') put(`  ${JSON.stringify(key)}: ${block(value, '  ')}`);
    else {
      const entries = value as CatalogEntry[];
      if (entries.length === 0) put('  "entries": []');
      else {
        put('  "entries": [\n');
        for (let i = 0; i < entries.length; i += 1) {
          put(i ? ',\n    ' : '    ');
          put(entryLine(entries[i]!, groupKeyFor));
        }
        put('\n  ]');
      }
    }
  }
  put('\n}\n');
  chunks.push(chunk.subarray(0, used));
  return Buffer.concat(chunks);
}

/** The text of catalog.json (see above); `parseStoredCatalog` reads it back. */
export function serializeCatalog(catalog: Catalog): string {
  return serializeCatalogBytes(catalog).toString('utf8');
}

/**
 * The form a catalog.json text is written in: its `catalogFormat`, 1 for the forms before it
 * (no such field), null for text that does not start as a catalog does. Reads the first line
 * only: deciding whether a stored catalog needs rewriting costs nothing.
 */
export function storedCatalogFormat(text: string): number | null {
  const match = /^\{\s*(?:"catalogFormat":\s*(\d+)\s*,|")/.exec(text.slice(0, 64));
  if (!match) return null;
  return match[1] === undefined ? 1 : Number(match[1]);
}

/** True when `text` is in an older form than serializeCatalog writes (rewritten once, with no alert). */
export function isOutdatedCatalogText(text: string): boolean {
  const format = storedCatalogFormat(text);
  return format !== null && format < CATALOG_FORMAT;
}

// Reading.

const storedPorts = z.looseObject({
  tcp: z.array(z.string()),
  udp: z.array(z.string()),
  any: z.array(z.string()),
  custom: z.boolean(),
});

// Kinds and roles are checked as strings, not against today's lists: a file written by a later
// version that knows one more kind must still be read (and written back unchanged).
const storedEntrySchema = z.looseObject({
  kind: z.string(),
  value: z.string(),
  section: z.string(),
  region: z.string().nullable(),
  group: z.string().nullable(),
  groupKey: z.string().nullable(),
  ports: storedPorts,
  required: z.boolean().nullable(),
  expressRoute: z.boolean().nullable(),
  role: z.string(),
  category: z.string().nullable().optional(),
  notes: z.string().nullable().optional(),
  provenance: z.looseObject({ line: z.number().optional(), column: z.string().nullable().optional() }).optional(),
});

const storedCatalogSchema = z.looseObject({
  catalogFormat: z.number().optional(),
  source: z.string(),
  format: z.string(),
  // Entries are checked one by one (see parseStoredCatalog), not copied here.
  entries: z.array(z.unknown()),
  shape: z.looseObject({
    format: z.string(),
    tables: z.number(),
    rows: z.number(),
    columns: z.array(z.array(z.string())),
    entriesPerSection: z.record(z.string(), z.number()),
  }),
});

function notACatalog(issue: z.core.$ZodIssue, at: PropertyKey[] = []): Error {
  const path = [...at, ...issue.path].map(String).join('.');
  return new Error(`not a catalog: ${path || '(top level)'}: ${issue.message}`);
}

class LineError extends Error {}

function lineError(index: number, key: string, expected: string): LineError {
  return new LineError(`not a catalog: entries.${index}.${key}: expected ${expected}`);
}

/** What one catalog's entries share: each repeated string once, one frozen ports or provenance object per distinct value. */
class Shared {
  private readonly strings = new Map<string, string>();
  private readonly ports = new Map<string, PortSpec>();
  private readonly provenances = new Map<string, CatalogEntry['provenance']>();
  private readonly bare: CatalogEntry['provenance'] = Object.freeze({ line: 0 });
  private readonly noPorts: PortSpec = Object.freeze({
    tcp: Object.freeze([]) as unknown as string[],
    udp: Object.freeze([]) as unknown as string[],
    any: Object.freeze([]) as unknown as string[],
    custom: false,
  });
  readonly groupKeyFor = derivedGroupKey();

  string(text: string): string {
    const seen = this.strings.get(text);
    if (seen !== undefined) return seen;
    this.strings.set(text, text);
    return text;
  }

  portsOf(tcp: string[], udp: string[], any: string[], custom: boolean): PortSpec {
    if (!tcp.length && !udp.length && !any.length && !custom) return this.noPorts;
    const key = `${tcp.join(',')}|${udp.join(',')}|${any.join(',')}|${custom}`;
    let ports = this.ports.get(key);
    if (!ports) {
      ports = Object.freeze({
        tcp: Object.freeze(tcp) as string[],
        udp: Object.freeze(udp) as string[],
        any: Object.freeze(any) as string[],
        custom,
      });
      this.ports.set(key, ports);
    }
    return ports;
  }

  provenanceOf(column: string | undefined): CatalogEntry['provenance'] {
    if (column === undefined) return this.bare;
    let provenance = this.provenances.get(column);
    if (!provenance) {
      provenance = Object.freeze({ line: 0, column });
      this.provenances.set(column, provenance);
    }
    return provenance;
  }
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

// The readers of one field of an entry line (module functions, not closures made per line).

function textField(
  row: Record<string, unknown>,
  key: string,
  index: number,
  shared: Shared,
): string | null | undefined {
  const v = row[key];
  if (v === undefined || v === null) return v;
  if (typeof v === 'string') return shared.string(v);
  throw lineError(index, key, 'a string or null');
}

function requiredText(row: Record<string, unknown>, key: string, fallback: string, index: number, shared: Shared) {
  const v = row[key];
  if (v === undefined) return fallback;
  if (typeof v === 'string') return shared.string(v);
  throw lineError(index, key, 'a string');
}

function flagField(row: Record<string, unknown>, key: string, index: number): boolean | null {
  const v = row[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v;
  throw lineError(index, key, 'true, false or null');
}

const NO_LIST: string[] = [];

function listField(row: Record<string, unknown>, key: string, index: number): string[] {
  const v = row[key];
  if (v === undefined) return NO_LIST;
  if (isStringArray(v)) return v;
  throw lineError(index, key, 'a list of strings');
}

/** One entry line of form 2 as an entry. */
function entryOfLine(row: Record<string, unknown>, index: number, shared: Shared): CatalogEntry {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) throw lineError(index, '', 'an object');
  let kind: string;
  let value: unknown;
  if (row.ip !== undefined) {
    kind = 'ip';
    value = row.ip;
  } else if (row.fqdn !== undefined) {
    kind = 'fqdn';
    value = row.fqdn;
  } else if (row.url !== undefined) {
    kind = 'url';
    value = row.url;
  } else {
    if (typeof row.kind !== 'string') throw lineError(index, 'kind', 'a string (or an ip, fqdn or url key)');
    kind = row.kind;
    value = row.value;
  }
  if (typeof value !== 'string') throw lineError(index, KIND_KEYS.has(kind) ? kind : 'value', 'a string');
  const role = requiredText(row, 'role', 'destination', index, shared);
  const section = requiredText(row, 'section', '', index, shared);
  const region = textField(row, 'region', index, shared) ?? null;
  const group = textField(row, 'group', index, shared) ?? null;
  const groupKey = row.groupKey !== undefined ? textField(row, 'groupKey', index, shared)! : shared.groupKeyFor(group);
  let ports: PortSpec;
  if (row.ports !== undefined) {
    const checked = storedPorts.safeParse(row.ports);
    if (!checked.success) throw notACatalog(checked.error.issues[0]!, ['entries', index, 'ports']);
    ports = row.ports as PortSpec;
  } else {
    const custom = row.custom;
    if (custom !== undefined && typeof custom !== 'boolean') throw lineError(index, 'custom', 'true or false');
    ports = shared.portsOf(
      listField(row, 'tcp', index),
      listField(row, 'udp', index),
      listField(row, 'any', index),
      custom === true,
    );
  }
  const required = flagField(row, 'required', index);
  const expressRoute = flagField(row, 'expressRoute', index);
  const column = row.column;
  if (column !== undefined && typeof column !== 'string') throw lineError(index, 'column', 'a string');
  const provenance = shared.provenanceOf(column === undefined ? undefined : shared.string(column));
  const category = row.category !== undefined ? textField(row, 'category', index, shared) : undefined;
  const notes = row.notes !== undefined ? textField(row, 'notes', index, shared) : undefined;
  // Built as catalogEntry builds it (catalog/entry.ts), so stored and parsed entries share their shape.
  const entry = entryLiteral(
    kind as CatalogEntry['kind'],
    value,
    section,
    region,
    group,
    groupKey,
    ports,
    required,
    expressRoute,
    role as CatalogEntry['role'],
    category,
    notes,
    provenance,
  );
  // Fields a later version added (see entryLine), after the known ones, as the older forms kept them.
  for (const key in row) {
    if (key === 'fields' && row.fields !== null && typeof row.fields === 'object')
      Object.assign(entry, row.fields as Record<string, unknown>);
    else if (!LINE_KEYS.has(key) && !ENTRY_FIELDS.has(key))
      (entry as unknown as Record<string, unknown>)[key] = row[key];
  }
  return entry;
}

/** An entry of the forms before form 2 (every field, perhaps a line number), checked and kept as JSON.parse made it. */
function entryOfOlderForm(entry: CatalogEntry, index: number): CatalogEntry {
  const checked = storedEntrySchema.safeParse(entry);
  if (!checked.success) throw notACatalog(checked.error.issues[0]!, ['entries', index]);
  const stored = entry.provenance as Partial<CatalogEntry['provenance']> | undefined;
  if (stored === undefined) entry.provenance = { line: 0 };
  else if (typeof stored.line !== 'number') stored.line = 0;
  return entry;
}

function checkedSkeleton(json: unknown): Catalog {
  const result = storedCatalogSchema.safeParse(json);
  if (!result.success) throw notACatalog(result.error.issues[0]!);
  const catalog = result.data as unknown as Catalog & { catalogFormat?: number };
  delete catalog.catalogFormat;
  return catalog;
}

/**
 * Form 2 as serializeCatalog lays it out: the entry lines are parsed one at a time, between
 * the rest of the file parsed as JSON with no entries. Null when the text is laid out in any
 * other way (re-indented by hand, say): the whole text is parsed then.
 */
function parseLaidOut(text: string): Catalog | null {
  const opening = '\n  "entries": [\n';
  const start = text.indexOf(opening);
  if (start < 0) return null;
  const first = start + opening.length;
  // No entry line holds a line break (JSON escapes it), so the first "\n  ]" closes the list.
  const end = text.indexOf('\n  ]', first);
  if (end < 0) return null;
  let skeletonJson: unknown;
  try {
    skeletonJson = JSON.parse(`${text.slice(0, start)}\n  "entries": []${text.slice(end + 4)}`);
  } catch {
    return null;
  }
  const catalog = checkedSkeleton(skeletonJson);
  const shared = new Shared();
  const entries: CatalogEntry[] = [];
  let at = first;
  while (at <= end) {
    let stop = text.indexOf('\n', at);
    if (stop < 0 || stop > end) stop = end;
    // "    {...}," or the last one "    {...}".
    const last = text.charCodeAt(stop - 1) === 44 ? stop - 1 : stop;
    if (!text.startsWith('    {', at)) return null;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(text.slice(at + 4, last)) as Record<string, unknown>;
    } catch {
      return null;
    }
    entries.push(entryOfLine(row, entries.length, shared));
    at = stop + 1;
  }
  catalog.entries = entries;
  return catalog;
}

/**
 * Reads catalog.json as any version wrote it: form 2, the one-object-per-line form before it,
 * or the older pretty-printed one with source line numbers (those are kept as read). An entry
 * read from form 2 or the form before has `provenance.line` 0: the file keeps no line numbers.
 * Throws an Error naming the first problem ("entries.3.ip: ...") when the text is not JSON or
 * not a catalog. Entries of form 2 share frozen ports and provenance objects: copy one to change it.
 */
export function parseStoredCatalog(text: string): Catalog {
  const format = storedCatalogFormat(text);
  if (format !== null && format >= 2) {
    try {
      const laidOut = parseLaidOut(text);
      if (laidOut) return laidOut;
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      throw new Error(err.message);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const catalog = checkedSkeleton(json);
  if (format !== null && format >= 2) {
    const shared = new Shared();
    try {
      catalog.entries = catalog.entries.map((row, index) =>
        entryOfLine(row as unknown as Record<string, unknown>, index, shared),
      );
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      throw new Error(err.message);
    }
  } else {
    // Each entry is checked and kept as JSON.parse made it: zod returns a copy of every object
    // it parses, which for a 100k-entry catalog was another 100 MB and a second of collection.
    catalog.entries.forEach(entryOfOlderForm);
  }
  return catalog;
}

/**
 * True when `text` is a catalog.json in the current form, byte for byte what serializeCatalog
 * writes for the catalog it holds; false for an older form and for anything that is not a
 * catalog. (The pipeline asks `isOutdatedCatalogText`, which reads the first line only.)
 */
export function isCanonicalCatalogText(text: string): boolean {
  try {
    return serializeCatalog(parseStoredCatalog(text)) === text;
  } catch {
    return false;
  }
}
