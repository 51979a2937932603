/**
 * Ports as documents write them, turned into a PortSpec:
 *   "TCP 80 and 443"                          -> tcp 80, 443
 *   "outbound port 443"                       -> any 443
 *   "80, 443, 25, POP3 on 110, 995, or Custom" -> any 25, 80, 110, 443, 995 + custom
 *   "**TCP:** 443, 80<BR>**UDP:** 3478-3481"  -> tcp 80, 443; udp 3478-3481
 */
import { emptyPorts, type PortSpec } from './model.js';

const PORT_TOKEN =
  /\b(tcp|udp)\b|\b(custom|configurable)\b|(?<![\w.])(\d{1,5})(?:\s*(?:-|–|to)\s*(\d{1,5}))?(?![\w.])/gi;

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function portSortKey(token: string): number {
  return parseInt(token, 10);
}

function sortUnique(list: string[]): string[] {
  return [...new Set(list)].sort((a, b) => portSortKey(a) - portSortKey(b) || a.localeCompare(b));
}

export function normalizePortSpec(spec: PortSpec): PortSpec {
  return { tcp: sortUnique(spec.tcp), udp: sortUnique(spec.udp), any: sortUnique(spec.any), custom: spec.custom };
}

/** Strips markup that sits between port numbers (bold markers, <br>, entities). */
function plain(text: string): string {
  return text
    .replace(/<br\s*\/?>\s*(?:<\/br>)?/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[*_`]/g, ' ')
    .replace(/&nbsp;/gi, ' ');
}

/**
 * Reads a cell or paragraph that is about ports (a "Port" column). Numbers bind to the last
 * protocol named before them; numbers before any protocol go to `any`.
 */
export function parsePorts(text: string): PortSpec {
  const spec = emptyPorts();
  let protocol: 'tcp' | 'udp' | 'any' = 'any';
  for (const match of plain(text).matchAll(PORT_TOKEN)) {
    const [, proto, customWord, from, to] = match;
    if (proto) {
      protocol = proto.toLowerCase() as 'tcp' | 'udp';
    } else if (customWord) {
      spec.custom = true;
    } else if (from) {
      const start = parseInt(from, 10);
      if (!validPort(start)) continue;
      if (to) {
        const end = parseInt(to, 10);
        if (!validPort(end) || end < start) continue;
        spec[protocol].push(end === start ? String(start) : `${start}-${end}`);
      } else {
        spec[protocol].push(String(start));
      }
    }
  }
  return normalizePortSpec(spec);
}

/**
 * Finds port statements inside prose ("add outbound port 443 for the following IP addresses",
 * "TCP ports 80 and 443"), ignoring every other number in the text (dates, counts, versions).
 */
export function portsFromProse(text: string): PortSpec {
  const spec = emptyPorts();
  // A statement needs the word "port", or TCP/UDP right before the numbers ("TCP 443 & 8443");
  // plain() only turns markup into spaces, so it cannot make one up. Most prose above a table
  // or list has neither.
  if (!/port|tcp|udp/i.test(text)) return normalizePortSpec(spec);
  const re =
    /\b(?:(tcp|udp)\s+(?:ports?\s*:?\s+)?|ports?\s*:?\s+)((?:\d{1,5}(?:\s*-\s*\d{1,5})?)(?:\s*(?:,|and|or|&)\s*\d{1,5}(?:\s*-\s*\d{1,5})?)*)(?![\d.]*\w)/gi;
  // `&amp;` is how HTML and some markdown write "&".
  for (const match of plain(text).replace(/&amp;/gi, '&').matchAll(re)) {
    const proto = (match[1]?.toLowerCase() ?? 'any') as 'tcp' | 'udp' | 'any';
    const found = parsePorts(match[2] ?? '');
    spec[proto].push(...found.any);
  }
  return normalizePortSpec(spec);
}

/** A copy of `p` that shares no array with it (entries of one row must not share port lists). */
export function copyPorts(p: PortSpec): PortSpec {
  return { tcp: [...p.tcp], udp: [...p.udp], any: [...p.any], custom: p.custom };
}

export function portsEqual(a: PortSpec, b: PortSpec): boolean {
  return (
    a === b ||
    (a.custom === b.custom &&
      a.tcp.join(',') === b.tcp.join(',') &&
      a.udp.join(',') === b.udp.join(',') &&
      a.any.join(',') === b.any.join(','))
  );
}

export function isEmptyPorts(p: PortSpec): boolean {
  return p.tcp.length === 0 && p.udp.length === 0 && p.any.length === 0 && !p.custom;
}

/** "TCP 80, 443; UDP 3478-3481", for messages. */
export function formatPorts(p: PortSpec): string {
  const parts: string[] = [];
  if (p.tcp.length) parts.push(`TCP ${p.tcp.join(', ')}`);
  if (p.udp.length) parts.push(`UDP ${p.udp.join(', ')}`);
  if (p.any.length) parts.push(`port ${p.any.join(', ')}`);
  if (p.custom) parts.push('custom');
  return parts.length ? parts.join('; ') : 'no ports stated';
}
