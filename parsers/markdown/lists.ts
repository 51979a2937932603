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
import { copyPorts, portsFromProse } from '../../catalog/ports.js';
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

/** A sentence that tells the reader to let traffic through: "you need to allow http connections to ...". */
const ALLOW_VERB = /\b(?:allow(?:list)?|whitelist|unblock|permit)\b/i;
const TRAFFIC_WORD = /\b(?:connections?|traffic|access|outbound|inbound|ports?)\b/i;
/** Example hosts ("For example, ... you can open: contoso.portal...") and placeholders are not instructions. */
const EXAMPLE = /\b(?:for example|e\.g\.|such as|instead of)\b/i;

/**
 * Endpoints named by an allow instruction in prose: "If you didn't specify a proxy, you need to
 * allow http connections to http://ocsp.msocsp.com/ and ocsp.digicert.com on port 80.", "Allow
 * the log collector to initiate outbound traffic to the Azure blob storage (https://x.blob...)
 * on port 80 and 443." Pages put real requirements in such sentences; a firewall owner must
 * hear when one appears or goes. Other prose (announcements, examples) names hosts too and is
 * left alone. Ports come from the sentence itself.
 */
export function allowInstruction(line: TextLine): Array<ListedToken & { sentence: string }> {
  const found: Array<ListedToken & { sentence: string }> = [];
  for (const sentence of line.masked.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
    if (!ALLOW_VERB.test(sentence) || !TRAFFIC_WORD.test(sentence) || EXAMPLE.test(sentence)) continue;
    for (const token of tokensOf(sentence).tokens) {
      // A bare address in prose is usually a version or an example range; hosts and URLs are named on purpose.
      if (token.kind === 'ip' || /[<>#*]/.test(token.value)) continue;
      found.push({ token, line: line.line, sentence });
    }
  }
  return found;
}

/** Entries a prose line gives: addresses after a closing colon, else what an allow instruction names. */
export function proseLineEntries(
  line: TextLine,
  section: string,
  prose: { ports(own?: string): PortSpec },
): CatalogEntry[] {
  const tail = colonTail(line);
  if (tail) {
    const ports = prose.ports(line.full);
    return tail.map(({ token, line: at }) => listEntry(token, at, section, ports));
  }
  return allowInstruction(line).map(({ token, line: at, sentence }) =>
    listEntry(token, at, section, portsFromProse(sentence)),
  );
}
