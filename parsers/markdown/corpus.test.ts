/**
 * Every real historical version of the two seed documents (../shared/corpus). For each version
 * an independent scan, a plain regex over the text that does not reuse the parser, finds
 *  - every IPv4/IPv6 address and CIDR anywhere outside the front matter, HTML comments and
 *    link targets (bare IP lines of the 2017 versions and IPs after a colon in prose included);
 *  - every host name written inside a table line or a DocFX column block, except link text
 *    (links are references: "[Graph.windows.net](...)" names a page, not an endpoint);
 * and each of them must be in the catalog the parser builds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Catalog, CatalogEntry } from '../../catalog/model.js';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { formatPorts } from '../../catalog/ports.js';
import { markdownParser } from './index.js';
import { isRegionLike } from './region.js';

const CAS_DIR = fileURLToPath(new URL('../../../shared/corpus/cas-network-requirements/', import.meta.url));
const M365_DIR = fileURLToPath(new URL('../../../shared/corpus/m365-learn-identify-endpoints/', import.meta.url));

/**
 * Deliberate exceptions: values the scan finds that the parser rightly does not list. None are
 * needed today; an entry here must say why.
 */
const EXCEPTIONS: Record<string, string> = {};

/**
 * Warnings the corpus is known to deserve: typos inside address cells (the address is still
 * read), and a host name broken by stray markup in versions 100-101, which is no host at all.
 */
const KNOWN_WARNINGS = new Set([
  '"52.149.59.151br" in column "IP addresses" has stray characters around an address; read as 52.149.59.151',
  '"/>52.156.89.175" in column "IP addresses" has stray characters around an address; read as 52.156.89.175',
  '"13.64.16.132m" in column "IP addresses" has stray characters around an address; read as 13.64.16.132',
  '"portal/.cloudappsecuritygov/.com" in column "DNS name" looks like an endpoint but is not one',
  '"portal</>.cloudappsecuritygov</>.com" in column "DNS name" looks like an endpoint but is not one',
]);

function versions(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^\d{3}_.*\.md$/.test(f))
        .sort()
    : [];
}

interface Scan {
  ips: Set<string>;
  hosts: Set<string>;
}

const IPV4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?(?![\d.]*\d)/g;
const IPV6 = /(?<![\w:.])((?:[0-9a-f]{1,4}:){1,7}:?(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?)(\/\d{1,3})?(?![\w:])/gi;
const HOST =
  /(?<![\w.@-])(?:\\?\*\.)?(?:&lt;[a-z]+&gt;\.|<[a-z]+>\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?![\w-]|\.\w)/gi;
const NOT_HOSTS = /\.(?:md|png|jpg|gif|svg|ps1|aspx|html?|yml|json)$/i;

/** The independent scan: regexes over the text, no markdown parsing. */
function scan(raw: string): Scan {
  let text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const frontMatter = /^---\n[\s\S]*?\n---\n/.exec(text);
  if (frontMatter) text = text.slice(frontMatter[0].length);
  text = text
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/\]\([^)\n]*\)/g, ']')
    .replace(/href\s*=\s*"[^"]*"/gi, '');
  const ips = new Set<string>();
  for (const m of text.matchAll(IPV4)) {
    const octets = m[1]!.split('.').map(Number);
    if (octets.some((o) => o > 255)) continue;
    ips.add(m[2] && m[2] !== '/32' ? `${m[1]}${m[2]}` : m[1]!);
  }
  for (const m of text.matchAll(IPV6)) {
    if (!m[1]!.includes('::') && m[1]!.split(':').length < 8) continue;
    ips.add(`${m[1]!.toLowerCase()}${m[2] && m[2] !== '/128' ? m[2] : ''}`);
  }
  const hosts = new Set<string>();
  let inColumn = false;
  for (const line of text.split('\n')) {
    if (/^\s*:::\s*column(?!-end)\b/i.test(line)) {
      inColumn = true;
      continue;
    }
    if (/^\s*:::\s*(?:column-end|row-end|row)\s*:::/i.test(line)) {
      inColumn = false;
      continue;
    }
    const inTable = /^[\s>]*\|/.test(line);
    if (!inTable && !inColumn) continue;
    const withoutLinkText = line.replace(/\[[^\]]*\]/g, ' ').replace(/<a\b[^>]*>.*?<\/a>/gi, ' ');
    for (const m of withoutLinkText.matchAll(HOST)) {
      const host = m[0].replace(/\\\*/g, '*').replace(/&lt;/g, '<').replace(/&gt;/g, '>').toLowerCase();
      if (NOT_HOSTS.test(host)) continue;
      hosts.add(host);
    }
  }
  return { ips, hosts };
}

function parse(
  dir: string,
  file: string,
): { text: string; entries: CatalogEntry[]; warnings: string[]; catalog: Catalog } {
  const text = readFileSync(dir + file, 'utf8');
  const result = markdownParser.parse({ location: file, text, contentType: 'text/markdown' });
  return { text, entries: result.entries, warnings: result.warnings, catalog: buildCatalog(file, result) };
}

/** Values in the catalog, with the host of every URL entry as well. */
function catalogValues(entries: CatalogEntry[]): Set<string> {
  const values = new Set<string>();
  for (const e of entries) {
    values.add(e.value);
    if (e.kind === 'url') values.add(new URL(e.value).hostname);
  }
  return values;
}

function assertCovered(dir: string, file: string): { ips: number; hosts: number; warnings: string[] } {
  const { text, entries, warnings } = parse(dir, file);
  const found = scan(text);
  const values = catalogValues(entries);
  const missing = [...found.ips, ...found.hosts].filter((v) => !values.has(v) && !(v in EXCEPTIONS));
  assert.deepEqual(missing, [], `${file}: found by the scan but not in the catalog`);
  return { ips: found.ips.size, hosts: found.hosts.size, warnings };
}

const casFiles = versions(CAS_DIR);
const m365Files = versions(M365_DIR);

test('the scan itself finds what it should (self-check on a written sample)', () => {
  const sample = [
    '---',
    'note: 192.0.2.99 in front matter',
    '---',
    'Prose 203.0.113.7 and prose.example.com, [link.example.com](https://target.example.com/x) <!-- 198.51.100.1 -->',
    '| US1 | 192.0.2.1/32, 192.0.2.0/24 | \\*.a.example.com<br>&lt;tenant&gt;.b.example.com [c.example.com](https://d.example.com) |',
    ':::column:::',
    '    e.example.com <a href="https://f.example.com">g.example.com</a> 2001:db8::1/64',
    ':::column-end:::',
    'h.example.com outside tables',
  ].join('\n');
  const found = scan(sample);
  assert.deepEqual([...found.ips].sort(), ['192.0.2.0/24', '192.0.2.1', '2001:db8::1/64', '203.0.113.7']);
  assert.deepEqual([...found.hosts].sort(), ['*.a.example.com', '<tenant>.b.example.com', 'e.example.com']);
});

test(`CAS: every IP and table host of all ${casFiles.length || 197} versions is in the catalog`, {
  skip: casFiles.length === 0 && 'shared corpus absent',
}, () => {
  assert.equal(casFiles.length, 197);
  let ips = 0;
  let hosts = 0;
  const warnings = new Set<string>();
  for (const file of casFiles) {
    const counts = assertCovered(CAS_DIR, file);
    ips += counts.ips;
    hosts += counts.hosts;
    for (const w of counts.warnings) warnings.add(w.replace(/^line \d+: /, ''));
  }
  // The scan is not vacuous: the corpus grows from 11 IPs to several hundred per version.
  assert.ok(ips > 40_000, `IPs scanned: ${ips}`);
  assert.ok(hosts > 3_000, `hosts scanned: ${hosts}`);
  assert.deepEqual([...warnings].sort(), [...KNOWN_WARNINGS].sort());
});

test('CAS: the portal host list in a code block keeps every line, its URL line included', {
  skip: casFiles.length === 0 && 'shared corpus absent',
}, () => {
  let versionsWithList = 0;
  for (const file of casFiles) {
    const { text, entries } = parse(CAS_DIR, file);
    const lines = text.split(/\r?\n/);
    const at = lines.findIndex((l) => l.includes('adaproddiscovery'));
    if (at < 0) continue;
    versionsWithList += 1;
    // The block: the non-blank lines around it, up to a blank line or a fence.
    const inBlock = (l: string | undefined) => l !== undefined && l.trim() !== '' && !/^\s*```/.test(l);
    let first = at;
    while (inBlock(lines[first - 1])) first -= 1;
    let last = at;
    while (inBlock(lines[last + 1])) last += 1;
    const listed = lines.slice(first, last + 1).map((l) => l.trim());
    const values = catalogValues(entries.filter((e) => e.section === 'Portal access'));
    for (const token of listed) {
      const host = /^https?:\/\//.test(token) ? new URL(token).hostname : token.replace(/\\\*/g, '*');
      assert.ok(values.has(host), `${file}: "${token}" of the portal host list is not in the catalog`);
    }
    assert.ok(listed.length >= 7, `${file}: ${listed.length} lines`);
  }
  // Versions 046-197 have the list; 046-167 write its first host as a URL.
  assert.equal(versionsWithList, 152);
});

test('CAS: every region of every version is a data-center or cloud-region label, never a row name', {
  skip: casFiles.length === 0 && 'shared corpus absent',
}, () => {
  const regions = new Set<string>();
  const groups = new Set<string>();
  for (const file of casFiles) {
    for (const e of parse(CAS_DIR, file).entries) {
      if (e.region) regions.add(e.region);
      if (e.group) groups.add(e.group);
    }
  }
  for (const region of regions) assert.ok(isRegionLike(region), `region "${region}"`);
  assert.ok(regions.has('US1') && regions.has('Gov US1') && regions.has('West US 2'), [...regions].join(', '));
  // The reverse-proxy rows of 121-197 are named by what they are for.
  assert.deepEqual([...groups].sort(), ['Access controls', 'SAML proxy', 'Session controls']);
});

test('CAS: the DNS sentence of the log collector section does not reach the blob storage URLs', {
  skip: casFiles.length === 0 && 'shared corpus absent',
}, () => {
  // From 115 on, "... on port 443 and access to port 53 (DNS services)" sits two list items
  // above the table introduced by "... Azure blob storage on port 443:".
  let urls = 0;
  for (const file of casFiles.filter((f) => f >= '115')) {
    for (const e of parse(CAS_DIR, file).entries) {
      // Written as origin URLs (https://<account>.blob.core.windows.net or .usgovcloudapi.net), catalogued as hosts.
      if (e.section !== 'Log collector' || !e.value.includes('.blob.core.')) continue;
      urls += 1;
      assert.equal(formatPorts(e.ports), 'port 443', `${file}: ${e.value}`);
    }
  }
  assert.ok(urls >= 83 * 6, `${urls} URLs`);
});

test('CAS: the 2017 versions without tables list their bare IP lines', {
  skip: casFiles.length === 0 && 'shared corpus absent',
}, () => {
  for (const file of casFiles.slice(0, 4)) {
    const { entries } = parse(CAS_DIR, file);
    const apiSection = entries.filter((e) => /^(?:API|App) connector access$/.test(e.section)).map((e) => e.value);
    assert.ok(
      apiSection.includes('104.209.35.177') && apiSection.includes('13.64.198.19'),
      `${file}: ${apiSection.join(' ')}`,
    );
    assert.ok(entries.every((e) => e.section !== '' && e.provenance.column === null));
  }
  const { entries } = parse(CAS_DIR, casFiles[0]!);
  assert.equal(new Set(entries.map((e) => e.value)).size, 11);
});

test('CAS: version 005 is the seed and parses to the same catalog', {
  skip: casFiles.length === 0 && 'shared corpus absent',
}, () => {
  const seed = fileURLToPath(
    new URL('../../../shared/seeds/cloud-app-security-network-requirements.md', import.meta.url),
  );
  if (!existsSync(seed)) return;
  const fromCorpus = parse(CAS_DIR, casFiles[4]!).catalog;
  const text = readFileSync(seed, 'utf8');
  const fromSeed = buildCatalog(
    casFiles[4]!,
    markdownParser.parse({ location: seed, text, contentType: 'text/markdown' }),
  );
  assert.deepEqual(fromSeed.entries, fromCorpus.entries);
});

test(`M365: every IP and column host of the ${m365Files.length || 4} versions is in the catalog`, {
  skip: m365Files.length === 0 && 'shared corpus absent',
}, () => {
  assert.equal(m365Files.length, 4);
  for (const file of m365Files) {
    const counts = assertCovered(M365_DIR, file);
    // 7 IP tokens as written; 104.211.54.99/32 and .134/32 are the same addresses as the two source IPs.
    assert.equal(counts.ips, 5, file);
    assert.ok(counts.hosts >= 110, `${file}: ${counts.hosts} hosts scanned`);
    assert.deepEqual(counts.warnings, []);
  }
});

/**
 * The four versions carry the same endpoints; only markup and wording change. Two purposes are
 * re-worded between versions, so their group keys differ there (the diff maps them as renamed
 * rows): row 3 names "Defender for Cloud Apps" in 003 and "Cloud App Security" elsewhere, and
 * row 12 of 001 lists an extra purpose item ("Microsoft System Center Management Pack ...").
 */
const REWORDED_ROWS: Record<string, string[]> = { '001': ['12'], '003': ['3'] };

test('M365: all four versions give the same endpoint set, and no change between any two', {
  skip: m365Files.length === 0 && 'shared corpus absent',
}, () => {
  const rowOf = (e: CatalogEntry) => e.group!.split(':')[0]!;
  const keyed = m365Files.map((file) => {
    const { entries, catalog } = parse(M365_DIR, file);
    const reworded = REWORDED_ROWS[file.slice(0, 3)] ?? [];
    const withGroupKey = (e: CatalogEntry) => (reworded.includes(rowOf(e)) ? `row ${rowOf(e)} (reworded)` : e.groupKey);
    return {
      catalog,
      full: entries
        .map((e) => [e.kind, e.value, rowOf(e), e.required, e.expressRoute, e.role, formatPorts(e.ports)].join(' | '))
        .sort(),
      groupKeys: new Map(entries.map((e) => [`${rowOf(e)}`, withGroupKey(e)])),
    };
  });
  const [first, ...rest] = keyed;
  assert.equal(first!.full.length, 132);
  for (const other of rest) assert.deepEqual(other.full, first!.full);
  // Group keys agree on every row that was not re-worded.
  const rows = [...first!.groupKeys.keys()];
  for (const row of rows) {
    const keys = keyed.map((k) => k.groupKeys.get(row)).filter((k) => !k!.endsWith('(reworded)'));
    assert.ok(keys.length >= 3, `row ${row}`);
    assert.equal(new Set(keys).size, 1, `row ${row}: ${keys.join(' / ')}`);
  }
  for (let i = 0; i < keyed.length; i += 1) {
    for (let j = 0; j < keyed.length; j += 1) {
      if (i === j) continue;
      const diff = diffCatalogs(keyed[i]!.catalog, keyed[j]!.catalog);
      assert.deepEqual(
        diff.changes.map((c) => c.message),
        [],
        `${m365Files[i]} -> ${m365Files[j]}`,
      );
    }
  }
});
