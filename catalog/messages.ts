/** One-line descriptions of changes, shared by the console, Slack, email and commit messages. */
import type { Change, ChangedField, EntryRef, NetAddressSummary, Relabel, Severity } from './changes.js';
import type { CatalogEntry } from './model.js';
import { formatPorts } from './ports.js';
import { rangeSize, tryRangeOf } from './address-space.js';
import { compareNatural } from './order.js';

export function kindLabel(entry: Pick<CatalogEntry, 'kind' | 'value'>): string {
  if (entry.kind === 'ip') return entry.value.includes('/') ? 'CIDR' : 'IP';
  return entry.kind === 'fqdn' ? 'host' : 'URL';
}

/** "EU1 App connector access" / "[2: Microsoft 365 portal]" / "Portal access [row 3]". */
export function placeLabel(ref: EntryRef): string {
  const parts: string[] = [];
  if (ref.region) parts.push(ref.region);
  if (ref.section) parts.push(ref.section);
  if (ref.group) parts.push(`[${ref.group}]`);
  return parts.join(' ') || '(document)';
}

function requiredLabel(value: boolean | null | undefined): string {
  if (value === true) return 'Required';
  if (value === false) return 'Optional';
  return 'unstated';
}

/** "Action needed" / "Cleanup" / "Info": headings for alerts that lead with what needs action. */
export function severityLabel(severity: Severity): string {
  return severity === 'action' ? 'Action needed' : severity === 'cleanup' ? 'Cleanup' : 'Info';
}

/**
 * An address count people can read: exact up to 12 digits, then as a power of two ("2^88"),
 * or "about 2^k" when it is not one (IPv6 counts run to 39 digits).
 */
export function formatAddressCount(count: bigint): string {
  if (count < 1_000_000_000_000n) return count.toString(10);
  const log2 = count.toString(2).length - 1;
  return (count & (count - 1n)) === 0n ? `2^${log2}` : `about 2^${log2}`;
}

function plural(count: bigint, word: string): string {
  return `${formatAddressCount(count)} ${word}${count === 1n ? '' : 'es'}`;
}

/** "net +256 IPv4, -2^80 IPv6 addresses" / "covered addresses unchanged", for summaries and commit messages. */
export function describeNetAddresses(net: NetAddressSummary): string {
  const parts: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const label = family === 'ipv4' ? 'IPv4' : 'IPv6';
    const added = BigInt(net[family].added);
    const removed = BigInt(net[family].removed);
    if (added > 0n) parts.push(`+${formatAddressCount(added)} ${label}`);
    if (removed > 0n) parts.push(`-${formatAddressCount(removed)} ${label}`);
  }
  return parts.length ? `net ${parts.join(', ')} addresses` : 'covered addresses unchanged';
}

/** " (+256 addresses)", " (no new addresses: already covered here)", ... for an added/removed IP change. */
function netSuffix(change: Omit<Change, 'message'>): string {
  const range = change.kind === 'ip' ? tryRangeOf(change.value) : null;
  if (!range || !change.netAddresses) return '';
  const size = rangeSize(range);
  if (change.type === 'added') {
    const net = BigInt(change.netAddresses.added);
    if (net === 0n) return ' (no new addresses: already covered here)';
    if (net < size) return ` (+${plural(net, 'address')} new, the rest already covered here)`;
    return change.value.includes('/') ? ` (+${plural(net, 'address')})` : '';
  }
  if (change.type === 'removed') {
    const net = BigInt(change.netAddresses.removed);
    if (net === 0n) return ' (no addresses lost: still covered here)';
    if (net < size) return ` (-${plural(net, 'address')}, the rest still covered here)`;
    return change.value.includes('/') ? ` (-${plural(net, 'address')})` : '';
  }
  return '';
}

function groupText(group: string | null): string {
  return group ? `[${group}]` : '(no row)';
}

/** "3 CIDRs" / "1 IP" / "2 IPs/CIDRs". */
function ipCountLabel(values: string[]): string {
  const cidrs = values.filter((v) => v.includes('/')).length;
  const noun = cidrs === values.length ? 'CIDR' : cidrs === 0 ? 'IP' : 'IP/CIDR';
  return `${values.length} ${noun}${values.length === 1 ? '' : 's'}`;
}

/** Values listed in a one-line message; the change itself keeps them all. */
const RESHAPE_VALUES_SHOWN = 8;

function valueList(values: string[]): string {
  if (values.length <= RESHAPE_VALUES_SHOWN) return values.join(', ');
  return `${values.slice(0, RESHAPE_VALUES_SHOWN).join(', ')} and ${values.length - RESHAPE_VALUES_SHOWN} more`;
}

function describeReshape(change: Omit<Change, 'message'>, here: string): string {
  // A change built by hand (or stored by an older version) may lack the values.
  if (!change.reshape) return `${here}: ${kindLabel(change)} re-shaped, covered addresses unchanged: ${change.value}`;
  const before = change.reshape?.before ?? [];
  const after = change.reshape?.after ?? [];
  let detail: string;
  if (after.length === 0) detail = `${valueList(before)} dropped, still covered by other listed ranges`;
  else if (before.length === 0) detail = `${valueList(after)} added, already covered by other listed ranges`;
  else detail = `${valueList(before)} -> ${valueList(after)}`;
  return `${here}: ${ipCountLabel([...before, ...after])} re-shaped, covered addresses unchanged (${detail})`;
}

/** "ports TCP 443 -> TCP 443, 8443", "now Required (was Optional)": one phrase per changed field. */
export function describeFields(change: Omit<Change, 'message'>): string[] {
  return change.fields.map((field) => {
    const before = change.before?.[field];
    const after = change.after?.[field];
    if (field === 'ports') return `ports ${formatPorts(change.before!.ports!)} -> ${formatPorts(change.after!.ports!)}`;
    if (field === 'required')
      return `now ${requiredLabel(after as boolean | null)} (was ${requiredLabel(before as boolean | null)})`;
    if (field === 'expressRoute')
      return `ExpressRoute ${after ? 'yes' : after === false ? 'no' : 'unstated'} (was ${before ? 'yes' : before === false ? 'no' : 'unstated'})`;
    return `${field} ${String(after ?? 'none')} (was ${String(before ?? 'none')})`;
  });
}

function describeMove(change: Omit<Change, 'message'>, what: string): string {
  const to: EntryRef = change.to ?? change;
  const from = change.from;
  const details = describeFields(change);
  const tail = details.length ? `; ${details.join('; ')}` : '';
  if (from && from.section === to.section && from.region === to.region) {
    // Same section: only the row changed, so name the section once.
    const place = placeLabel({ section: to.section, region: to.region, group: null });
    return `${place}: ${what} ${change.value} moved from ${groupText(from.group)} to ${groupText(to.group)}${tail}`;
  }
  return `${what} ${change.value} moved from ${from ? placeLabel(from) : '?'} to ${placeLabel(to)}${tail}`;
}

/** Places named after "still listed under" before "and N more". */
const PLACES_SHOWN = 2;

/** " (still listed under EU1 App connector)" / " (already listed under ...)". */
function elsewhereSuffix(change: Omit<Change, 'message'>): string {
  const places = change.listedElsewhere ?? [];
  if (places.length === 0) return '';
  const shown = places.slice(0, PLACES_SHOWN).map(placeLabel).join(', ');
  const more = places.length > PLACES_SHOWN ? ` and ${places.length - PLACES_SHOWN} more` : '';
  return ` (${change.type === 'added' ? 'already' : 'still'} listed under ${shown}${more})`;
}

export function describeChange(change: Omit<Change, 'message'>): string {
  const what = kindLabel(change);
  const here = placeLabel(change);
  switch (change.type) {
    case 'added':
      return `${here}: ${what} added: ${change.value}${netSuffix(change)}${elsewhereSuffix(change)}`;
    case 'removed':
      return `${here}: ${what} removed: ${change.value}${netSuffix(change)}${elsewhereSuffix(change)}`;
    case 'moved':
      return describeMove(change, what);
    case 'reshaped':
      return describeReshape(change, here);
    case 'modified': {
      const details = describeFields(change);
      return `${here}: ${what} ${change.value} changed: ${details.join('; ')}`;
    }
  }
}

function endpointCount(count: number): string {
  return `${count} endpoint${count === 1 ? '' : 's'}`;
}

function sectionText(section: string): string {
  return section || '(document)';
}

function rowText(group: string | null): string {
  return group ? `[${group}]` : '(no row)';
}

/** "Portal access: region US is now US1 (3 endpoints)", "section "A" is now "B" (4 endpoints)". */
export function describeRelabel(relabel: Omit<Relabel, 'message'>): string {
  const { from, to, endpoints } = relabel;
  if (relabel.kind === 'region') {
    const here = sectionText(to.section);
    if (!from.region)
      return `${here}: ${endpointCount(endpoints)} without a region now listed under region ${to.region}`;
    if (!to.region)
      return `${here}: region label ${from.region} dropped, its ${endpointCount(endpoints)} now listed without a region`;
    return `${here}: region ${from.region} is now ${to.region} (${endpointCount(endpoints)})`;
  }
  if (from.section === to.section)
    return `${sectionText(to.section)}: row ${rowText(from.group)} is now ${rowText(to.group)} (${endpointCount(endpoints)})`;
  if (from.group === to.group) return `section "${from.section}" is now "${to.section}" (${endpointCount(endpoints)})`;
  return `"${from.section}" ${rowText(from.group)} is now "${to.section}" ${rowText(to.group)} (${endpointCount(endpoints)})`;
}

/** Sections named in one summary line before "and N more". */
const SECTIONS_SHOWN = 3;

/**
 * Relabels as few lines as say them all: one region relabel made in several sections is one
 * line ("region US is now US1 in App connector, Portal access and 2 more sections (21
 * endpoints)"), one region split into several labels in a section is one line.
 */
export function describeRelabels(relabels: Relabel[]): string[] {
  const lines: string[] = [];
  const regionRenames = new Map<string, Relabel[]>();
  const regionSplits = new Map<string, Relabel[]>();
  for (const relabel of relabels) {
    if (relabel.kind !== 'region' || !relabel.from.region || !relabel.to.region) continue;
    const split = `${relabel.to.section}\u0000${relabel.from.region}`;
    regionSplits.set(split, [...(regionSplits.get(split) ?? []), relabel]);
  }
  for (const [key, list] of regionSplits) {
    if (list.length > 1) continue;
    regionSplits.delete(key);
    const rename = `${list[0]!.from.region}\u0000${list[0]!.to.region}`;
    regionRenames.set(rename, [...(regionRenames.get(rename) ?? []), list[0]!]);
  }
  const grouped = new Set<Relabel>();
  for (const list of regionRenames.values()) {
    if (list.length === 1) continue;
    for (const r of list) grouped.add(r);
    const sections = list.map((r) => sectionText(r.to.section));
    const shown =
      sections.length > SECTIONS_SHOWN + 1
        ? `${sections.slice(0, SECTIONS_SHOWN).join(', ')} and ${sections.length - SECTIONS_SHOWN} more sections`
        : `${sections.slice(0, -1).join(', ')} and ${sections[sections.length - 1]}`;
    const total = list.reduce((n, r) => n + r.endpoints, 0);
    lines.push(`region ${list[0]!.from.region} is now ${list[0]!.to.region} in ${shown} (${endpointCount(total)})`);
  }
  for (const list of regionSplits.values()) {
    for (const r of list) grouped.add(r);
    const parts = list.map((r) => `${r.to.region} (${r.endpoints})`);
    lines.push(`${sectionText(list[0]!.to.section)}: region ${list[0]!.from.region} is now ${parts.join(', ')}`);
  }
  for (const relabel of relabels) if (!grouped.has(relabel)) lines.push(relabel.message);
  return lines;
}

/** How a changed attribute is named in a subject ("~2 ports"). */
const FIELD_LABELS: Record<ChangedField, string> = {
  ports: 'ports',
  required: 'Required flag',
  expressRoute: 'ExpressRoute',
  category: 'category',
  role: 'role',
};

function countOf(count: number, label: string): string {
  return `${count} ${label}${count === 1 ? '' : 's'}`;
}

/**
 * "+2 IPs, +1 host, -1 CIDR, ~2 ports, ~1 Required flag, 1 moved, 1 re-shaped". A modified
 * endpoint counts once under each attribute that changed, so the subject says what changed.
 */
export function countsLabel(changes: Change[]): string {
  const buckets = new Map<string, number>();
  const bump = (key: string) => buckets.set(key, (buckets.get(key) ?? 0) + 1);
  for (const change of changes) {
    if (change.type === 'added') bump(`+\u0000${kindLabel(change)}`);
    else if (change.type === 'removed') bump(`-\u0000${kindLabel(change)}`);
    else if (change.type === 'modified' && change.fields.length)
      for (const field of change.fields) bump(`~\u0000${FIELD_LABELS[field]}`);
    else bump(`${change.type}`);
  }
  const parts: string[] = [];
  for (const sign of ['+', '-']) {
    for (const [key, count] of buckets) {
      if (!key.startsWith(`${sign}\u0000`)) continue;
      parts.push(`${sign}${countOf(count, key.slice(2))}`);
    }
  }
  for (const [key, count] of buckets) if (key.startsWith('~\u0000')) parts.push(`~${count} ${key.slice(2)}`);
  if (buckets.get('modified')) parts.push(`~${buckets.get('modified')} changed`);
  if (buckets.get('moved')) parts.push(`${buckets.get('moved')} moved`);
  if (buckets.get('reshaped')) parts.push(`${buckets.get('reshaped')} re-shaped`);
  return parts.join(', ') || 'no endpoint change';
}

/** Places named in a headline before it counts them instead. */
const HEADLINE_PLACES = 3;

/** A row's name without its number: "2: Microsoft 365 portal" -> "Microsoft 365 portal". */
export function rowName(group: string): string {
  return group.replace(/^\s*\d+\s*[:.)]\s*/, '').trim() || group;
}

/**
 * Where changes are, in a few words: the rows when every change has one and there are few
 * ("in Access controls, Session controls"), else the sections ("in App connector"), else a
 * count ("in 12 sections"); '' for changes of the whole document.
 */
export function placesPhrase(changes: Array<Pick<Change, 'section' | 'group'>>): string {
  const distinct = (values: string[]) => [...new Set(values)].sort(compareNatural);
  const rows = distinct(changes.flatMap((c) => (c.group ? [rowName(c.group)] : [])));
  const everyHasRow = changes.every((c) => c.group);
  if (everyHasRow && rows.length && rows.length <= HEADLINE_PLACES) return `in ${rows.join(', ')}`;
  const sections = distinct(changes.flatMap((c) => (c.section ? [c.section] : [])));
  if (!sections.length) return '';
  if (sections.length <= HEADLINE_PLACES) return `in ${sections.join(', ')}`;
  return `in ${sections.length} sections`;
}

/**
 * What a person needs first, for commit subjects, alert titles and email subjects:
 * "+224 IPs in Access controls, Session controls (action needed)".
 */
export function changeHeadline(changes: Change[]): string {
  const counts = countsLabel(changes);
  const where = placesPhrase(changes);
  const action = changes.some((c) => c.severity === 'action');
  return `${counts}${where ? ` ${where}` : ''}${action ? ' (action needed)' : ''}`;
}
