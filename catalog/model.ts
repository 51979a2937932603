/**
 * The catalog: what a vendor document says must be reachable, one entry per endpoint.
 *
 * Everything downstream (store, diff, notify, lookup, export) works on this model only, so a
 * new document format is a parser that produces these entries and nothing else.
 */

/** `ip`: an IPv4/IPv6 address or CIDR; `fqdn`: a host name (may be `*.x` or `<tenant>.x`); `url`: a full URL. */
export type EndpointKind = 'ip' | 'fqdn' | 'url';

/**
 * Which way traffic flows relative to the endpoint. Almost everything is a `destination`
 * (allow outbound to it); a few rows name a `source` (e.g. a Microsoft host that connects to
 * on-premises systems), which a firewall owner allows inbound instead.
 */
export type EndpointRole = 'destination' | 'source';

/**
 * Ports as the document states them. Each list holds single ports ("443") or ranges
 * ("3478-3481"), sorted numerically, without duplicates. `any` is for ports written without a
 * protocol ("outbound port 443"). `custom` is true when the document allows a customer-chosen
 * port ("or Custom", "customer configurable").
 */
export interface PortSpec {
  tcp: string[];
  udp: string[];
  any: string[];
  custom: boolean;
}

/** Where an entry came from in the fetched document. */
export interface Provenance {
  /**
   * 1-based line of the cell, column block or list item that holds the value; 0 in a catalog
   * read back from catalog.json, which keeps no line numbers (catalog/canonical.ts).
   */
  line: number;
  /** Column header (or block heading) the value was found under, when there is one. */
  column?: string | null;
}

export interface CatalogEntry {
  kind: EndpointKind;
  /** Canonical form: see catalog/normalize.ts. */
  value: string;
  /** Nearest heading above the table or block ('' when the document has none). */
  section: string;
  /** Data center / region label ("US1 data center" -> "US1"), null when not regional. */
  region: string | null;
  /** Row or endpoint set, for display: "2: Microsoft 365 portal". null when the layout has no rows. */
  group: string | null;
  /**
   * The part of `group` that identifies it across versions (no row number, no links, lower
   * case, collapsed whitespace), so renumbering rows is not a change. null when `group` is.
   */
  groupKey: string | null;
  ports: PortSpec;
  /** Required / Optional as the document says; null when it does not say. */
  required: boolean | null;
  /** ExpressRoute flag where the layout has one; null otherwise. */
  expressRoute: boolean | null;
  role: EndpointRole;
  /** Category (Optimize / Allow / Default) where the layout has one. */
  category?: string | null;
  /** Free-text notes attached to the row, for display only (never part of a diff). */
  notes?: string | null;
  provenance: Provenance;
}

/** What a parser found, so a later version that loses tables or columns can be told apart from a real change. */
export interface DocumentShape {
  /** Parser id that produced the catalog. */
  format: string;
  /** Tables or row blocks with at least one endpoint. */
  tables: number;
  /** Data rows in those tables / blocks. */
  rows: number;
  /** Column headers seen, per table, in document order (empty strings for header-less columns). */
  columns: string[][];
  /** Number of entries per section. */
  entriesPerSection: Record<string, number>;
  /** Version of the data as the document states it (e.g. an HTML comment "endpoints version 2020080600"); null or absent when it states none. */
  version?: string | null;
}

export interface Catalog {
  /** Source id from the config (or the file name for ad-hoc `parse`). */
  source: string;
  /** Parser id. */
  format: string;
  /** Canonically ordered entries (see catalog/canonical.ts). */
  entries: CatalogEntry[];
  shape: DocumentShape;
  /** The feed's own serial, when it states one (see ParseResult.serial). */
  serial?: FeedSerial;
}

/** A feed's own version stamp, by the name the feed gives it: `syncToken`, `changeNumber`, ... */
export interface FeedSerial {
  name: string;
  value: string;
}

/**
 * What a warning is about:
 *  - `uncatalogued`: a token in a table, row block or endpoint list that looks like an IP, CIDR
 *    or host name and is not in the catalog ("portal</>.example</>.com", a host in a Notes
 *    column, a host in a code block that is not a list of endpoints only);
 *  - `recovered`: an address read out of a piece with stray characters around it
 *    ("13.64.16.132m"): it is in the catalog, but worth a look;
 *  - `other`: anything else (a row block left open, a page with no endpoint, a malformed cell).
 */
export type WarningKind = 'uncatalogued' | 'recovered' | 'other';

export type WarningCounts = Record<WarningKind, number>;

/** Output of a parser: entries in document order plus the shape and anything worth a warning. */
export interface ParseResult {
  entries: CatalogEntry[];
  shape: DocumentShape;
  /** Things a person should look at (an unrecognised token in an address column, ...). */
  warnings: string[];
  /** The feed's own serial (AWS `syncToken`, Azure `changeNumber`, ...); absent when it states none. */
  serial?: FeedSerial;
  /** How many of `warnings` are of each kind; absent from parsers that do not sort theirs. */
  warningCounts?: WarningCounts;
}

export function emptyPorts(): PortSpec {
  return { tcp: [], udp: [], any: [], custom: false };
}
