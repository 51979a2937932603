/**
 * One order for showing things to people, shared by the diff (the order of a change set) and
 * every alert: addresses numerically (`20.9.9.9` before `20.9.9.19`, IPv4 before IPv6), names
 * naturally ("Extra service 2" before "Extra service 10"). The stored catalog's own order
 * (catalog/canonical.ts) is not this one and must not change with it: catalog.json would churn.
 */
import ipaddr from 'ipaddr.js';
import { SEVERITY_ORDER, type Change } from './changes.js';

const natural = new Intl.Collator('en', { numeric: true });

/** Natural order of labels: digits compare as numbers. */
export function compareNatural(a: string | null | undefined, b: string | null | undefined): number {
  return natural.compare(a ?? '', b ?? '');
}

/** Family (IPv4 first), address as a number, prefix; null for what is not an address or CIDR. */
export function addressKey(value: string): { family: 4 | 6; number: bigint; prefix: number } | null {
  const [address = '', prefixText] = value.split('/');
  if (!ipaddr.isValid(address)) return null;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const bytes = parsed.toByteArray();
  let number = 0n;
  for (const byte of bytes) number = (number << 8n) | BigInt(byte);
  const family = parsed.kind() === 'ipv4' ? 4 : 6;
  const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
  return { family, number, prefix };
}

/** Addresses numerically, anything else naturally, addresses before names. */
export function compareEndpointValues(a: string, b: string): number {
  const ka = addressKey(a);
  const kb = addressKey(b);
  if (ka && kb) {
    if (ka.family !== kb.family) return ka.family - kb.family;
    if (ka.number !== kb.number) return ka.number < kb.number ? -1 : 1;
    return ka.prefix - kb.prefix;
  }
  if (ka || kb) return ka ? -1 : 1;
  return compareNatural(a, b);
}

/**
 * Within one severity: added first, then what changed in place or moved, then removed. The
 * diff orders a change set by it and every alert lists a place's changes by it.
 */
const TYPE_ORDER: Record<Change['type'], number> = { added: 0, modified: 1, moved: 1, reshaped: 1, removed: 2 };

/** Lower comes first: what needs action (severity), then the type order above. */
export function changeRank(change: Pick<Change, 'severity' | 'type'>): number {
  return SEVERITY_ORDER[change.severity ?? 'info'] * 10 + TYPE_ORDER[change.type];
}

/** The order of a change set: what needs action first, then by place, row, type and value. */
export function compareChanges(a: Change, b: Change): number {
  return (
    SEVERITY_ORDER[a.severity ?? 'info'] - SEVERITY_ORDER[b.severity ?? 'info'] ||
    compareNatural(a.section, b.section) ||
    compareNatural(a.region, b.region) ||
    compareNatural(a.group, b.group) ||
    TYPE_ORDER[a.type] - TYPE_ORDER[b.type] ||
    compareEndpointValues(a.value, b.value)
  );
}

/** The order of the changes of one place (section, region) in an alert: rank, row, value. */
export function compareChangesInPlace(a: Change, b: Change): number {
  return changeRank(a) - changeRank(b) || compareNatural(a.group, b.group) || compareEndpointValues(a.value, b.value);
}
