/**
 * Covered address space: what a list of IPs and CIDRs lets through, independent of how the
 * list is written. "13.64.0.0/24" and "13.64.0.0/25 + 13.64.0.128/25" are the same space, so a
 * document that re-writes one as the other changes nothing a firewall owner cares about.
 *
 * Addresses are BigInts (IPv4 and IPv6 kept apart: they are different spaces, and an IPv4
 * number is never compared with an IPv6 one). A space is a sorted list of disjoint,
 * non-adjacent inclusive ranges per family, so two equal spaces have identical lists.
 *
 * Host bits: a CIDR written with host bits set ("10.1.2.3/24") covers the network it names,
 * 10.1.2.0-10.1.2.255, as routers and most firewalls read it (the host bits are masked off).
 * Its canonical catalog value keeps the written form; `aggregate` writes the network form.
 *
 * Address counts are BigInts in memory and decimal strings in JSON (see `countText`): an
 * IPv6 /32 holds 2^96 addresses, far beyond what a JSON number keeps exactly.
 */
import ipaddr from 'ipaddr.js';
import { canonicalIp } from './normalize.js';

export type IpFamily = 'ipv4' | 'ipv6';

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  family: IpFamily;
  start: bigint;
  end: bigint;
}

/** Covered space: per family, sorted, disjoint and non-adjacent ranges (so equal spaces compare equal). */
export interface AddressSpace {
  ipv4: AddressRange[];
  ipv6: AddressRange[];
}

/** Number of addresses in a space, per family. */
export interface AddressCounts {
  ipv4: bigint;
  ipv6: bigint;
}

const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

function bytesToBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

function bigIntToBytes(n: bigint, family: IpFamily): number[] {
  const length = BITS[family] / 8;
  const bytes: number[] = new Array<number>(length);
  let rest = n;
  for (let i = length - 1; i >= 0; i -= 1) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** The textual address of a number ("13.64.0.0", "2603:1006::"). */
export function addressText(n: bigint, family: IpFamily): string {
  return ipaddr.fromByteArray(bigIntToBytes(n, family)).toString();
}

function rangeOfParsed(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): AddressRange {
  const family = address.kind();
  const bits = BITS[family];
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits)
    throw new RangeError(`prefix /${prefix} out of range for ${family}`);
  const size = 1n << BigInt(bits - prefix);
  const start = bytesToBigInt(address.toByteArray()) & ~(size - 1n);
  return { family, start, end: start + size - 1n };
}

/**
 * A dotted-quad IPv4 address or CIDR written in decimal without leading zeros ("13.64.0.0/24",
 * "52.108.0.1") as one number, address * 64 + prefix (32 when none is written); -1 for
 * anything else, which ipaddr.js then reads. Catalog values are written so
 * (catalog/normalize.ts); a feed of 100k prefixes is read several times per diff, and this
 * takes a fifth of the time of ipaddr.IPv4.parseCIDR (objects, regexes, octal and hex forms
 * this text never has). The address is as written: host bits are not masked here.
 */
export function readDecimalIpv4(text: string): number {
  let address = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // a leading zero: ipaddr.js decides (octal)
      octet = octet * 10 + (c - 48);
      digits += 1;
      if (octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      address = address * 256 + octet;
      octet = 0;
      digits = 0;
      dots += 1;
    } else break;
  }
  if (dots !== 3 || digits === 0) return -1;
  address = address * 256 + octet;
  let prefix = 32;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 47 || i + 1 === text.length || text.length - i > 3) return -1;
    prefix = 0;
    for (i += 1; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return -1;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix > 32) return -1;
  }
  return address * 64 + prefix;
}

function decimalIpv4Range(text: string): AddressRange | null {
  const read = readDecimalIpv4(text);
  if (read < 0) return null;
  const prefix = read % 64;
  const address = (read - prefix) / 64;
  const size = 2 ** (32 - prefix);
  const start = address - (address % size);
  return { family: 'ipv4', start: BigInt(start), end: BigInt(start + size - 1) };
}

/** Value of one hex digit, -1 for another character. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Reads an IPv6 address or CIDR written as hex groups with at most one "::" ("2603:1006::/40",
 * "2600:1f00:5::1") into `groups` (eight 16-bit groups, as written: host bits are not masked)
 * and returns its prefix (128 when none is written); -1 for anything else (an embedded IPv4
 * part, a zone), which ipaddr.js then reads. ipaddr.js's parser (regexes, an object per
 * address) took most of a 100k-prefix diff's parsing.
 */
export function readHexIpv6(text: string, groups: Uint16Array): number {
  let count = 0;
  let gap = -1;
  let group = 0;
  let digits = 0;
  let i = 0;
  const n = text.length;
  if (n >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  }
  for (; i < n; i += 1) {
    const c = text.charCodeAt(i);
    const d = hexDigit(c);
    if (d >= 0) {
      if (digits === 4) return -1;
      group = group * 16 + d;
      digits += 1;
    } else if (c === 58 && digits > 0) {
      if (count === 8) return -1;
      groups[count++] = group;
      group = 0;
      digits = 0;
      if (text.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return -1;
        gap = count;
        i += 1;
      }
    } else break;
  }
  if (digits > 0) {
    if (count === 8) return -1;
    groups[count++] = group;
  } else if (gap !== count || i === 0) return -1; // a trailing single ':'
  if ((gap < 0 && count !== 8) || (gap >= 0 && count > 7)) return -1;
  let prefix = 128;
  if (i < n) {
    if (text.charCodeAt(i) !== 47 || i + 1 === n || n - i > 4) return -1;
    prefix = 0;
    for (i += 1; i < n; i += 1) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return -1;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix > 128) return -1;
  }
  if (gap >= 0) {
    // The groups after "::" move to the end; the gap is zeros.
    const tail = count - gap;
    for (let k = 0; k < tail; k += 1) groups[7 - k] = groups[count - 1 - k]!;
    for (let k = gap; k < 8 - tail; k += 1) groups[k] = 0;
  }
  return prefix;
}

const GROUPS = new Uint16Array(8);

function hexIpv6Range(text: string): AddressRange | null {
  const prefix = readHexIpv6(text, GROUPS);
  if (prefix < 0) return null;
  let address = 0n;
  for (let k = 0; k < 8; k += 2) address = (address << 32n) | BigInt(GROUPS[k]! * 65536 + GROUPS[k + 1]!);
  const size = 1n << BigInt(128 - prefix);
  const start = address & ~(size - 1n);
  return { family: 'ipv6', start, end: start + size - 1n };
}

/** The range of an IP or CIDR text, parsed (see `rangeOf`). */
function parseRange(text: string, value: string): AddressRange {
  const decimal = decimalIpv4Range(text);
  if (decimal) return decimal;
  const hex = text.includes(':') ? hexIpv6Range(text) : null;
  if (hex) return hex;
  if (text.includes('/')) {
    // IPv4 first when there is no colon: ipaddr.parseCIDR tries IPv6 first, which is slow to fail.
    const [address, prefix] = text.includes(':') ? ipaddr.IPv6.parseCIDR(text) : ipaddr.IPv4.parseCIDR(text);
    return rangeOfParsed(address, prefix);
  }
  if (!ipaddr.isValid(text)) throw new Error(`not an IP address: ${value}`);
  const address = ipaddr.parse(text);
  return rangeOfParsed(address, BITS[address.kind()]);
}

const RANGE_CACHE_MAX = 100_000;
const rangeCache = new Map<string, AddressRange>();

/**
 * The range a catalog IP value covers ("13.64.0.0/24", "52.108.0.1", "2603:1006::/40").
 * Host bits are masked off (see the module comment). Throws on anything that is not an IP
 * or CIDR. IPv4-mapped IPv6 values stay IPv6 here: that is how the document wrote them.
 */
export function rangeOf(value: string): AddressRange {
  const cached = rangeCache.get(value);
  if (cached) return cached;
  const range = parseRange(value.trim(), value);
  // Lookups and exports ask for the same values again; a diff keeps its own (see rangeIndex).
  if (rangeCache.size >= RANGE_CACHE_MAX) rangeCache.clear();
  rangeCache.set(value, Object.freeze(range));
  return range;
}

/**
 * A memo of ranges for one pass over whole catalogs (a diff), so each value (but a decimal
 * IPv4 one, quicker to read again) is parsed once however often it is asked for, without growing or clearing the shared cache of `rangeOf`
 * (a diff of two 100k-entry catalogs asks for ~1M ranges of 100k values). Null for a value
 * that is no IP or CIDR. Dropped with the pass.
 */
export function rangeIndex(): (value: string) => AddressRange | null {
  const ranges = new Map<string, AddressRange | null>();
  return (value) => {
    // Decimal IPv4 is read sooner than it is looked up; the rest (IPv6) is parsed once.
    const decimal = decimalIpv4Range(value);
    if (decimal) return decimal;
    let range = ranges.get(value);
    if (range === undefined) {
      try {
        range = rangeCache.get(value) ?? parseRange(value.trim(), value);
      } catch {
        range = null;
      }
      ranges.set(value, range);
    }
    return range;
  };
}

/** Coarse IPv6 position: the top 48 bits of an address, exact as a Number. */
const COARSE_SHIFT = 80n;

/**
 * A quick test of whether a catalog value may share an address with any of `ranges`, so that a
 * diff builds exact ranges only for the few entries near its changes instead of for every entry
 * of both catalogs. Never false for a value that does overlap; true for some that do not (an
 * IPv6 value is compared by its top 48 bits). Decimal IPv4 and hex IPv6 are read without
 * allocating; any other value is read by `ranges` and compared exactly; a non-IP is false.
 */
export function overlapFilter(
  ranges: AddressRange[],
  exact: (value: string) => AddressRange | null,
): (value: string) => boolean {
  const bounds = (family: IpFamily, shift: bigint): Float64Array => {
    const pairs = ranges
      .filter((r) => r.family === family)
      .map((r) => [Number(r.start >> shift), Number(r.end >> shift)] as [number, number])
      .sort((a, b) => a[0] - b[0]);
    // Merged into sorted, disjoint [start, end] pairs, so one binary search answers.
    const out: number[] = [];
    for (const [start, end] of pairs) {
      const last = out.length - 1;
      if (last > 0 && start <= out[last]! + 1) out[last] = Math.max(out[last]!, end);
      else out.push(start, end);
    }
    return Float64Array.from(out);
  };
  const v4 = bounds('ipv4', 0n);
  const v6 = bounds('ipv6', COARSE_SHIFT);
  const hits = (list: Float64Array, start: number, end: number): boolean => {
    // The first pair that ends at or after `start`; it overlaps when it starts by `end`.
    let lo = 0;
    let hi = list.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[2 * mid + 1]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length >> 1 && list[2 * lo]! <= end;
  };
  const groups = new Uint16Array(8);
  return (value) => {
    const read = readDecimalIpv4(value);
    if (read >= 0) {
      const prefix = read % 64;
      const address = (read - prefix) / 64;
      const size = 2 ** (32 - prefix);
      const start = address - (address % size);
      return hits(v4, start, start + size - 1);
    }
    const prefix = value.includes(':') ? readHexIpv6(value, groups) : -1;
    if (prefix >= 0) {
      const top = groups[0]! * 2 ** 32 + groups[1]! * 2 ** 16 + groups[2]!;
      const size = prefix >= 48 ? 1 : 2 ** (48 - prefix);
      const start = top - (top % size);
      return hits(v6, start, start + size - 1);
    }
    const range = exact(value);
    if (!range) return false;
    const shift = range.family === 'ipv4' ? 0n : COARSE_SHIFT;
    return hits(range.family === 'ipv4' ? v4 : v6, Number(range.start >> shift), Number(range.end >> shift));
  };
}

/** Like `rangeOf`, but null instead of an exception. */
export function tryRangeOf(value: string): AddressRange | null {
  try {
    return rangeOf(value);
  } catch {
    return null;
  }
}

const IPV4_MAPPED_START = 0xffff00000000n;
const IPV4_MAPPED_END = 0xffffffffffffn;

/**
 * Reads an address or CIDR a person typed (a lookup query, an address from a log) as a range.
 * Unlike `rangeOf`, an IPv4-mapped IPv6 address or CIDR (::ffff:13.64.0.5, ::ffff:0:0/104) is
 * read as the IPv4 range it maps, because that is the host such a log line talks about.
 * Four-part dotted IPv4 only (ipaddr.js would also take "10.1" or "0x0a.1.2.3").
 * Returns null when the text is not an address or CIDR.
 */
export function parseIpQuery(text: string): AddressRange | null {
  const trimmed = text.trim();
  const [addressPart = '', prefixPart, extra] = trimmed.split('/');
  if (extra !== undefined) return null;
  if (prefixPart !== undefined && !/^\d{1,3}$/.test(prefixPart)) return null;
  const isIpv4Text = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(addressPart);
  if (!isIpv4Text && !addressPart.includes(':')) return null;
  if (isIpv4Text ? !ipaddr.IPv4.isValidFourPartDecimal(addressPart) : !ipaddr.IPv6.isValid(addressPart)) return null;
  const range = tryRangeOf(trimmed);
  if (!range) return null;
  if (range.family === 'ipv6' && range.start >= IPV4_MAPPED_START && range.end <= IPV4_MAPPED_END) {
    return { family: 'ipv4', start: range.start - IPV4_MAPPED_START, end: range.end - IPV4_MAPPED_START };
  }
  return range;
}

/** Number of addresses in one range. */
export function rangeSize(range: AddressRange): bigint {
  return range.end - range.start + 1n;
}

/** True when ranges are already sorted, disjoint and non-adjacent (what every AddressSpace holds). */
function isMerged(ranges: AddressRange[]): boolean {
  for (let i = 1; i < ranges.length; i += 1) if (ranges[i]!.start <= ranges[i - 1]!.end + 1n) return false;
  return true;
}

/** The ranges themselves when already merged (no copy: the set operations only read them), else merged. */
function normalized(ranges: AddressRange[]): AddressRange[] {
  return merged.has(ranges) || isMerged(ranges) ? ranges : mergeRanges(ranges);
}

/**
 * Lists mergeRanges made, so the set operations need not check them again: a diff subtracts
 * a scope's space of thousands of ranges once per change in that scope.
 */
const merged = new WeakSet<AddressRange[]>();

/** Sorts and merges ranges of one family: overlapping and adjacent ranges become one (new objects). */
function mergeRanges(ranges: AddressRange[]): AddressRange[] {
  const out = mergeSorted(ranges);
  merged.add(out);
  return out;
}

function isSorted(ranges: AddressRange[]): boolean {
  for (let i = 1; i < ranges.length; i += 1) if (ranges[i]!.start < ranges[i - 1]!.start) return false;
  return true;
}

/**
 * The merged list. Catalog entries come in address order within a place, so the sort is
 * skipped when the list is in order already; a range is copied only when a later one extends
 * it (the list holds the input's own objects otherwise, which nothing changes).
 */
function mergeSorted(ranges: AddressRange[]): AddressRange[] {
  const sorted = isSorted(ranges)
    ? ranges
    : [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: AddressRange[] = [];
  let lastIsCopy = false;
  for (let i = 0; i < sorted.length; i += 1) {
    const range = sorted[i]!;
    const last = out[out.length - 1];
    if (last && range.start <= last.end + 1n) {
      if (range.end > last.end) {
        if (lastIsCopy) last.end = range.end;
        else {
          out[out.length - 1] = { family: last.family, start: last.start, end: range.end };
          lastIsCopy = true;
        }
      }
    } else {
      out.push(range);
      lastIsCopy = false;
    }
  }
  return out;
}

/** The space covered by some ranges. */
export function spaceOfRanges(ranges: Iterable<AddressRange>): AddressSpace {
  const ipv4: AddressRange[] = [];
  const ipv6: AddressRange[] = [];
  if (Array.isArray(ranges)) {
    for (let i = 0; i < ranges.length; i += 1) {
      const range = ranges[i] as AddressRange;
      (range.family === 'ipv4' ? ipv4 : ipv6).push(range);
    }
  } else for (const range of ranges) (range.family === 'ipv4' ? ipv4 : ipv6).push(range);
  return { ipv4: mergeRanges(ipv4), ipv6: mergeRanges(ipv6) };
}

/** The space covered by catalog IP values (throws on a value that is not an IP or CIDR). */
export function spaceOf(values: Iterable<string>): AddressSpace {
  const ranges: AddressRange[] = [];
  for (const value of values) ranges.push(rangeOf(value));
  return spaceOfRanges(ranges);
}

export function emptySpace(): AddressSpace {
  return { ipv4: [], ipv6: [] };
}

export function isEmptySpace(space: AddressSpace): boolean {
  return space.ipv4.length === 0 && space.ipv6.length === 0;
}

export function union(a: AddressSpace, b: AddressSpace): AddressSpace {
  return { ipv4: mergeRanges([...a.ipv4, ...b.ipv4]), ipv6: mergeRanges([...a.ipv6, ...b.ipv6]) };
}

/** Addresses of `a` not in `b`; both sorted and merged. Linear: catalogs hold thousands of ranges. */
function subtractRanges(a: AddressRange[], b: AddressRange[]): AddressRange[] {
  const out: AddressRange[] = [];
  let j = 0;
  for (const range of a) {
    let start = range.start;
    // First cut that ends at or after `start` (binary search: `b` is often far longer than `a`).
    let lo = j;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid]!.end < start) lo = mid + 1;
      else hi = mid;
    }
    j = lo;
    for (let k = j; k < b.length && b[k]!.start <= range.end && start <= range.end; k += 1) {
      const cut = b[k]!;
      if (cut.start > start) out.push({ family: range.family, start, end: cut.start - 1n });
      if (cut.end + 1n > start) start = cut.end + 1n;
    }
    if (start <= range.end) out.push({ family: range.family, start, end: range.end });
  }
  return out;
}

/** Addresses in both `a` and `b`; both sorted and merged. */
function intersectRanges(a: AddressRange[], b: AddressRange[]): AddressRange[] {
  const out: AddressRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = x.start > y.start ? x.start : y.start;
    const end = x.end < y.end ? x.end : y.end;
    if (start <= end) out.push({ family: x.family, start, end });
    if (x.end < y.end) i += 1;
    else j += 1;
  }
  return out;
}

/**
 * Marks a list the set operations made from merged lists as merged: their pieces are sorted,
 * disjoint and never adjacent (two adjacent pieces would mean adjacent ranges in an input), so
 * using the result again costs no check. Unmarked, a scope's kept space of 100k ranges was
 * checked again for each of its 1000 changes.
 */
function markMerged(ranges: AddressRange[]): AddressRange[] {
  merged.add(ranges);
  return ranges;
}

export function intersection(a: AddressSpace, b: AddressSpace): AddressSpace {
  return {
    ipv4: markMerged(intersectRanges(normalized(a.ipv4), normalized(b.ipv4))),
    ipv6: markMerged(intersectRanges(normalized(a.ipv6), normalized(b.ipv6))),
  };
}

/** Addresses in `a` that are not in `b`. */
export function difference(a: AddressSpace, b: AddressSpace): AddressSpace {
  return {
    ipv4: markMerged(subtractRanges(normalized(a.ipv4), normalized(b.ipv4))),
    ipv6: markMerged(subtractRanges(normalized(a.ipv6), normalized(b.ipv6))),
  };
}

function sameRanges(a: AddressRange[], b: AddressRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.start === b[i]!.start && r.end === b[i]!.end);
}

/** True when both spaces cover exactly the same addresses. */
export function spacesEqual(a: AddressSpace, b: AddressSpace): boolean {
  return sameRanges(a.ipv4, b.ipv4) && sameRanges(a.ipv6, b.ipv6);
}

/** True when every address of `inner` is in `outer`. */
export function spaceContains(outer: AddressSpace, inner: AddressSpace): boolean {
  return isEmptySpace(difference(inner, outer));
}

/** Number of addresses covered, per family. */
export function countAddresses(space: AddressSpace): AddressCounts {
  const sum = (list: AddressRange[]) => list.reduce((total, r) => total + rangeSize(r), 0n);
  return { ipv4: sum(space.ipv4), ipv6: sum(space.ipv6) };
}

/** Total of both families (for a single change, which only ever has one). */
export function totalAddresses(space: AddressSpace): bigint {
  const counts = countAddresses(space);
  return counts.ipv4 + counts.ipv6;
}

/** How address counts are written in JSON: a decimal string, for IPv4 and IPv6 alike. */
export function countText(count: bigint): string {
  return count.toString(10);
}

/** The fewest CIDR blocks that cover exactly one range, as canonical catalog values (no /32, /128). */
export function rangeToCidrs(range: AddressRange): string[] {
  const bits = BITS[range.family];
  const out: string[] = [];
  let start = range.start;
  while (start <= range.end) {
    // Largest block that starts at `start` (alignment) and does not pass the end.
    let size = start === 0n ? 1n << BigInt(bits) : start & -start;
    while (size > range.end - start + 1n) size >>= 1n;
    const prefix = bits - (size.toString(2).length - 1);
    out.push(canonicalIp(`${addressText(start, range.family)}/${prefix}`)!);
    start += size;
  }
  return out;
}

/** A space written as the fewest CIDRs: IPv4 first, then IPv6, each in address order. */
export function spaceToCidrs(space: AddressSpace): string[] {
  return [...space.ipv4, ...space.ipv6].flatMap(rangeToCidrs);
}

/**
 * The minimal list of CIDRs covering exactly the space of `values`: contained ranges
 * disappear, adjacent ones merge, and the result is written as catalog/normalize.ts writes
 * values (single addresses without /32 or /128, IPv6 compressed). Throws on a non-IP value.
 */
export function aggregate(values: Iterable<string>): string[] {
  return spaceToCidrs(spaceOf(values));
}

/**
 * True when the IP or CIDR `ip` lies entirely inside `cidrValue`. `ip` is read as a query
 * (`parseIpQuery`: an IPv4-mapped IPv6 address counts as IPv4); families never match each
 * other otherwise. Throws when `cidrValue` is not an IP/CIDR; false when `ip` is not one.
 */
export function contains(cidrValue: string, ip: string): boolean {
  const outer = rangeOf(cidrValue);
  const inner = parseIpQuery(ip);
  return inner !== null && rangeContains(outer, inner);
}

/** True when `inner` lies entirely inside `outer` (same family). */
export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

/** True when the two ranges share at least one address. */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** The CIDR form of one catalog IP value, with the network address and an explicit prefix ("10.1.2.3/24" -> "10.1.2.0/24", "1.2.3.4" -> "1.2.3.4/32"). */
export function cidrNotation(value: string): string {
  const range = rangeOf(value);
  const bits = BITS[range.family];
  const prefix = bits - (rangeSize(range).toString(2).length - 1);
  return `${addressText(range.start, range.family)}/${prefix}`;
}
