/**
 * Turning a token written in a document into a canonical endpoint value.
 *
 * Canonical means: the same endpoint written two ways compares equal, so re-formatting a
 * document is never reported as a change.
 *   - IP: ipaddr.js form; a single address never carries /32 or /128; IPv6 compressed, lower case.
 *   - host: lower case, no trailing dot, `\*` unescaped to `*`, HTML entities decoded,
 *     internationalised names in their ASCII (punycode) form. Patterns are kept as written:
 *     a star anywhere in a label but the last (`*.x`, `*excel.x`, `name*.x`), a `<tenant>`-style
 *     placeholder, and a `#` standing for a number (`#-courier.push.apple.com`);
 *     lookup/hosts.ts says what each matches.
 *   - URL: WHATWG URL serialisation (lower-case scheme and host, default port dropped). A URL
 *     that is only an origin (`https://adaproddiscovery.azureedge.net`, with or without the
 *     final `/`, default port, no path, query or credentials) is its host: the same endpoint
 *     for a firewall, written as a URL in one version of a page and bare in the next.
 */
import ipaddr from 'ipaddr.js';
import { domainToASCII } from 'node:url';
import type { EndpointKind } from './model.js';

export interface ClassifiedToken {
  kind: EndpointKind;
  value: string;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Decodes the HTML entities that show up in these documents (&lt; &amp; &#42; &#x2A; ...). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?$/;
const IPV6_RE = /^[0-9a-f:]*:[0-9a-f:.]*(?:\/\d{1,3})?$/i;
/**
 * A label: letters, digits, hyphens; a placeholder like <tenant> or {tenant}, alone or with a
 * hyphenated suffix (`<tenant>-my.sharepoint.com`); or a pattern label, in which `*` (any run
 * of characters) and `#` (a number) stand where letters would (`*`, `*excel`, `name*`,
 * `#-courier`). PATTERN_LABEL is checked further by patternLabelOk.
 */
const HOST_LABEL = String.raw`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|(?:<[a-z0-9_-]+>|\{[a-z0-9_-]+\})(?:-[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)?|[a-z0-9-]{0,62}[*#][a-z0-9*#-]{0,62})`;
const HOST_RE = new RegExp(String.raw`^${HOST_LABEL}(?:\.${HOST_LABEL})*\.(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$`, 'i');
/**
 * A label with `*` or `#` in it: no two stars in a row (`**x` is markdown emphasis left over,
 * not a wildcard), no hyphen at either end (as in any label), and a `#` only as a whole label
 * or set off by a hyphen (`#-courier`, `courier-#`), so that `#1` or `a#b` is not taken for a
 * number.
 */
function patternLabelOk(label: string): boolean {
  if (!/[*#]/.test(label)) return true;
  if (label.includes('**') || label.startsWith('-') || label.endsWith('-')) return false;
  // Each `#` has a hyphen, the label's start or its end on both sides.
  return !label.replace(/(?<=^|-)#(?=-|$)/g, '').includes('#');
}
/** File names that look like hosts but are not ("network-requirements.md", "setup.ps1"). */
const FILE_EXTENSIONS = new Set([
  'md',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'ps1',
  'psm1',
  'exe',
  'msi',
  'zip',
  'json',
  'yml',
  'yaml',
  'xml',
  'html',
  'htm',
  'aspx',
  'txt',
  'csv',
  'pdf',
  'js',
  'css',
  'cmd',
  'bat',
  'dll',
  'cab',
]);

/** Canonical IP or CIDR, or null when `token` is not one. */
export function canonicalIp(token: string): string | null {
  const text = token.trim();
  if (!IPV4_RE.test(text) && !IPV6_RE.test(text)) return null;
  // The family is chosen by the colon: ipaddr.parseCIDR and ipaddr.parse try IPv6 first and
  // throw for every IPv4 value (~17 us each, against ~3 us), which dominated parsing a feed.
  const family = text.includes(':') ? ipaddr.IPv6 : ipaddr.IPv4;
  try {
    if (text.includes('/')) {
      const [addr, bits] = family.parseCIDR(text);
      const max = addr.kind() === 'ipv4' ? 32 : 128;
      const host = addr.toString();
      return bits === max ? host : `${host}/${bits}`;
    }
    if (!family.isValid(text)) return null;
    const addr = family.parse(text);
    // ipaddr.js accepts IPv4 shorthand like "10.1"; the regex above already required four parts.
    return addr.toString();
  } catch {
    return null;
  }
}

/** Canonical host name, or null when `token` is not one. */
export function canonicalHost(token: string): string | null {
  let text = decodeEntities(token.trim()).replace(/\\\*/g, '*').replace(/\\_/g, '_');
  text = text.replace(/\.$/, '');
  if (text.length === 0 || text.length > 253) return null;
  // Internationalised names: compare in their ASCII form.
  if (/[^\x00-\x7f]/.test(text)) {
    const ascii = domainToASCII(text.replace(/^\*\./, 'wildcard-placeholder.'));
    if (!ascii) return null;
    text = text.startsWith('*.') ? ascii.replace(/^wildcard-placeholder\./, '*.') : ascii;
  }
  if (!HOST_RE.test(text)) return null;
  const lower = text.toLowerCase();
  const tld = lower.slice(lower.lastIndexOf('.') + 1);
  if (FILE_EXTENSIONS.has(tld)) return null;
  if (!lower.split('.').every(patternLabelOk)) return null;
  return lower;
}

/** Canonical URL, or null when `token` is not an absolute http(s)/ws(s) URL. */
export function canonicalUrl(token: string): string | null {
  const text = decodeEntities(token.trim());
  if (!/^(?:https?|wss?):\/\//i.test(text)) return null;
  try {
    const url = new URL(text.replace(/\\\*/g, '*'));
    if (!url.hostname) return null;
    return url.toString();
  } catch {
    return null;
  }
}

/**
 * The host (or address) a canonical URL names when it is nothing but an origin on its scheme's
 * default port; null for a URL with a path, query, fragment, credentials or another port.
 */
export function originOnlyEndpoint(url: string): ClassifiedToken | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username || parsed.password || parsed.port)
    return null;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const ip = canonicalIp(host);
  if (ip) return { kind: 'ip', value: ip };
  const name = canonicalHost(host);
  return name ? { kind: 'fqdn', value: name } : null;
}

/**
 * Classifies one token (already split out of its cell). Order matters: an IP is tried before a
 * host, because "13.80.22.71" would not match the host pattern anyway but "1.2.3.4/24" must not
 * fall through to anything else.
 */
export function classifyToken(token: string): ClassifiedToken | null {
  const text = token.trim().replace(/^[`'"([]+|[`'")\],;:.]+$/g, '');
  if (!text) return null;
  const ip = canonicalIp(text);
  if (ip) return { kind: 'ip', value: ip };
  const url = canonicalUrl(text);
  if (url) return originOnlyEndpoint(url) ?? { kind: 'url', value: url };
  const host = canonicalHost(text);
  if (host) return { kind: 'fqdn', value: host };
  return null;
}

/** Splits an IP/CIDR into its address and prefix length (full length for single addresses). */
export function parseIpValue(value: string): {
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
  family: 'ipv4' | 'ipv6';
} {
  const family = value.includes(':') ? ipaddr.IPv6 : ipaddr.IPv4;
  if (value.includes('/')) {
    const [address, prefix] = family.parseCIDR(value);
    return { address, prefix, family: address.kind() };
  }
  const address = family.parse(value);
  return { address, prefix: address.kind() === 'ipv4' ? 32 : 128, family: address.kind() };
}
