import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { EmptyDocumentError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import { detectPlainList, parsePlainList, plainListParser } from './index.js';
import { assertParseError } from '../../test/helpers/parse-result.js';
import { fixtureDoc, textDoc } from '../../test/helpers/feed-fixtures.js';

const v4 = fixtureDoc(import.meta.url, 'ips-v4', 'text/plain; charset=utf-8');
const v6 = fixtureDoc(import.meta.url, 'ips-v6', 'text/plain');
const vendor = fixtureDoc(import.meta.url, 'vendor-list.txt', 'text/plain');

const rows = (text: string, contentType: string | null = 'text/plain') =>
  parsePlainList(textDoc(text, contentType)).entries.map((e) => [e.provenance.line, e.kind, e.value]);

test("Cloudflare's lists: one entry per line, no section or region, the last line without a newline too", () => {
  assert.deepEqual(rows(v4.text), [
    [1, 'ip', '173.245.48.0/20'],
    [2, 'ip', '103.21.244.0/22'],
    [3, 'ip', '141.101.64.0/18'],
    [4, 'ip', '108.162.192.0/18'],
    [5, 'ip', '162.158.0.0/15'],
    [6, 'ip', '104.16.0.0/13'],
  ]);
  assert.deepEqual(rows(v6.text), [
    [1, 'ip', '2400:cb00::/32'],
    [2, 'ip', '2606:4700::/32'],
    [3, 'ip', '2803:f800::/32'],
    [4, 'ip', '2405:b500::/32'],
  ]);
  const result = parsePlainList(v4);
  assert.deepEqual(result.warnings, []);
  for (const entry of result.entries) {
    assert.equal(entry.section, '');
    assert.equal(entry.region, null);
    assert.equal(entry.role, 'destination');
  }
  assert.deepEqual(result.shape, {
    format: 'plain-list',
    tables: 1,
    rows: 6,
    columns: [],
    entriesPerSection: { '': 6 },
  });
});

test('a vendor list: comments (whole line or after a value), blank lines, hosts, wildcards, URLs', () => {
  assert.deepEqual(rows(vendor.text), [
    [5, 'fqdn', '*.eu.example-vendor.com'],
    [6, 'ip', '198.51.100.0/24'],
    [7, 'ip', '203.0.113.17'],
    [10, 'fqdn', 'api.us.example-vendor.com'],
    [11, 'url', 'https://status.example-vendor.com/feed'],
    [12, 'ip', '2001:db8:100::/48'],
  ]);
  assert.deepEqual(parsePlainList(vendor).warnings, []);
  // CRLF line ends, a '#' inside a URL, values written non-canonically.
  assert.deepEqual(rows('# head\r\nHOST.Example.COM.\r\nhttps://a.example.com/x#frag\r\n10.1.2.3/32\r\n'), [
    [2, 'fqdn', 'host.example.com'],
    [3, 'url', 'https://a.example.com/x#frag'],
    [4, 'ip', '10.1.2.3'],
  ]);
});

test('a line that is not one endpoint is a warning naming its line; the rest is read', () => {
  const result = parsePlainList(
    textDoc('1.2.3.0/24\na.example.com 443\n5.6.7.8\nsee https://example.com\n', 'text/plain'),
  );
  assert.deepEqual(
    result.entries.map((e) => e.value),
    ['1.2.3.0/24', '5.6.7.8'],
  );
  assert.deepEqual(result.warnings, [
    'line 2: "a.example.com 443" is not one IP address, CIDR, host name or URL',
    'line 4: "see https://example.com" is not one IP address, CIDR, host name or URL',
  ]);
  // Many bad lines: the first ones are listed, the rest counted.
  const many = parsePlainList(textDoc(['9.9.9.9', ...Array.from({ length: 30 }, (_, i) => `bad ${i}`)].join('\n')));
  assert.equal(many.warnings.length, 21);
  assert.equal(many.warnings.at(-1), 'and 10 more lines that are not endpoints');
});

test('comments only is an empty list of this format; a page of prose is no list at all', () => {
  assert.throws(() => parsePlainList(textDoc('# nothing today\n\n# see you\n', 'text/plain')), EmptyDocumentError);
  assertParseError(
    () => parsePlainList(textDoc('<html>\n<body>Service unavailable</body>\n</html>\n', 'text/html')),
    /not a list of endpoints: none of its 3 line\(s\) is an IP address, CIDR or host \(line 1: "<html>"/,
  );
});

test('detected for the lists, by `format: plain-list`, and never for markdown, HTML, JSON or prose', () => {
  assert.equal(parsers.get('plain-list'), plainListParser);
  for (const doc of [v4, v6, vendor])
    for (const contentType of ['text/plain; charset=utf-8', 'application/octet-stream', null])
      assert.equal(selectParser({ ...doc, contentType }).id, 'plain-list', `${doc.location} as ${contentType}`);
  const not = (text: string, contentType: string | null = 'text/plain', location = 'doc') =>
    assert.equal(detectPlainList({ text, contentType, location }), 0, JSON.stringify(text));
  not('# Endpoints\n\n- 13.80.22.71\n- 13.80.22.72\n');
  not('# Endpoints\n\n| Region | IP |\n|---|---|\n| EU1 | 13.80.22.71 |\n');
  not('Allow these addresses:\n13.80.22.71\n');
  not('<p>13.80.22.71</p>\n');
  not('13.80.22.71\n', 'text/html');
  not('["13.80.22.71"]', null);
  not('{"ips": ["13.80.22.71"]}', null);
  not('just some words\n', null);
  not('# comments only\n', null);
  // One line in ten that is not an endpoint is too many to call it a list; configured, it is read with a warning.
  const mixed = `${Array.from({ length: 9 }, (_, i) => `10.0.0.${i}`).join('\n')}\nNote: also allow port 443\n`;
  not(mixed);
  assert.equal(selectParser(textDoc(mixed, 'text/plain')).id, 'markdown');
  const configured = selectParser(textDoc(mixed, 'text/plain'), 'plain-list').parse(textDoc(mixed, 'text/plain'));
  assert.equal(configured.entries.length, 9);
  assert.equal(configured.warnings.length, 1);
  // A markdown file that happens to be a bare list stays markdown.
  assert.equal(selectParser({ ...v4, location: 'ips.md' }).id, 'markdown');
  assert.equal(selectParser({ ...v4, contentType: 'text/markdown' }).id, 'markdown');
});

test('a range added to the list is one change', () => {
  const before = buildCatalog('cf', parsePlainList(v4));
  const after = buildCatalog('cf', parsePlainList(textDoc(`${v4.text}\n131.0.72.0/22`, 'text/plain')));
  assert.deepEqual(
    diffCatalogs(before, after).changes.map((c) => [c.type, c.value]),
    [['added', '131.0.72.0/22']],
  );
});
