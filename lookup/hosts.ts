/**
 * Host names as the catalog lists them, and what they match.
 *
 * Semantics (shared by `lookup` and the exports):
 *   - `*` is a glob star: any run of characters, dots included, or none. So `*.office.com`
 *     (Microsoft's wildcard) matches a host at ANY depth below office.com (`a.office.com`,
 *     `a.b.office.com`) but not `office.com` itself; `*excel.officeapps.live.com` matches
 *     `excel.officeapps.live.com`, `xyzexcel.officeapps.live.com` and `a.b-excel.officeapps.live.com`;
 *     `name*.example.com` matches `name.example.com` and `name01.example.com`.
 *   - a placeholder (`<tenant>`, `{tenant}`) stands for part of exactly ONE label:
 *     `<tenant>.sharepoint.com` matches `contoso.sharepoint.com`, not `a.b.sharepoint.com`;
 *     `<tenant>-my.sharepoint.com` matches `contoso-my.sharepoint.com`.
 *   - `#` stands for a number (one or more digits): `#-courier.push.apple.com` matches
 *     `5-courier.push.apple.com`.
 *   - everything else matches exactly. Comparison is case-insensitive and ignores a trailing dot.
 *   - a URL entry stands for its host (`https://login.example.com/path` -> `login.example.com`).
 * A looked-up host may itself be a pattern: it is covered by an identical pattern, or by one
 * whose stars take in its own (`*.office.com` covers `*.mail.office.com` and `*x.office.com`).
 */
import type { CatalogEntry } from '../catalog/model.js';

/** A label holding a placeholder: `<tenant>`, `{tenant}`, `<tenant>-my`, or a `#` number. */
const PLACEHOLDER = /<[^>]+>|\{[^}]+\}|#/;

function hasPlaceholder(label: string): boolean {
  return PLACEHOLDER.test(label);
}

const patterns = new Map<string, RegExp>();

/**
 * A listed host as a regular expression over host names (see above). A `*` in the host looked
 * up is matched as a character only a listed `*` takes in, so a pattern is covered only by
 * what covers all of it.
 */
function patternRe(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    const body = pattern.replace(/<[^>]+>|\{[^}]+\}|[*#]|[^<{*#]+|[<{]/g, (part) => {
      if (part === '*') return '.*';
      if (part === '#') return '[0-9]+';
      if (part.length > 1 && /^[<{]/.test(part)) return '[a-z0-9_-]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
    re = new RegExp(`^${body}$`);
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re;
}

/** The host an fqdn or url entry names (lower case), or null for IP entries and URLs whose host is an IP literal. */
export function hostOfEntry(entry: Pick<CatalogEntry, 'kind' | 'value'>): string | null {
  if (entry.kind === 'fqdn') return normalizeHost(entry.value);
  if (entry.kind !== 'url') return null;
  let hostname: string;
  try {
    hostname = new URL(entry.value).hostname;
  } catch {
    return null;
  }
  if (!hostname || hostname.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname)) return null;
  return normalizeHost(hostname);
}

/** Lower case, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** True for hosts with a `*`, a `#` or a placeholder: patterns, not single hosts. */
export function isHostPattern(host: string): boolean {
  return host.includes('*') || host.split('.').some(hasPlaceholder);
}

/**
 * True when the listed `pattern` (an exact host or a pattern) covers `host`. `host` may itself
 * be a pattern: then it is covered by an identical pattern or by a broader one (`*.office.com`
 * covers `*.mail.office.com`).
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = normalizeHost(pattern);
  const h = normalizeHost(host);
  if (p === h) return true;
  if (!isHostPattern(p)) return false;
  return patternRe(p).test(h);
}

/**
 * The host written so that a firewall or proxy list can hold it: exact hosts and `*.x` stay
 * as they are. A host with a placeholder (`<tenant>`, `#`) becomes `*.` + the labels after the
 * last pattern label (`<tenant>.sharepoint.com` and `<tenant>-my.sharepoint.com` ->
 * `*.sharepoint.com`, `autodiscover.<tenant>.onmicrosoft.com` -> `*.onmicrosoft.com`,
 * `#-courier.push.apple.com` -> `*.push.apple.com`), which is broader, because no list format
 * can say "one label" or "a number". Any other star (`*excel.x`, `name*.x`) is kept as written
 * for a list that reads `*` as a glob (`globs`), and otherwise becomes the covering `*.` too.
 * null when that would leave fewer than two labels (`*.com`).
 */
export function listableHost(host: string, globs = false): string | null {
  const labels = normalizeHost(host).split('.');
  if (globs && !labels.some(hasPlaceholder)) return labels.length === 2 && labels[0] === '*' ? null : labels.join('.');
  let last = -1;
  labels.forEach((label, i) => {
    if (label.includes('*') || hasPlaceholder(label)) last = i;
  });
  if (last < 0) return labels.join('.');
  const rest = labels.slice(last + 1);
  return rest.length >= 2 ? `*.${rest.join('.')}` : null;
}

/** True for `*.x` with no other pattern in x: what a suffix match (dnsDomainIs, PAN-OS `*.`) says exactly. */
export function isDomainWildcard(host: string): boolean {
  return host.startsWith('*.') && !isHostPattern(host.slice(2));
}
