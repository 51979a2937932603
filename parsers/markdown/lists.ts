/**
 * Endpoint lists outside tables: a paragraph, list item or `<pre>` block whose every line holds
 * nothing but IPs / host names, and a line that ends in a colon followed by nothing but
 * addresses ("... to be sent: 198.2.134.139 (mail1.example.com)"). Early versions of real pages
 * list their IPs this way.
 *
 * Shared by the markdown parser and the HTML parser (over the same `TextLine`s), so a rendered
 * page lists what its markdown lists.
 */
import type { CatalogEntry, PortSpec } from '../../catalog/model.js';
import { copyPorts } from '../../catalog/ports.js';
import type { TextLine } from './inline.js';
import { endpointsOnly, tokensOf, type FoundToken } from './tokens.js';

export interface ListedToken {
  token: FoundToken;
  line: number;
}

/**
 * Lines that hold nothing but endpoints (no prose word, no link); null when any line holds more.
 * A URL counts as an endpoint in code (a host list with `https://x.example.net` among its
 * lines) and next to hosts or IPs; a paragraph of nothing but URLs is a reference to a page.
 */
export function endpointOnlyLines(lines: TextLine[], code = false): ListedToken[] | null {
  const found: ListedToken[] = [];
  for (const line of lines) {
    if (line.full !== line.masked) return null;
    const tokens = endpointsOnly(line.masked);
    if (!tokens) return null;
    for (const token of tokens) found.push({ token, line: line.line });
  }
  if (!code && found.every((t) => t.token.kind === 'url')) return null;
  return found.length ? found : null;
}

/** "... add this IP address: 198.2.134.139 (mail1.example.com)": addresses after a colon that ends the prose. */
export function colonTail(line: TextLine): ListedToken[] | null {
  // The first colon whose whole tail is addresses; a tail that still holds prose fails.
  for (const match of line.masked.matchAll(/:\s+/g)) {
    const tokens = tokensOf(line.masked.slice(match.index + match[0].length));
    if (
      tokens.other.length ||
      tokens.unreadable.length ||
      tokens.recovered.length ||
      !tokens.tokens.some((t) => t.kind === 'ip')
    )
      continue;
    if (tokens.tokens.some((t) => t.kind === 'url')) continue;
    return tokens.tokens.map((token) => ({ token, line: line.line }));
  }
  return null;
}

export function listEntry(token: FoundToken, line: number, section: string, ports: PortSpec): CatalogEntry {
  return {
    kind: token.kind,
    value: token.value,
    section,
    region: null,
    group: null,
    groupKey: null,
    ports: copyPorts(ports),
    required: null,
    expressRoute: null,
    role: 'destination',
    provenance: { line, column: null },
  };
}
