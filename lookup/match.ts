/**
 * `lookup VALUE`: which catalog entries cover an IP address, a CIDR, a host name or a URL.
 *
 *   - an IP address matches every IP entry whose range contains it (IPv4 and IPv6; an
 *     IPv4-mapped IPv6 address such as ::ffff:13.64.0.5 is looked up as IPv4);
 *   - a CIDR matches the IP entries that contain the WHOLE CIDR (13.64.0.0/25 is covered by a
 *     listed 13.64.0.0/24; 13.64.0.0/23 is not). Host bits are ignored (10.1.2.3/24 = 10.1.2.0/24);
 *   - a host name matches fqdn and url entries for that host: exactly, through a listed `*.x`
 *     wildcard (any depth below x, never x itself) or another star pattern read as a glob
 *     (`*excel.x` matches `xyzexcel.x`), through a placeholder label (`<tenant>.sharepoint.com`
 *     matches `contoso.sharepoint.com`) or a `#` number — see lookup/hosts.ts;
 *   - a URL (or host:port) is looked up by its host; a URL whose host is an IP, by that IP.
 * Case does not matter. No DNS is ever resolved: a host never matches an IP entry.
 * Anything else is a UsageError.
 */
import type { Catalog, CatalogEntry, EndpointKind, PortSpec } from '../catalog/model.js';
import { entryKey } from '../catalog/canonical.js';
import { canonicalHost } from '../catalog/normalize.js';
import { parseIpQuery, rangeContains, tryRangeOf, type AddressRange } from '../catalog/address-space.js';
import { UsageError } from '../errors/index.js';
import { hostMatches, hostOfEntry, normalizeHost } from './hosts.js';

/** One source's catalog to search, and (from the store's history) since when an entry is listed. */
export interface LookupCatalog {
  source: string;
  catalog: Catalog;
  /**
   * Date (as the store writes it, e.g. "2024-05-02") of the snapshot since which this entry
   * has been listed; null when unknown. Omitted: every match gets `since: null`.
   */
  since?: (entry: CatalogEntry) => string | null;
}

/** One entry that covers the looked-up value; the JSON output is `{ "matches": LookupMatch[] }`. */
export interface LookupMatch {
  source: string;
  kind: EndpointKind;
  value: string;
  section: string;
  region: string | null;
  group: string | null;
  ports: PortSpec;
  /** As the document says: true Required, false Optional, null not stated. */
  required: boolean | null;
  since: string | null;
}

/** An entry that covered the value in an earlier snapshot and is no longer listed there. */
export interface ListedUntil {
  source: string;
  kind: EndpointKind;
  value: string;
  section: string;
  region: string | null;
  group: string | null;
  ports: PortSpec;
  required: boolean | null;
  /** Date of the first snapshot of its last listed stretch. */
  from: string;
  /** Date of the first snapshot that no longer listed it. */
  until: string;
}

/** One stored snapshot of a source, oldest first in a history. */
export interface DatedCatalog {
  date: string;
  catalog: Catalog;
}

export type LookupQuery =
  | { type: 'ip'; text: string; range: AddressRange }
  | { type: 'host'; text: string; host: string };

function ipOrHost(text: string, original: string): LookupQuery | null {
  const range = parseIpQuery(text);
  if (range) return { type: 'ip', text: original, range };
  const host = canonicalHost(text);
  return host ? { type: 'host', text: original, host: normalizeHost(host) } : null;
}

/** Reads what the user typed; UsageError when it is not an IP, CIDR, host name or URL. */
export function parseLookupQuery(value: string): LookupQuery {
  const text = value.trim();
  if (!text) throw new UsageError('lookup needs a value: an IP address, CIDR, host name or URL');
  let query: LookupQuery | null = null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const hostname = new URL(text).hostname;
      query = hostname ? ipOrHost(hostname.replace(/^\[(.*)\]$/, '$1'), text) : null;
    } catch {
      query = null;
    }
  } else {
    query = ipOrHost(text, text);
    // host:port or IPv4:port, as firewall logs write them.
    const withPort = /^([^:/\s]+):\d{1,5}$/.exec(text);
    if (!query && withPort) query = ipOrHost(withPort[1]!, text);
    // [IPv6]:port
    const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/i.exec(text);
    if (!query && bracketed) query = ipOrHost(bracketed[1]!, text);
  }
  if (!query) throw new UsageError(`not an IP address, CIDR, host name or URL: "${value}"`);
  return query;
}

function entryMatches(query: LookupQuery, entry: CatalogEntry): boolean {
  if (query.type === 'ip') {
    if (entry.kind !== 'ip') return false;
    const range = tryRangeOf(entry.value);
    return range !== null && rangeContains(range, query.range);
  }
  const host = hostOfEntry(entry);
  return host !== null && hostMatches(host, query.host);
}

/**
 * Every entry of `catalogs` that covers `value`, by source (in the order given) and catalog
 * order. An empty result means "not listed" (the CLI exits 1). Throws UsageError on a value that
 * is not an IP, CIDR, host name or URL.
 */
export function lookupValue(value: string, catalogs: readonly LookupCatalog[]): LookupMatch[] {
  const query = parseLookupQuery(value);
  const matches: LookupMatch[] = [];
  for (const { source, catalog, since } of catalogs) {
    for (const entry of catalog.entries) {
      if (!entryMatches(query, entry)) continue;
      matches.push({
        source,
        kind: entry.kind,
        value: entry.value,
        section: entry.section,
        region: entry.region,
        group: entry.group,
        ports: entry.ports,
        required: entry.required,
        since: since?.(entry) ?? null,
      });
    }
  }
  return matches;
}

/**
 * Entries that covered `value` in a source's history (snapshots oldest first) and are not
 * listed in its latest snapshot: each with its last listed stretch. A value listed again
 * today is not in the result (lookupValue has it).
 */
export function listedUntil(value: string, source: string, history: readonly DatedCatalog[]): ListedUntil[] {
  const query = parseLookupQuery(value);
  const open = new Map<string, { entry: CatalogEntry; from: string }>();
  const closed = new Map<string, ListedUntil>();
  for (const { date, catalog } of history) {
    const seen = new Set<string>();
    for (const entry of catalog.entries) {
      if (!entryMatches(query, entry)) continue;
      const key = entryKey(entry);
      seen.add(key);
      const stretch = open.get(key);
      open.set(key, { entry, from: stretch?.from ?? date });
    }
    for (const [key, { entry, from }] of open) {
      if (seen.has(key)) continue;
      open.delete(key);
      const { kind, value: listed, section, region, group, ports, required } = entry;
      closed.set(key, { source, kind, value: listed, section, region, group, ports, required, from, until: date });
    }
  }
  return [...closed.entries()].filter(([key]) => !open.has(key)).map(([, item]) => item);
}
