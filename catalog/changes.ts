/** The result of comparing two catalogs of one source: what a person must hear about. */
import type { CatalogEntry, EndpointKind, PortSpec } from './model.js';

export type ChangeType = 'added' | 'removed' | 'modified' | 'moved' | 'reshaped';

/** Attributes whose change is reported as `modified` (never prose, row numbers or provenance). */
export type ChangedField = 'ports' | 'required' | 'expressRoute' | 'category' | 'role';

/**
 * What a change means for a firewall owner, in the spirit of the Microsoft 365 change feed
 * (catalog/impact.ts decides; the order of importance is documented there). `ChangedCategory`
 * and `ChangedRole` go beyond the feed's list so every `modified` change has an impact.
 */
export type Impact =
  | 'AddedIp'
  | 'AddedUrl'
  | 'RemovedIp'
  | 'RemovedUrl'
  | 'Moved'
  | 'ChangedPorts'
  | 'ChangedRequired'
  | 'ChangedExpressRoute'
  | 'ChangedCategory'
  | 'ChangedRole'
  | 'Reshaped';

/**
 * What a person has to do: `action` (open something now), `cleanup` (something may be closed),
 * `info` (nothing to do). Alerts list `action` first.
 */
export type Severity = 'action' | 'cleanup' | 'info';

/** Order in which severities are listed: what needs action first. */
export const SEVERITY_ORDER: Record<Severity, number> = { action: 0, cleanup: 1, info: 2 };

/**
 * Addresses a change adds to / removes from the covered space, as DECIMAL STRINGS (IPv4 and
 * IPv6 alike: an IPv6 /32 holds 2^96 addresses, which a JSON number cannot hold exactly).
 * `BigInt(text)` reads them back.
 */
export interface NetAddressCount {
  added: string;
  removed: string;
}

/** Net change of the whole source's covered address space, per family (decimal strings). */
export interface NetAddressSummary {
  ipv4: NetAddressCount;
  ipv6: NetAddressCount;
}

export interface EntryRef {
  section: string;
  region: string | null;
  group: string | null;
}

export interface Change {
  type: ChangeType;
  kind: EndpointKind;
  value: string;
  section: string;
  region: string | null;
  group: string | null;
  /** For `modified`: which attributes changed. Empty otherwise. */
  fields: ChangedField[];
  /** For `modified`: old values of the changed fields. */
  before?: Partial<Pick<CatalogEntry, ChangedField>> & { ports?: PortSpec };
  /** For `modified`: new values of the changed fields. */
  after?: Partial<Pick<CatalogEntry, ChangedField>> & { ports?: PortSpec };
  /** For `moved`: where the endpoint was and where it is now. */
  from?: EntryRef;
  to?: EntryRef;
  /** For `reshaped`: the IP values listed before and after, in address order (either may be empty). */
  reshape?: { before: string[]; after: string[] };
  /**
   * For `added`: the other places that already listed the same endpoint in the old version;
   * for `removed`: those that still list it. Only places a team of this region reads (the same
   * region, or no region; any region for a change without one). Set by diffCatalogs when there
   * are some: a removal still listed elsewhere may be a rule to keep.
   */
  listedElsewhere?: EntryRef[];
  /**
   * For changes of kind `ip`: addresses this change adds to / removes from its scope (section,
   * region, group): an added CIDR inside a range that was already listed adds "0". Always
   * "0"/"0" for `reshaped` and `modified`. Set by diffCatalogs; see catalog/address-diff.ts.
   */
  netAddresses?: NetAddressCount;
  /** Set by diffCatalogs on every change (optional only so change sets built by hand or stored by older versions stay valid). */
  impact?: Impact;
  /** Set by diffCatalogs on every change; see catalog/impact.ts. */
  severity?: Severity;
  /** The entry as it is now (for removed: as it was). */
  entry: CatalogEntry;
  /** One line a person can read: "EU1 · App connector access: IP added 13.95.30.47". */
  message: string;
}

export interface ChangeSummary {
  added: number;
  removed: number;
  modified: number;
  moved: number;
  reshaped: number;
  /** Changes per severity (counts changes that carry one; always set by `summarize`). */
  bySeverity?: Record<Severity, number>;
  /**
   * Net change of the covered address space over the whole source, IPv4 and IPv6 apart, as
   * decimal strings: `{ ipv4: { added: "256", removed: "0" }, ipv6: { added: "0", removed: "0" } }`.
   * Always set by diffCatalogs (optional in the type for change sets built by hand).
   */
  netAddresses?: NetAddressSummary;
}

/**
 * A place the new version labels differently while it lists the same endpoints there (see
 * catalog/relabel.ts): `region` for a data-center label (US -> US1, labels added or dropped),
 * `place` for a re-worded heading or row purpose. Not a change: nothing to open or close, so
 * no alert of its own; it says why the entries of catalog.json carry new labels.
 */
export interface Relabel {
  kind: 'region' | 'place';
  /** Where the endpoints were: for `region`, section and region (group null); for `place`, section and row. */
  from: EntryRef;
  to: EntryRef;
  /** Endpoints of the new version found under `to` that the old one listed under `from`. */
  endpoints: number;
  /** "Portal access: region US is now US1 (3 endpoints)". */
  message: string;
}

export interface ChangeSet {
  source: string;
  changes: Change[];
  summary: ChangeSummary;
  /**
   * Places re-labelled without a change (set by diffCatalogs, possibly empty; absent in change
   * sets stored by older versions). A change set with relabels and no change is still empty.
   */
  relabels?: Relabel[];
}

export function summarize(changes: Change[]): ChangeSummary {
  const summary: ChangeSummary = { added: 0, removed: 0, modified: 0, moved: 0, reshaped: 0 };
  const bySeverity: Record<Severity, number> = { action: 0, cleanup: 0, info: 0 };
  for (const change of changes) {
    summary[change.type] += 1;
    if (change.severity) bySeverity[change.severity] += 1;
  }
  return { ...summary, bySeverity };
}

export function isEmptyChangeSet(set: ChangeSet): boolean {
  return set.changes.length === 0;
}
