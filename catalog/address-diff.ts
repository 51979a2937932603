/**
 * Address-aware diff: runs after diffCatalogs has matched entries, and looks at what the IP
 * changes do to the covered address space instead of at their strings.
 *
 * Scope: IP entries are compared within one scope — (section, region, group, role), with
 * renamed containers already mapped onto their new names by the caller.
 *
 * Re-shaping: inside a scope, the added and removed IP entries are split into clusters of
 * entries whose addresses overlap, ignoring addresses that entries listed both before and
 * after (neither added nor removed) already cover. A cluster whose removed entries cover
 * exactly the addresses its added entries cover changes nothing a firewall passes: a /24
 * re-written as two /25s, two /25s merged into a /24, a range dropped or added inside a larger
 * range that stays listed. All such clusters of a scope become ONE `reshaped` change that
 * keeps the values before and after (`change.reshape`). The other IP changes stay as they are.
 *
 * Net addresses (decimal strings, see catalog/changes.ts NetAddressCount):
 *   - per change, relative to its scope: an added entry adds the addresses the scope did not
 *     cover before; a removed entry removes the addresses the scope no longer covers; a moved
 *     entry adds what its new scope did not cover and removes what its old scope no longer
 *     covers; modified and reshaped changes add and remove "0". Per-change numbers can add up
 *     to more than the summary when added entries overlap each other.
 *   - per ChangeSet (`netAddressSummary`), over the whole source, IPv4 and IPv6 apart: addresses
 *     covered now and not before, and covered before and not now. A range that moves between
 *     sections, or is re-shaped across sections, nets to zero here.
 */
import type { CatalogEntry } from './model.js';
import type { Change, NetAddressCount, NetAddressSummary } from './changes.js';
import { entryKey } from './canonical.js';
import {
  aggregate,
  countAddresses,
  countText,
  difference,
  emptySpace,
  intersection,
  isEmptySpace,
  overlapFilter,
  rangeIndex,
  rangeOf,
  spaceOfRanges,
  spacesEqual,
  totalAddresses,
  union,
  type AddressRange,
  type AddressSpace,
} from './address-space.js';

/** How applyAddressDiff works, not what it finds. */
export interface AddressDiffOptions {
  /** Give every IP entry of both catalogs its range, not only those near a change (the reference the quick path is tested against). */
  exhaustive?: boolean;
}

/** A change before its message is written. */
export type ChangeDraft = Omit<Change, 'message'>;

/** A change together with the entries it was made from, as diffCatalogs matched them. */
export interface MatchedChange {
  change: ChangeDraft;
  /** The entry in the old catalog (removed, modified, moved), with renamed containers mapped to their new names; null for added. */
  before: CatalogEntry | null;
  /** The entry in the new catalog (added, modified, moved); null for removed. */
  after: CatalogEntry | null;
}

/** The scope IP entries are compared in. */
export function scopeKey(entry: Pick<CatalogEntry, 'section' | 'region' | 'groupKey' | 'role'>): string {
  return [entry.section, entry.region ?? '', entry.groupKey ?? '', entry.role].join('\u0000');
}

const ZERO: NetAddressCount = { added: '0', removed: '0' };

/** Numeric address order for IP values (IPv4 first, then by start address, larger blocks first). */
export function compareIpValues(a: string, b: string): number {
  const ra = rangeOf(a);
  const rb = rangeOf(b);
  if (ra.family !== rb.family) return ra.family === 'ipv4' ? -1 : 1;
  if (ra.start !== rb.start) return ra.start < rb.start ? -1 : 1;
  if (ra.end !== rb.end) return ra.end > rb.end ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The range of a value, each value parsed once per diff (see rangeIndex); null for a non-IP. */
type Ranges = (value: string) => AddressRange | null;

/** An IP entry with the range it covers. */
interface IpEntry {
  entry: CatalogEntry;
  range: AddressRange;
}

/** The IP entries of one catalog by scope, each with its range, read once per diff. */
function ipEntriesByScope(
  entries: CatalogEntry[],
  ranges: Ranges,
  near: (value: string) => boolean = () => true,
): Map<string, IpEntry[]> {
  const byScope = new Map<string, IpEntry[]>();
  // Entries come in canonical order, section by section: the key of the last entry is reused
  // while the scope stays the same, instead of joining four strings for every entry.
  let last: CatalogEntry | null = null;
  let bucket: IpEntry[] = [];
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i]!;
    // A value that is not an address (a hand-edited snapshot) has no space; it is skipped, not fatal.
    const range = entry.kind === 'ip' && near(entry.value) ? ranges(entry.value) : null;
    if (!range) continue;
    if (
      !last ||
      last.section !== entry.section ||
      last.region !== entry.region ||
      last.groupKey !== entry.groupKey ||
      last.role !== entry.role
    ) {
      const key = scopeKey(entry);
      bucket = byScope.get(key) ?? [];
      byScope.set(key, bucket);
    }
    bucket.push({ entry, range });
    last = entry;
  }
  return byScope;
}

function spaceOfEntries(entries: IpEntry[] | undefined): AddressSpace {
  return entries ? spaceOfRanges(entries.map((e) => e.range)) : emptySpace();
}

/** Every range of `byScope`, whatever its scope. */
function allRanges(byScope: Map<string, IpEntry[]>): AddressRange[] {
  const out: AddressRange[] = [];
  for (const bucket of byScope.values()) for (const { range } of bucket) out.push(range);
  return out;
}

/** The space of one IP value (empty for a value that is not one). */
function spaceOfValue(value: string, ranges: Ranges): AddressSpace {
  const range = ranges(value);
  return range ? spaceOfRanges([range]) : emptySpace();
}

/** Entries of a scope but those `side` of `items` names (compared by identity, as entryKey). */
function keptEntries(entries: IpEntry[] | undefined, items: Item[], side: Item['side']): IpEntry[] | undefined {
  const values = new Set<string>();
  const keys = new Set<string>();
  for (const i of items) {
    if (i.side !== side) continue;
    values.add(i.entry.value);
    keys.add(entryKey(i.entry));
  }
  return entries?.filter(({ entry }) => !values.has(entry.value) || !keys.has(entryKey(entry)));
}

function netOf(added: AddressSpace, removed: AddressSpace): NetAddressCount {
  return { added: countText(totalAddresses(added)), removed: countText(totalAddresses(removed)) };
}

interface Item {
  matched: MatchedChange;
  entry: CatalogEntry;
  side: 'removed' | 'added';
  /** Its addresses that the kept entries of the scope do not cover. */
  effective: AddressSpace;
}

/** Groups items whose effective spaces overlap (an item with no effective space is alone). */
function clusters(items: Item[]): Item[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const ranges: Array<{ range: AddressRange; item: number }> = [];
  items.forEach((item, index) => {
    for (const range of [...item.effective.ipv4, ...item.effective.ipv6]) ranges.push({ range, item: index });
  });
  ranges.sort((x, y) =>
    x.range.family !== y.range.family
      ? x.range.family === 'ipv4'
        ? -1
        : 1
      : x.range.start < y.range.start
        ? -1
        : x.range.start > y.range.start
          ? 1
          : 0,
  );
  // Sweep in address order: a range that starts before the running end overlaps the run.
  let run: { family: string; end: bigint; item: number } | null = null;
  for (const { range, item } of ranges) {
    if (run && run.family === range.family && range.start <= run.end) {
      parent[find(item)] = find(run.item);
      if (range.end > run.end) run.end = range.end;
    } else {
      run = { family: range.family, end: range.end, item };
    }
  }
  const groups = new Map<number, Item[]>();
  items.forEach((item, index) => {
    const root = find(index);
    const group = groups.get(root) ?? [];
    group.push(item);
    groups.set(root, group);
  });
  return [...groups.values()];
}

function reshapedChange(before: CatalogEntry[], after: CatalogEntry[]): ChangeDraft {
  const representative = (after[0] ?? before[0])!;
  const beforeValues = before.map((e) => e.value).sort(compareIpValues);
  const afterValues = after.map((e) => e.value).sort(compareIpValues);
  return {
    type: 'reshaped',
    kind: 'ip',
    // What the re-shaped entries cover together, so the change has one readable value.
    value: aggregate([...beforeValues, ...afterValues]).join(', '),
    section: representative.section,
    region: representative.region,
    group: representative.group,
    fields: [],
    reshape: { before: beforeValues, after: afterValues },
    netAddresses: { ...ZERO },
    entry: representative,
  };
}

/**
 * Replaces address-neutral IP adds/removes by one `reshaped` change per scope and puts
 * `netAddresses` on every IP change (see the module comment).
 *
 * `oldEntries` must be the old catalog's entries with renamed containers already mapped to
 * their new names (the same mapping as `MatchedChange.before`); `newEntries` the new catalog's.
 * Returns the changes in input order, reshaped changes in place of the first entry they replace.
 */
export function applyAddressDiff(
  matched: MatchedChange[],
  oldEntries: CatalogEntry[],
  newEntries: CatalogEntry[],
  options: AddressDiffOptions = {},
): { drafts: ChangeDraft[]; netAddresses: NetAddressSummary } {
  const ranges = rangeIndex();
  // Every space this pass builds is compared with, or cut from, the range of an IP change (see
  // the functions below), so an entry that overlaps none of those ranges changes no result:
  // only the entries near a change get a range, not every entry of both catalogs.
  const changed: AddressRange[] = [];
  if (!options.exhaustive)
    for (const m of matched) {
      if (m.change.kind !== 'ip' || m.change.type === 'modified') continue;
      const range = ranges(m.change.value);
      if (range) changed.push(range);
    }
  const near = options.exhaustive ? undefined : overlapFilter(changed, ranges);
  const oldScopes = ipEntriesByScope(oldEntries, ranges, near);
  const newScopes = ipEntriesByScope(newEntries, ranges, near);

  // Added and removed IP entries per scope.
  const itemsByScope = new Map<string, Item[]>();
  for (const m of matched) {
    if (m.change.kind !== 'ip') continue;
    const side = m.change.type === 'removed' ? 'removed' : m.change.type === 'added' ? 'added' : null;
    const entry = side === 'removed' ? m.before : side === 'added' ? m.after : null;
    if (!side || !entry || ranges(entry.value) === null) continue;
    const key = scopeKey(entry);
    const bucket = itemsByScope.get(key) ?? [];
    bucket.push({ matched: m, entry, side, effective: emptySpace() });
    itemsByScope.set(key, bucket);
  }

  // Per scope: which items are address-neutral, and the reshaped change that replaces them.
  const replaced = new Map<MatchedChange, ChangeDraft | null>();
  for (const [key, items] of itemsByScope) {
    const keptBefore = spaceOfEntries(keptEntries(oldScopes.get(key), items, 'removed'));
    const keptAfter = spaceOfEntries(keptEntries(newScopes.get(key), items, 'added'));
    const kept = intersection(keptBefore, keptAfter);
    for (const item of items) item.effective = difference(spaceOfValue(item.entry.value, ranges), kept);

    const neutral: Item[] = [];
    for (const cluster of clusters(items)) {
      const side = (s: Item['side']) =>
        cluster.filter((i) => i.side === s).reduce((acc, i) => union(acc, i.effective), emptySpace());
      if (spacesEqual(side('removed'), side('added'))) neutral.push(...cluster);
    }
    if (neutral.length === 0) continue;
    const change = reshapedChange(
      neutral.filter((i) => i.side === 'removed').map((i) => i.entry),
      neutral.filter((i) => i.side === 'added').map((i) => i.entry),
    );
    neutral.forEach((item, index) => {
      replaced.set(item.matched, index === 0 ? change : null);
    });
  }

  const scopeSpace = new Map<string, AddressSpace>();
  const spaceIn = (scopes: Map<string, IpEntry[]>, key: string, tag: string): AddressSpace => {
    const cacheKey = `${tag}\u0001${key}`;
    let space = scopeSpace.get(cacheKey);
    if (!space) {
      space = spaceOfEntries(scopes.get(key));
      scopeSpace.set(cacheKey, space);
    }
    return space;
  };
  const oldSpace = (entry: CatalogEntry) => spaceIn(oldScopes, scopeKey(entry), 'old');
  const newSpace = (entry: CatalogEntry) => spaceIn(newScopes, scopeKey(entry), 'new');

  const out: ChangeDraft[] = [];
  for (const m of matched) {
    if (replaced.has(m)) {
      const change = replaced.get(m);
      if (change) out.push(change);
      continue;
    }
    const { change, before, after } = m;
    if (change.kind !== 'ip' || ranges(change.value) === null) {
      out.push(change);
      continue;
    }
    const own = spaceOfValue(change.value, ranges);
    let net = ZERO;
    if (change.type === 'added' && after) net = netOf(difference(own, oldSpace(after)), emptySpace());
    else if (change.type === 'removed' && before) net = netOf(emptySpace(), difference(own, newSpace(before)));
    else if (change.type === 'moved' && before && after)
      net = netOf(difference(own, oldSpace(after)), difference(own, newSpace(before)));
    out.push({ ...change, netAddresses: { ...net } });
  }
  return { drafts: out, netAddresses: netOfScopes(oldScopes, newScopes, matched) };
}

/** The ranges of `byScope` that share an address with `space` (merged). */
function overlapping(byScope: Map<string, IpEntry[]>, space: AddressSpace): AddressRange[] {
  const out: AddressRange[] = [];
  if (isEmptySpace(space)) return out;
  const v4 = space.ipv4;
  const v6 = space.ipv6;
  // Bounds of each family's space: most ranges lie wholly outside them, and are passed by two comparisons.
  const low4 = v4.length ? v4[0]!.start : 0n;
  const high4 = v4.length ? v4[v4.length - 1]!.end : -1n;
  const low6 = v6.length ? v6[0]!.start : 0n;
  const high6 = v6.length ? v6[v6.length - 1]!.end : -1n;
  for (const bucket of byScope.values()) {
    for (let b = 0; b < bucket.length; b += 1) {
      const range = bucket[b]!.range;
      const ipv4 = range.family === 'ipv4';
      if (range.end < (ipv4 ? low4 : low6) || range.start > (ipv4 ? high4 : high6)) continue;
      const list = ipv4 ? v4 : v6;
      // The first range of `list` that ends at or after this one's start.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]!.end < range.start) lo = mid + 1;
        else hi = mid;
      }
      if (lo < list.length && list[lo]!.start <= range.end) out.push(range);
    }
  }
  return out;
}

/**
 * The source's net address change, as netOfSpaces(space of every old range, space of every
 * new range) but without merging the whole of both catalogs: the ranges of values listed on
 * both sides cover the same addresses before and after, so what is covered now and not before
 * lies in the ranges of the values new to the source, outside the old ranges that overlap them
 * (and the other way round). A value new to the source is the value of an added entry (the
 * diff never matches an entry to one of another value), so only those are looked for.
 */
function netOfScopes(
  oldScopes: Map<string, IpEntry[]>,
  newScopes: Map<string, IpEntry[]>,
  matched: MatchedChange[],
): NetAddressSummary {
  const addedValues = new Set<string>();
  const removedValues = new Set<string>();
  for (const m of matched) {
    if (m.change.type === 'added' && m.after) addedValues.add(m.after.value);
    else if (m.change.type === 'removed' && m.before) removedValues.add(m.before.value);
  }
  // Indexed loops: these run over every IP entry of both catalogs.
  const onlyIn = (byScope: Map<string, IpEntry[]>, values: Set<string>, other: Map<string, IpEntry[]>) => {
    if (values.size)
      for (const bucket of other.values())
        for (let b = 0; b < bucket.length; b += 1) values.delete(bucket[b]!.entry.value);
    const ranges: AddressRange[] = [];
    if (values.size)
      for (const bucket of byScope.values())
        for (let b = 0; b < bucket.length; b += 1)
          if (values.has(bucket[b]!.entry.value)) ranges.push(bucket[b]!.range);
    return spaceOfRanges(ranges);
  };
  const newOnly = onlyIn(newScopes, addedValues, oldScopes);
  const oldOnly = onlyIn(oldScopes, removedValues, newScopes);
  const added = countAddresses(difference(newOnly, spaceOfRanges(overlapping(oldScopes, newOnly))));
  const removed = countAddresses(difference(oldOnly, spaceOfRanges(overlapping(newScopes, oldOnly))));
  return {
    ipv4: { added: countText(added.ipv4), removed: countText(removed.ipv4) },
    ipv6: { added: countText(added.ipv6), removed: countText(removed.ipv6) },
  };
}

/** Net change of the covered space of all IP entries of a source, IPv4 and IPv6 apart (decimal strings). */
export function netAddressSummary(oldEntries: CatalogEntry[], newEntries: CatalogEntry[]): NetAddressSummary {
  const ranges = rangeIndex();
  return netOfSpaces(
    spaceOfRanges(allRanges(ipEntriesByScope(oldEntries, ranges))),
    spaceOfRanges(allRanges(ipEntriesByScope(newEntries, ranges))),
  );
}

function netOfSpaces(before: AddressSpace, after: AddressSpace): NetAddressSummary {
  const added = countAddresses(difference(after, before));
  const removed = countAddresses(difference(before, after));
  return {
    ipv4: { added: countText(added.ipv4), removed: countText(removed.ipv4) },
    ipv6: { added: countText(added.ipv6), removed: countText(removed.ipv6) },
  };
}
