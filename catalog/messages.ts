/** One-line descriptions of changes, shared by the console, Slack, email and commit messages. */
import type { Change, EntryRef, NetAddressSummary, Severity } from './changes.js';
import type { CatalogEntry } from './model.js';
import { formatPorts } from './ports.js';
import { rangeSize, tryRangeOf } from './address-space.js';

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

function describeFields(change: Omit<Change, 'message'>): string[] {
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

export function describeChange(change: Omit<Change, 'message'>): string {
  const what = kindLabel(change);
  const here = placeLabel(change);
  switch (change.type) {
    case 'added':
      return `${here}: ${what} added: ${change.value}${netSuffix(change)}`;
    case 'removed':
      return `${here}: ${what} removed: ${change.value}${netSuffix(change)}`;
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
