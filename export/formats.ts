/**
 * Export formats for firewalls and proxies: a registry of format id -> renderer.
 *
 * Every renderer is pure and deterministic: the same entries give the same bytes (values
 * sorted and de-duplicated), so an exported file can be committed or served and only changes
 * when the catalog does. List formats write one value per line with a final newline; an empty
 * list is an empty file.
 *
 *   cidr        every IP entry as a CIDR with explicit prefix (/32, /128 included), IPv4 then IPv6
 *   ipv4, ipv6  the same, one family
 *   fqdn        host names incl. wildcards as written (`*.office.com`, `*excel.office.com`),
 *               from fqdn AND url entries
 *   fqdn-exact  the same without any pattern (wildcards, placeholders, `#` numbers)
 *   csv         RFC 4180 table, one row per entry
 *   json        array of entries
 *   edl         Palo Alto external dynamic list of type IP ADDRESS (= cidr): PAN-OS wants one
 *               type per list, and an IP list is what a security rule's address match uses
 *   edl-url     Palo Alto external dynamic list of type URL: host names, wildcards as `*.x`
 *               (PAN-OS `*` matches one or more labels, like Microsoft's `*.`, and no part of
 *               one: `*excel.office.com` is written as `*.office.com`, which covers it)
 *   pac         proxy auto-config sending catalogued hosts and IPv4 ranges DIRECT
 *
 * IP values are written as the network they cover: "10.1.2.3/24" is exported as "10.1.2.0/24"
 * (catalog/address-space.ts). `aggregate: true` (only for the IP formats and pac) merges
 * adjacent and contained ranges without changing the covered space. Host lists write a
 * placeholder host (`<tenant>.sharepoint.com`, `#-courier.push.apple.com`) as the wildcard that
 * covers it (`*.sharepoint.com`, see lookup/hosts.ts listableHost), since no list format can
 * say "one label"; pac matches other stars as the globs they are (shExpMatch).
 */
import { aggregate, cidrNotation, tryRangeOf } from '../catalog/address-space.js';
import { compareIpValues } from '../catalog/address-diff.js';
import { formatPorts, isEmptyPorts } from '../catalog/ports.js';
import { compareEntries, entryKey } from '../catalog/canonical.js';
import { UsageError } from '../errors/index.js';
import { hostOfEntry, isDomainWildcard, isHostPattern, listableHost } from '../lookup/hosts.js';
import type { ExportEntry } from './select.js';
import { renderPac } from './pac.js';

export interface ExportOptions {
  /** Merge adjacent and contained CIDRs (IP formats and pac only; others throw UsageError). */
  aggregate?: boolean;
  /**
   * pac only: what FindProxyForURL returns for everything that is not catalogued, e.g.
   * "PROXY proxy.corp.example:8080; DIRECT". Required for pac: no default proxy is guessed
   * (a made-up one would silently break every uncatalogued connection).
   */
  pacFallback?: string;
}

/** What a pac fallback looks like, for messages. */
import { PAC_FALLBACK_EXAMPLE } from './format-list.js';

export { PAC_FALLBACK_EXAMPLE };

export interface ExportFormat {
  readonly id: string;
  readonly description: string;
  /** Whether `aggregate: true` is meaningful for this format. */
  readonly aggregates: boolean;
  render(entries: readonly ExportEntry[], options?: ExportOptions): string;
}

function lines(values: string[]): string {
  return values.length ? `${values.join('\n')}\n` : '';
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct IP values of the entries (one family or both), written as canonical values. */
function ipValues(entries: readonly ExportEntry[], family?: 'ipv4' | 'ipv6'): string[] {
  const values = new Set<string>();
  for (const e of entries) {
    if (e.kind !== 'ip') continue;
    const range = tryRangeOf(e.value);
    if (range && (!family || range.family === family)) values.add(e.value);
  }
  return [...values];
}

/** IP values as CIDRs with explicit prefix, sorted, de-duplicated, optionally aggregated. */
export function cidrList(
  entries: readonly ExportEntry[],
  options: ExportOptions = {},
  family?: 'ipv4' | 'ipv6',
): string[] {
  const values = ipValues(entries, family);
  const canonical = options.aggregate ? aggregate(values) : values;
  return [...new Set(canonical.map(cidrNotation))].sort(compareIpValues);
}

/**
 * How a host list writes patterns: `exact` leaves every pattern out; `globs` keeps stars as
 * written (`*excel.x`, a glob to a reader of `*`); `wildcards` writes every pattern as the `*.x`
 * that covers it. Placeholders (`<tenant>`, `#`) become that `*.x` in both (lookup/hosts.ts).
 */
export type HostListMode = 'exact' | 'globs' | 'wildcards';

/** Host names for lists, sorted and de-duplicated, patterns written as `mode` says. */
export function hostList(entries: readonly ExportEntry[], mode: HostListMode): string[] {
  const hosts = new Set<string>();
  for (const e of entries) {
    const host = hostOfEntry(e);
    if (!host) continue;
    if (mode === 'exact') {
      if (!isHostPattern(host)) hosts.add(host);
      continue;
    }
    const listable = listableHost(host, mode === 'globs');
    if (listable) hosts.add(listable);
  }
  return [...hosts].sort(byCodeUnits);
}

function refuseAggregate(id: string, options: ExportOptions | undefined): void {
  if (options?.aggregate)
    throw new UsageError(`--aggregate applies to IP lists (cidr, ipv4, ipv6, edl, pac), not to ${id}`);
}

const CSV_COLUMNS = [
  'source',
  'kind',
  'value',
  'section',
  'region',
  'group',
  'ports',
  'required',
  'expressRoute',
  'role',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled.
 * A field starting with = + - @ or a tab would be run as a formula by spreadsheet programs;
 * section headings and row texts come from third-party documents, so such a field gets a
 * leading apostrophe (the usual neutralisation). Endpoint values never start with one.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function flag(value: boolean | null | undefined): string {
  return value === true ? 'true' : value === false ? 'false' : '';
}

/** Entries by source, then catalog order, without duplicates: csv and json do not depend on the input order. */
function ordered(entries: readonly ExportEntry[]): ExportEntry[] {
  const seen = new Set<string>();
  return [...entries]
    .sort((a, b) => byCodeUnits(a.source, b.source) || compareEntries(a, b))
    .filter((e) => {
      const key = `${e.source}\u0000${entryKey(e)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function renderCsv(entries: readonly ExportEntry[]): string {
  const rows = ordered(entries).map((e) =>
    [
      e.source,
      e.kind,
      e.value,
      e.section,
      e.region ?? '',
      e.group ?? '',
      isEmptyPorts(e.ports) ? '' : formatPorts(e.ports),
      flag(e.required),
      flag(e.expressRoute),
      e.role,
    ]
      .map(csvField)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].map((row) => `${row}\r\n`).join('');
}

/** What the json export holds per entry (no provenance or notes: those describe the document, not the endpoint). */
export interface ExportedEntryJson {
  source: string;
  kind: ExportEntry['kind'];
  value: string;
  section: string;
  region: string | null;
  group: string | null;
  ports: ExportEntry['ports'];
  required: boolean | null;
  expressRoute: boolean | null;
  role: ExportEntry['role'];
}

function renderJson(entries: readonly ExportEntry[]): string {
  const list: ExportedEntryJson[] = ordered(entries).map((e) => ({
    source: e.source,
    kind: e.kind,
    value: e.value,
    section: e.section,
    region: e.region,
    group: e.group,
    ports: e.ports,
    required: e.required,
    expressRoute: e.expressRoute,
    role: e.role,
  }));
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** The pac fallback, which must be given: guessing a proxy would break every other connection. */
function requiredFallback(fallback: string | undefined): string {
  if (fallback?.trim()) return fallback;
  throw new UsageError(
    `pac needs a fallback: what the script returns for everything not catalogued, e.g. ${PAC_FALLBACK_EXAMPLE}`,
  );
}

const FORMATS: ExportFormat[] = [
  {
    id: 'cidr',
    description: 'IPv4 and IPv6 ranges as CIDRs, one per line (/32 and /128 included)',
    aggregates: true,
    render: (entries, options) => lines(cidrList(entries, options)),
  },
  {
    id: 'ipv4',
    description: 'IPv4 ranges as CIDRs, one per line',
    aggregates: true,
    render: (entries, options) => lines(cidrList(entries, options, 'ipv4')),
  },
  {
    id: 'ipv6',
    description: 'IPv6 ranges as CIDRs, one per line',
    aggregates: true,
    render: (entries, options) => lines(cidrList(entries, options, 'ipv6')),
  },
  {
    id: 'fqdn',
    description: 'host names, wildcards included as written (*.example.com, *x.example.com), one per line',
    aggregates: false,
    render: (entries, options) => {
      refuseAggregate('fqdn', options);
      return lines(hostList(entries, 'globs'));
    },
  },
  {
    id: 'fqdn-exact',
    description: 'exact host names only (no wildcards or placeholders), one per line',
    aggregates: false,
    render: (entries, options) => {
      refuseAggregate('fqdn-exact', options);
      return lines(hostList(entries, 'exact'));
    },
  },
  {
    id: 'csv',
    description: 'CSV (RFC 4180): source, kind, value, section, region, group, ports, required, expressRoute, role',
    aggregates: false,
    render: (entries, options) => {
      refuseAggregate('csv', options);
      return renderCsv(entries);
    },
  },
  {
    id: 'json',
    description: 'JSON array of entries',
    aggregates: false,
    render: (entries, options) => {
      refuseAggregate('json', options);
      return renderJson(entries);
    },
  },
  {
    id: 'edl',
    description: 'Palo Alto external dynamic list, type IP Address: IPv4/IPv6 CIDRs, one per line',
    aggregates: true,
    render: (entries, options) => lines(cidrList(entries, options)),
  },
  {
    id: 'edl-url',
    description: 'Palo Alto external dynamic list, type URL: host names, wildcards as *.example.com',
    aggregates: false,
    render: (entries, options) => {
      refuseAggregate('edl-url', options);
      return lines(hostList(entries, 'wildcards'));
    },
  },
  {
    id: 'pac',
    description: 'proxy auto-config: catalogued hosts and IPv4 ranges go DIRECT, the rest to --pac-fallback',
    aggregates: true,
    render: (entries, options = {}) =>
      renderPac({
        exactHosts: hostList(entries, 'exact'),
        wildcardHosts: hostList(entries, 'globs').filter(isDomainWildcard),
        globHosts: hostList(entries, 'globs').filter((h) => isHostPattern(h) && !isDomainWildcard(h)),
        ipv4Cidrs: cidrList(entries, options, 'ipv4'),
        fallback: requiredFallback(options.pacFallback),
        sources: [...new Set(entries.map((e) => e.source))].sort(byCodeUnits),
      }),
  },
];

/** Format id -> format. The CLI lists these for `export --format`. */
export const exportFormats: ReadonlyMap<string, ExportFormat> = new Map(FORMATS.map((f) => [f.id, f]));

/** The format with this id; UsageError naming the known ids otherwise. */
export function getExportFormat(id: string): ExportFormat {
  const format = exportFormats.get(id);
  if (!format) throw new UsageError(`unknown export format "${id}" (known: ${[...exportFormats.keys()].join(', ')})`);
  return format;
}

/** Renders `entries` (from selectEntries) in format `id`. */
export function renderExport(id: string, entries: readonly ExportEntry[], options: ExportOptions = {}): string {
  return getExportFormat(id).render(entries, options);
}
