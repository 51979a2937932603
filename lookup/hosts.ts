/**
 * Host names as the catalog lists them, and what they match.
 *
 * Semantics (shared by `lookup` and the exports):
 *   - `*.office.com` (Microsoft's wildcard) matches a host at ANY depth below office.com:
 *     `a.office.com` and `a.b.office.com`, but not `office.com` itself.
 *   - a placeholder (`<tenant>`, `{tenant}`) stands for part of exactly ONE label:
 *     `<tenant>.sharepoint.com` matches `contoso.sharepoint.com`, not `a.b.sharepoint.com`;
 *     `<tenant>-my.sharepoint.com` matches `contoso-my.sharepoint.com`.
 *   - everything else matches exactly. Comparison is case-insensitive and ignores a trailing dot.
 *   - a URL entry stands for its host (`https://login.example.com/path` -> `login.example.com`).
 */
import type { CatalogEntry } from '../catalog/model.js';

/** A label holding a placeholder: `<tenant>`, `{tenant}`, `<tenant>-my`. */
const PLACEHOLDER = /<[^>]+>|\{[^}]+\}/;
const PLACEHOLDERS = /<[^>]+>|\{[^}]+\}/g;

function hasPlaceholder(label: string): boolean {
  return PLACEHOLDER.test(label);
}

/** A placeholder label as a regular expression: each placeholder is one or more label characters. */
function placeholderLabelRe(label: string): RegExp {
  const parts = label.split(PLACEHOLDERS).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[a-z0-9_-]+')}$`);
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

/** True for `*.x` wildcards and hosts with a placeholder label: patterns, not single hosts. */
export function isHostPattern(host: string): boolean {
  return host.startsWith('*.') || host.split('.').some(hasPlaceholder);
}

/**
 * True when the listed `pattern` (an exact host, `*.x`, or a host with placeholder labels)
 * covers `host`. `host` may itself be a `*.y` pattern: then it is covered by an identical
 * pattern or by a broader wildcard (`*.office.com` covers `*.mail.office.com`).
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = normalizeHost(pattern);
  const h = normalizeHost(host);
  if (p === h) return true;
  if (p.startsWith('*.')) {
    const suffix = p.slice(1); // ".office.com"
    return h.endsWith(suffix) && h.length > suffix.length && (!h.startsWith('*.') || h.length > suffix.length + 1);
  }
  const patternLabels = p.split('.');
  const hostLabels = h.split('.');
  if (patternLabels.length !== hostLabels.length) return false;
  return patternLabels.every((label, i) => {
    const other = hostLabels[i]!;
    if (hasPlaceholder(label)) return other !== '*' && placeholderLabelRe(label).test(other);
    return label === other;
  });
}

/**
 * The host written so that a firewall or proxy list can hold it: exact hosts and `*.x` stay
 * as they are; a host with placeholder labels becomes `*.` + the labels after the last
 * placeholder (`<tenant>.sharepoint.com` and `<tenant>-my.sharepoint.com` -> `*.sharepoint.com`,
 * `autodiscover.<tenant>.onmicrosoft.com` -> `*.onmicrosoft.com`), which is broader, because no
 * list format can say "one label". null when that would leave fewer than two labels (`*.com`).
 */
export function listableHost(host: string): string | null {
  const labels = normalizeHost(host).split('.');
  let last = -1;
  labels.forEach((label, i) => {
    if (label === '*' || hasPlaceholder(label)) last = i;
  });
  if (last < 0) return labels.join('.');
  const rest = labels.slice(last + 1);
  return rest.length >= 2 ? `*.${rest.join('.')}` : null;
}
