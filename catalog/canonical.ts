/** Identity and ordering of catalog entries: what makes two versions of a document compare equal. */
import type { Catalog, CatalogEntry, DocumentShape, ParseResult } from './model.js';
import { readDecimalIpv4, readHexIpv6 } from './address-space.js';
import { parseIpValue } from './normalize.js';

/**
 * The identity of an entry across versions: everything a firewall owner cares about *where*
 * an endpoint is listed, nothing about how the document happens to be written (row numbers,
 * order, links, line numbers). The same host in two rows is two entries.
 */
export function entryKey(entry: CatalogEntry): string {
  return `${entry.kind}\u0000${entry.value}\u0000${entry.role}\u0000${entry.section}\u0000${entry.region ?? ''}\u0000${entry.groupKey ?? ''}`;
}

/**
 * Finds, for an entry, the index in `entries` of the entry with the same identity (the last
 * one, as a Map keyed by entryKey would), -1 when there is none, without building an entryKey
 * string for every entry: entries are looked up by value (a string that exists already, hashed
 * once) and compared field by field among the few of that value. Diffing two 100k-entry
 * catalogs spent most of its first pass making 200k keys. The map holds indices (small
 * integers, no object each).
 */
export function identityIndexAt(entries: readonly CatalogEntry[]): (entry: CatalogEntry) => number {
  const byValue = new Map<string, number | number[]>();
  for (let i = 0; i < entries.length; i += 1) {
    const value = entries[i]!.value;
    const seen = byValue.get(value);
    if (seen === undefined) byValue.set(value, i);
    else if (Array.isArray(seen)) seen.push(i);
    else byValue.set(value, [seen, i]);
  }
  return (entry) => {
    const seen = byValue.get(entry.value);
    if (seen === undefined) return -1;
    if (!Array.isArray(seen)) return sameIdentity(entries[seen]!, entry) ? seen : -1;
    for (let i = seen.length - 1; i >= 0; i -= 1) if (sameIdentity(entries[seen[i]!]!, entry)) return seen[i]!;
    return -1;
  };
}

function sameIdentity(a: CatalogEntry, b: CatalogEntry): boolean {
  return (
    a.kind === b.kind &&
    a.role === b.role &&
    a.section === b.section &&
    (a.region ?? '') === (b.region ?? '') &&
    (a.groupKey ?? '') === (b.groupKey ?? '')
  );
}

/** identityIndexAt, answering with the entry itself. */
export function identityIndex(entries: readonly CatalogEntry[]): (entry: CatalogEntry) => CatalogEntry | undefined {
  const find = identityIndexAt(entries);
  return (entry) => {
    const at = find(entry);
    return at < 0 ? undefined : entries[at];
  };
}

/** Makes a group key from a row's purpose text: no row number, no link targets, no markup, lower case. */
export function groupKeyOf(purpose: string | null): string | null {
  if (purpose === null) return null;
  const key = purpose
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[*_`\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  return key;
}

/**
 * One collator for every comparison: `a.localeCompare(b, 'en')` builds a new one per call, which
 * made sorting a large catalog slower than parsing it. Same order.
 */
const collator = new Intl.Collator('en');

function compareNullable(a: string | null, b: string | null): number {
  return collator.compare(a ?? '', b ?? '');
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

const prefixText = (prefix: number) => `/${prefix < 10 ? '00' : prefix < 100 ? '0' : ''}${prefix}`;
const SORT_GROUPS = new Uint16Array(8);

/**
 * Family, address bytes and prefix as one fixed-width string, so IPs compare numerically as
 * text. Catalog values (decimal IPv4, hex IPv6) are read by hand: ipaddr.js made objects and
 * regex matches for each, 80 MB for a 100k-prefix feed.
 */
function ipSortKeyOf(value: string): string {
  const v4 = readDecimalIpv4(value);
  if (v4 >= 0) {
    const prefix = v4 % 64;
    const address = (v4 - prefix) / 64;
    return `4${HEX[address >>> 24]}${HEX[(address >>> 16) & 255]}${HEX[(address >>> 8) & 255]}${HEX[address & 255]}${prefixText(prefix)}`;
  }
  const v6 = value.includes(':') ? readHexIpv6(value, SORT_GROUPS) : -1;
  if (v6 >= 0) {
    let key = '6';
    for (let k = 0; k < 8; k += 1) key += HEX[SORT_GROUPS[k]! >>> 8]! + HEX[SORT_GROUPS[k]! & 255]!;
    return key + prefixText(v6);
  }
  const ip = parseIpValue(value);
  let key = ip.family === 'ipv4' ? '4' : '6';
  for (const b of ip.address.toByteArray()) key += HEX[b];
  return `${key}/${ip.prefix < 10 ? '00' : ip.prefix < 100 ? '0' : ''}${ip.prefix}`;
}

const ipSortKeys = new Map<string, string>();

/** ipSortKeyOf, remembered for the comparator (sortEntries reads each value once itself). */
function ipSortKey(value: string): string {
  let key = ipSortKeys.get(value);
  if (key === undefined) {
    key = ipSortKeyOf(value);
    // Bounded: a long-running `watch` must not grow this without limit.
    if (ipSortKeys.size > 100_000) ipSortKeys.clear();
    ipSortKeys.set(value, key);
  }
  return key;
}

/** Numeric order for IPs (so 13.64.196.27 sorts before 104.209.35.177), text order otherwise. */
function compareValues(a: CatalogEntry, b: CatalogEntry): number {
  if (a.kind === 'ip' && b.kind === 'ip') {
    const ka = ipSortKey(a.value);
    const kb = ipSortKey(b.value);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  return collator.compare(a.value, b.value);
}

const KIND_ORDER = { ip: 0, fqdn: 1, url: 2 } as const;

/** A stable order that does not depend on the document's order, so `git diff` of catalog.json reads well. */
export function compareEntries(a: CatalogEntry, b: CatalogEntry): number {
  return (
    collator.compare(a.section, b.section) ||
    compareNullable(a.groupKey, b.groupKey) ||
    compareNullable(a.region, b.region) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compareValues(a, b) ||
    a.role.localeCompare(b.role)
  );
}

/**
 * Merges duplicates (the same endpoint listed twice in one row/region) and sorts. When two
 * copies disagree on ports, their ports are united: both lines of the document apply. The
 * entries given are never changed: a merged entry is a new object, the rest are kept as they
 * are (a 100k-entry feed is not copied to be sorted).
 */
export function canonicalEntries(entries: CatalogEntry[]): CatalogEntry[] {
  // Entries are looked up by value first, and by entryKey only among those of the same value:
  // an entryKey is a new string to hash for every entry, a value one string hashed once. Equal
  // keys mean equal values (the value sits between the first two NULs), unless a value holds a
  // NUL itself; such a value is looked up by its whole key.
  // A value seen once (nearly all) maps to its place in `unique` alone: no bucket is made for it.
  const byValue = new Map<string, number | { key: string | null; at: number }[]>();
  const unique: CatalogEntry[] = [];
  for (const entry of entries) {
    const bucketKey = entry.value.includes('\u0000') ? entryKey(entry) : entry.value;
    const found = byValue.get(bucketKey);
    if (found === undefined) {
      byValue.set(bucketKey, unique.length);
      unique.push(entry);
      continue;
    }
    let bucket = found;
    if (!Array.isArray(bucket)) byValue.set(bucketKey, (bucket = [{ key: null, at: bucket }]));
    // Keys are made only where a value repeats.
    const key = entryKey(entry);
    const seen = bucket.find((b) => (b.key ??= entryKey(unique[b.at]!)) === key);
    if (!seen) {
      bucket.push({ key, at: unique.length });
      unique.push(entry);
      continue;
    }
    const union = (x: string[], y: string[]) =>
      [...new Set([...x, ...y])].sort((p, q) => parseInt(p, 10) - parseInt(q, 10));
    const first = unique[seen.at]!;
    unique[seen.at] = {
      ...first,
      ports: {
        tcp: union(first.ports.tcp, entry.ports.tcp),
        udp: union(first.ports.udp, entry.ports.udp),
        any: union(first.ports.any, entry.ports.any),
        custom: first.ports.custom || entry.ports.custom,
      },
    };
  }
  return sortEntries(unique);
}

/**
 * Ranks of the strings in `distinctValues` in `compare` order: equal ranks for strings `compare` holds equal, so
 * comparing two ranks gives the sign `compare` gives for the two strings. With no `compare`,
 * in code-unit order (what sort() does with no comparator, natively), where only equal
 * strings are equal.
 */
function ranksOf(distinctValues: Set<string>, compare?: (a: string, b: string) => number): Map<string, number> {
  const distinct = [...distinctValues].sort(compare);
  const ranks = new Map<string, number>();
  let rank = 0;
  for (let i = 0; i < distinct.length; i += 1) {
    if (i > 0 && (compare ? compare(distinct[i - 1]!, distinct[i]!) !== 0 : true)) rank += 1;
    ranks.set(distinct[i]!, rank);
  }
  return ranks;
}

const byRoleText = (a: string, b: string): number => a.localeCompare(b);
const byCollator = (a: string, b: string): number => collator.compare(a, b);

/**
 * `entries.sort(compareEntries)`, with the same result, sooner. Each field is replaced by its
 * rank among this catalog's distinct values of that field, so the collator orders each set of
 * distinct strings once instead of being called at every one of the n log n comparisons of
 * entries. The ranks give every pair of entries the sign compareEntries gives it, and both
 * sorts are stable (ties keep the input order: the index is the last part of the key), so the
 * order is the same one, byte for byte.
 */
function sortEntries(entries: CatalogEntry[]): CatalogEntry[] {
  const n = entries.length;
  // One pass for the distinct values of every field, and the value each entry is sorted by.
  const values: string[] = new Array(n);
  const distinct = {
    sections: new Set<string>(),
    groups: new Set<string>(),
    regions: new Set<string>(),
    ips: new Set<string>(),
    texts: new Set<string>(),
    roles: new Set<string>(),
  };
  let last: CatalogEntry | null = null;
  for (let i = 0; i < n; i += 1) {
    const e = entries[i]!;
    // Parsers emit entries place by place: a place like the last one's is in the sets already.
    if (last === null || last.section !== e.section) distinct.sections.add(e.section);
    if (last === null || last.groupKey !== e.groupKey) distinct.groups.add(e.groupKey ?? '');
    if (last === null || last.region !== e.region) distinct.regions.add(e.region ?? '');
    if (last === null || last.role !== e.role) distinct.roles.add(e.role);
    last = e;
    // IPs and other values are only ever compared among their own kind (kind comes first).
    if (e.kind === 'ip') distinct.ips.add((values[i] = ipSortKeyOf(e.value)));
    else distinct.texts.add((values[i] = e.value));
  }
  const sections = ranksOf(distinct.sections, byCollator);
  const groups = ranksOf(distinct.groups, byCollator);
  const regions = ranksOf(distinct.regions, byCollator);
  const ipValues = ranksOf(distinct.ips);
  const textValues = ranksOf(distinct.texts, byCollator);
  const roles = ranksOf(distinct.roles, byRoleText);
  const valueCount = Math.max(ipValues.size, textValues.size, 1);
  const rankOfValue = (e: CatalogEntry, i: number) => (e.kind === 'ip' ? ipValues : textValues).get(values[i]!)!;
  // All ranks as digits of one integer, when it stays exact in a double: a numeric sort of
  // those is one native call with no comparator. The index is the last digit: ties keep
  // their order, and the entry is found again from its key.
  const sizes = [sections.size, groups.size, regions.size, 3, valueCount, roles.size, n] as const;
  if (sizes.reduce((product, size) => product * size, 1) < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    // The place part of the key, kept while entries stay in the same place (see above).
    let placeOf: CatalogEntry | null = null;
    let place = 0;
    for (let i = 0; i < n; i += 1) {
      const e = entries[i]!;
      if (
        placeOf === null ||
        placeOf.section !== e.section ||
        placeOf.groupKey !== e.groupKey ||
        placeOf.region !== e.region
      ) {
        place = sections.get(e.section)!;
        place = place * sizes[1] + groups.get(e.groupKey ?? '')!;
        place = place * sizes[2] + regions.get(e.region ?? '')!;
        placeOf = e;
      }
      let key = place * sizes[3] + KIND_ORDER[e.kind];
      key = key * sizes[4] + rankOfValue(e, i);
      key = key * sizes[5] + roles.get(e.role)!;
      keys[i] = key * sizes[6] + i;
    }
    keys.sort();
    const sorted: CatalogEntry[] = new Array(n);
    for (let i = 0; i < n; i += 1) sorted[i] = entries[keys[i]! % n]!;
    return sorted;
  }
  // Too many distinct values for one exact number (never seen in a real document): the plain
  // comparator sort, which gives the same order.
  return [...entries].sort(compareEntries);
}

export function entriesPerSection(entries: CatalogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) counts[entry.section] = (counts[entry.section] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => collator.compare(a, b)));
}

/** Builds the stored catalog from a parse result. */
export function buildCatalog(source: string, result: ParseResult): Catalog {
  // canonicalEntries changes no entry it is given: the parse result's entries are the catalog's.
  const entries = canonicalEntries(result.entries);
  const shape: DocumentShape = { ...result.shape, entriesPerSection: entriesPerSection(entries) };
  return { source, format: result.shape.format, entries, shape, ...(result.serial && { serial: result.serial }) };
}

// catalog.json, the stored form: catalog/stored-form.ts.
export {
  CATALOG_FORMAT,
  isCanonicalCatalogText,
  isOutdatedCatalogText,
  parseStoredCatalog,
  serializeCatalog,
  serializeCatalogBytes,
  storedCatalogFormat,
} from './stored-form.js';
