/**
 * An independent token scan of a raw document, the judge of the replay test
 * (test/replay-corpus.test.ts). It shares no code with `parsers/` or `catalog/` on purpose: a
 * gap in the parsers must not hide itself by being a gap in the judge too.
 *
 * What it finds: IPv4 and IPv6 addresses and CIDRs, and host names, including the wildcard and
 * placeholder forms Microsoft pages use (`*.x`, `*excel.officeapps.live.com`, `name*.x`,
 * `<tenant>.x`, `#-courier.push.apple.com`), anywhere in the text, except where a document names
 * something that is not an endpoint:
 *  - the YAML front matter and HTML comments (metadata);
 *  - link targets (`](...)`, `href="..."`, `src="..."`, `[name]: url` definitions) and
 *    `[!INCLUDE ...]` lines: where a link points is a documentation page, its visible text is
 *    kept (a host written as a link's text is still written on the page);
 *  - file names (`data-center.png`, `proxy-intro-aad.md`): the "top-level domain" is a file
 *    extension from FILE_EXTENSIONS;
 *  - e-mail addresses (a host right after `@`).
 * Hosts in prose count: these pages put real endpoints in sentences ("allow http connections to
 * ocsp.msocsp.com on port 80"), so "only inside tables and lists" would miss some. HTML tags
 * (`<br>`, `<b>`) only separate tokens, `**bold**` around a host is emphasis, not a wildcard.
 * A token is compared in one canonical form on both sides (document and alert): lower case,
 * `\*` and `\<` unescaped, `&lt;`/`&gt;` decoded, no `/32` or `/128` on one address, IPv6
 * compressed. Hosts the scan sees that are truly not endpoints (example tenants, product sites
 * in prose) are not hidden here: the replay test lists them as explained exceptions.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Extensions that make `name.ext` a file, not a host (none is a top-level domain these pages use). */
const FILE_EXTENSIONS = new Set([
  'md',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'yml',
  'yaml',
  'json',
  'ps1',
  'psm1',
  'exe',
  'msi',
  'zip',
  'txt',
  'xml',
  'csv',
  'tsv',
  'html',
  'htm',
  'aspx',
  'asp',
  'php',
  'js',
  'css',
  'pdf',
  'docx',
  'xlsx',
  'pptx',
  'cer',
  'crt',
  'pem',
  'pfx',
  'log',
  'dll',
  'config',
  'cab',
  'ini',
  'conf',
]);

/** Decodes UTF-8 (with or without BOM) and UTF-16 with a BOM, as the corpus holds them. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

const HTML_TAG =
  /<\/?(?:a|b|br|i|u|p|em|strong|code|sup|sub|span|div|li|ul|ol|td|tr|th|table|thead|tbody|img|pre|h[1-6])\b[^>]*>/gi;

/** The text with everything that is not page content, or only points elsewhere, blanked out. */
export function visibleText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // YAML front matter
      .replace(/^---\n[\s\S]*?\n---\n/, '')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      // [!INCLUDE [title](path)] and similar DocFX directives
      .replace(/\[!(?:INCLUDE|include)[^\n]*/g, ' ')
      // link and image targets; the link text before them stays
      .replace(/\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\)/g, '] ')
      .replace(/\b(?:href|src)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, ' ')
      // reference-style link definitions: [name]: https://...
      .replace(/^ {0,3}\[[^\]\n]+\]:\s*\S+.*$/gm, ' ')
      // entities and escapes that hide a wildcard or a placeholder
      .replace(/&lt;/gi, '<')
      .replace(/&gt;/gi, '>')
      .replace(/&#42;|&ast;/gi, '*')
      .replace(/&amp;/gi, '&')
      // HTML tags (`<br>`, `<b>`, `</td>`) separate tokens; `<tenant>` is no tag and stays
      .replace(HTML_TAG, ' ')
      .replace(/\\([*<>_.#-])/g, '$1')
  );
}

// A letter right after the address is allowed: the pages have typos like `52.149.59.151br />`.
const IPV4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?!\d|\.\d)/g;
// Hex and colons with at least two colons; validated with node:net afterwards.
const IPV6 =
  /(?<![\w:.])((?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?)(?:\/(\d{1,3}))?(?![\w:])/gi;
// A label: letters, digits, '-', '_', a '*' or '#' placeholder, or a <placeholder>.
const LABEL = '(?:[a-z0-9_*#-]|<[a-z0-9_-]+>)+';
const HOST = new RegExp(String.raw`(?<![\w.*#<>@-])(${LABEL}(?:\.${LABEL})*\.([a-z]{2,63}))(?![\w-]|\.[a-z0-9])`, 'gi');

/** RFC 5952 form of an IPv6 address (WHATWG URL serialises hosts that way). */
function compressIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function ipToken(address: string, prefix: string | undefined, family: 4 | 6): string | null {
  const max = family === 4 ? 32 : 128;
  if (prefix !== undefined && (Number(prefix) > max || !/^\d+$/.test(prefix))) return null;
  const value = family === 4 ? address.split('.').map(Number).join('.') : compressIPv6(address);
  return `ip:${prefix === undefined || Number(prefix) === max ? value : `${value}/${Number(prefix)}`}`;
}

function hostToken(raw: string, tld: string): string | null {
  if (FILE_EXTENSIONS.has(tld.toLowerCase())) return null;
  // `**bold.example.com**` is emphasis, not a wildcard; a leading '-' is a list marker or a dash.
  const host = raw
    .toLowerCase()
    .replace(/^\*{2,}/, '')
    .replace(/^-+/, '');
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((label) => label === '')) return null;
  // A label of placeholders only (`*`, `#`, `<tenant>`) is fine; all-digit "hosts" are not hosts.
  if (labels.every((label) => /^\d+$/.test(label))) return null;
  return host;
}

/**
 * How often each token occurs in `text` (a whole document): `ip:1.2.3.4` -> 2. The count tells
 * an address added to one more row from a document that only moved things around.
 */
export function scanTokenCounts(text: string): Map<string, number> {
  const visible = visibleText(text);
  const counts = new Map<string, number>();
  const add = (token: string | null) => {
    if (token) counts.set(token, (counts.get(token) ?? 0) + 1);
  };
  for (const match of visible.matchAll(IPV4)) {
    if (isIPv4(match[1]!)) add(ipToken(match[1]!, match[2], 4));
  }
  for (const match of visible.matchAll(IPV6)) {
    if (isIPv6(match[1]!) && /[0-9a-f]/i.test(match[1]!)) add(ipToken(match[1]!, match[2], 6));
  }
  for (const match of visible.matchAll(HOST)) {
    const host = hostToken(match[1]!, match[2]!);
    add(host && `host:${host}`);
  }
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every token in `text` (a whole document), each once, sorted: `ip:1.2.3.4`, `host:*.x.com`. */
export function scanTokens(text: string): Set<string> {
  return new Set(scanTokenCounts(text).keys());
}

/**
 * The IPv4 addresses an alert names as a range ("13.86.219.224 - 13.86.219.250"): every one of
 * them is named. Ranges of more than 65,536 addresses are not expanded (no alert writes one).
 */
export function rangeTokens(text: string): Set<string> {
  const out = new Set<string>();
  const toNumber = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const toAddress = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
  for (const m of text.matchAll(/(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3}) - (\d{1,3}(?:\.\d{1,3}){3})(?![\d.]*\d)/g)) {
    const [first, last] = [toNumber(m[1]!), toNumber(m[2]!)];
    if (last < first || last - first > 65_535) continue;
    for (let n = first; n <= last; n += 1) out.add(`ip:${toAddress(n)}`);
  }
  return out;
}
