import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Catalog, ParseResult } from '../../catalog/model.js';
import { buildCatalog } from '../../catalog/canonical.js';
import { formatPorts } from '../../catalog/ports.js';
import { ParseError } from '../../errors/index.js';
import { parseDocument } from '../parse-document.js';
import { markdownParser } from '../markdown/index.js';
import { parsers, selectParser } from '../registry.js';
import type { TextDocument } from '../types.js';
import { htmlParser } from './index.js';
import { withoutProvenance } from '../../test/helpers/parse-result.js';

function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
}

function fixture(name: string, contentType: string | null): TextDocument {
  return { location: name, text: readFileSync(fixturePath(name), 'utf8'), contentType };
}

function parseHtmlText(text: string): ParseResult {
  return htmlParser.parse({ location: 'page.html', text, contentType: 'text/html' });
}

/** A page with `body` inside <main>, the way documentation sites wrap their content. */
function page(body: string, title = 'Test page'): string {
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<main>\n${body}\n</main>\n</body>\n</html>\n`;
}

/** Entries as the diff sees them: everything but where in the file they were found. */
/** Parses a markdown fixture and its HTML twin with their own parsers. */
function twins(name: string): { markdown: Catalog; html: Catalog; htmlText: string; htmlResult: ParseResult } {
  const md = fixture(`${name}.md`, 'text/markdown');
  const html = fixture(`${name}.html`, 'text/html');
  const htmlResult = htmlParser.parse(html);
  return {
    markdown: buildCatalog(name, markdownParser.parse(md)),
    html: buildCatalog(name, htmlResult),
    htmlText: html.text,
    htmlResult,
  };
}

/** Every entry's provenance line in the HTML source holds the value (wildcards written as &#42;. count). */
function assertLinesHoldValues(catalog: Catalog, htmlText: string): void {
  const lines = htmlText.split('\n');
  for (const entry of catalog.entries) {
    const line = lines[entry.provenance.line - 1] ?? '';
    assert.ok(
      line.includes(entry.value.replace(/^\*\./, '')),
      `${entry.value} is not on line ${entry.provenance.line}: ${line}`,
    );
  }
}

test('a CAS-style page and its markdown twin give the same catalog', () => {
  const { markdown, html, htmlText, htmlResult } = twins('data-centers');
  assert.equal(html.entries.length, 23);
  assert.deepEqual(withoutProvenance(html), withoutProvenance(markdown));
  assert.deepEqual({ ...html.shape, format: 'markdown' }, markdown.shape);
  assert.equal(html.format, 'html');
  assert.deepEqual(htmlResult.warnings, []);
  assertLinesHoldValues(html, htmlText);

  const byValue = new Map(html.entries.map((e) => [e.value, e]));
  // <br> lists, a DNS name column (with an entity-written wildcard in <code>), ports from the prose.
  assert.deepEqual(
    html.entries
      .filter((e) => e.section === 'Console access')
      .map((e) => [e.value, e.region, e.provenance.column, formatPorts(e.ports)]),
    [
      ['13.80.125.22', 'EU1', 'IP addresses', 'port 443'],
      ['52.174.56.180', 'EU1', 'IP addresses', 'port 443'],
      ['*.eu1.example-cloud.com', 'EU1', 'DNS name', 'port 443'],
      ['portal.eu1.example-cloud.com', 'EU1', 'DNS name', 'port 443'],
      ['13.91.91.243', 'US1', 'IP addresses', 'port 443'],
      ['52.183.75.62', 'US1', 'IP addresses', 'port 443'],
      ['portal.us1.example-cloud.com', 'US1', 'DNS name', 'port 443'],
    ],
  );
  // Header-less table: the label column still gives the region.
  assert.equal(byValue.get('40.118.211.172')?.region, 'US2');
  assert.equal(byValue.get('40.118.211.172')?.provenance.column, null);
  // Table in a blockquote, colspan continuation column, in-cell label.
  assert.equal(byValue.get('20.15.114.158')?.provenance.column, 'IP addresses');
  assert.equal(byValue.get('40.81.58.185')?.region, 'Asia / Australia Southeast');
  assert.equal(byValue.get('collect.asia.example-cloud.com')?.section, 'Connector traffic');
  // A Ports column wins over prose.
  assert.equal(formatPorts(byValue.get('52.227.143.223')!.ports), 'TCP 443; UDP 3478-3481');
  assert.equal(byValue.get('52.227.143.223')?.region, 'US Gov GCC High');
  // Nothing from <script>, <style>, <nav>, <footer>, comments, hidden elements or links.
  for (const value of [
    '198.51.100.7',
    '192.0.2.1',
    '10.9.9.9',
    '203.0.113.10',
    '203.0.113.20',
    '13.91.91.200',
    'learn.example.com',
    'feedback.example-cloud.com',
  ]) {
    assert.ok(!html.entries.some((e) => e.value.includes(value)), value);
  }
});

test('a rendered DocFX rows page and its markdown twin give the same catalog', () => {
  const { markdown, html, htmlText, htmlResult } = twins('rows');
  assert.equal(html.entries.length, 9);
  assert.deepEqual(withoutProvenance(html), withoutProvenance(markdown));
  assert.deepEqual({ ...html.shape, format: 'markdown' }, markdown.shape);
  assert.deepEqual(html.shape.columns, [
    ['Row', 'Purpose / Destination', 'ExpressRoute for BGP Communities', 'CIDR Address', 'Port'],
  ]);
  assert.deepEqual(htmlResult.warnings, []);
  assertLinesHoldValues(html, htmlText);

  const summary = html.entries.map((e) => [
    e.value,
    e.role,
    e.group,
    e.groupKey,
    e.required,
    e.expressRoute,
    formatPorts(e.ports),
    e.provenance.column,
  ]);
  const mail = [
    '2: Mail relay for the scanner',
    'mail relay for the scanner',
    false,
    false,
    'port 25, 80, 110, 443, 995; custom',
  ] as const;
  const signIn = [
    '1: Sign-in and directory lookups',
    'sign-in and directory lookups',
    true,
    true,
    'TCP 80, 443',
  ] as const;
  const reports = ['3: Reports', 'reports', true, false, 'TCP 443'] as const;
  assert.deepEqual(summary, [
    ['52.100.0.0/14', 'destination', ...mail, 'CIDR Address'],
    ['*.mail.protection.outlook.com', 'destination', ...mail, 'Purpose / Destination'],
    ['relay.example-mail.com', 'source', ...mail, 'Purpose / Destination'],
    ['graph.microsoft.com', 'destination', ...reports, 'Purpose / Destination'],
    ['reports.example-suite.com', 'destination', ...reports, 'Purpose / Destination'],
    ['20.190.128.0/18', 'destination', ...signIn, 'CIDR Address'],
    ['40.126.0.0/18', 'destination', ...signIn, 'CIDR Address'],
    ['*.login.microsoft.com', 'destination', ...signIn, 'Purpose / Destination'],
    ['login.microsoftonline.com', 'destination', ...signIn, 'Purpose / Destination'],
  ]);
  assert.ok(html.entries.every((e) => e.section === 'Required and optional sets'));
  assert.equal(
    html.entries.find((e) => e.value === 'relay.example-mail.com')?.notes,
    'only when the scanner is turned on.',
  );
  // The footer's "Contact: 203.0.113.99" is page chrome.
  assert.ok(!html.entries.some((e) => e.value === '203.0.113.99'));
});

test('links in cells and in prose are references, not endpoints; a URL written out is kept', () => {
  const result = parseHtmlText(
    page(`<h2>Hosts</h2>
<p>See <a href="https://docs.example.com/ranges">ranges.example.com</a> and the list on 13.64.196.27 that we retired.</p>
<p><a href="https://status.example.com/">status.example.com</a></p>
<table>
<tr><th>Service</th><th>Hosts</th></tr>
<tr><td>Portal</td><td><a href="https://portal.example-docs.com/help">portal.example-docs.com</a><br>api.contoso-cloud.com<br><a href="https://www.example.com/">13.80.22.99</a></td></tr>
<tr><td>Feeds</td><td><a href="https://feed.contoso-cloud.com/v1">https://feed.contoso-cloud.com/v1</a><br><a href="http://www.contoso-cloud.com">www.contoso-cloud.com</a></td></tr>
<tr><td>Anchors</td><td><a id="anchor"></a><a name="old">edge.contoso-cloud.com</a></td></tr>
</table>`),
  );
  // Service names label their rows: they are the rows' groups, not regions.
  assert.deepEqual(
    result.entries.map((e) => [e.kind, e.value, e.region, e.group]),
    [
      ['fqdn', 'api.contoso-cloud.com', null, 'Portal'],
      ['url', 'https://feed.contoso-cloud.com/v1', null, 'Feeds'],
      ['fqdn', 'www.contoso-cloud.com', null, 'Feeds'],
      ['fqdn', 'edge.contoso-cloud.com', null, 'Anchors'],
    ],
  );
});

test('an error page gives no entry, a warning naming the page, and a "no endpoint found" error in the pipeline', () => {
  const html = page(
    '<h1>Page not found</h1>\n<p>We could not find 13.91.91.243 or anything else. Try <a href="/search">search</a>.</p>',
    '404 - Page not found',
  );
  const result = parseHtmlText(html);
  assert.equal(result.entries.length, 0);
  assert.deepEqual(result.shape, { format: 'html', tables: 0, rows: 0, columns: [], entriesPerSection: {} });
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0]!, /no endpoint found.*"404 - Page not found"/);
  assert.throws(
    () =>
      parseDocument('docs', {
        location: 'https://docs.example.com/missing',
        body: Buffer.from(html),
        contentType: 'text/html',
        etag: null,
        lastModified: null,
      }),
    (err: unknown) =>
      err instanceof ParseError && /no endpoint found/.test(err.message) && /format html/.test(err.message),
  );
});

test('entities, <code>, <strong>, nested <p> and whitespace in cells are just text', () => {
  const html = page(`<h2>Tenant hosts</h2>
<table>
<thead><tr><th>Data&nbsp;center</th><th>DNS name</th><th>IP addresses</th></tr></thead>
<tbody>
<tr>
  <td><strong>EU&#49;</strong> data&nbsp;center</td>
  <td><code>&lt;tenant&gt;.sharepoint.com</code><br><code>&#x2A;.blob.core.windows.net</code></td>
  <td><p><strong>52.174.56.180</strong></p><p>13.80.125.22&nbsp;&amp;&nbsp;13.95.29.177</p></td>
</tr>
<tr>
  <td>US1</td>
  <td><span>&lt;tenant&gt;-my.sharepoint.com</span></td>
  <td>
    13.91.91.243,
    13.91.98.185;
    40.118.211.172
  </td>
</tr>
</tbody>
</table>`);
  const result = parseHtmlText(html);
  assert.deepEqual(
    result.entries.map((e) => [e.value, e.region, e.provenance.column]),
    [
      ['<tenant>.sharepoint.com', 'EU1', 'DNS name'],
      ['*.blob.core.windows.net', 'EU1', 'DNS name'],
      ['52.174.56.180', 'EU1', 'IP addresses'],
      ['13.80.125.22', 'EU1', 'IP addresses'],
      ['13.95.29.177', 'EU1', 'IP addresses'],
      ['<tenant>-my.sharepoint.com', 'US1', 'DNS name'],
      ['13.91.91.243', 'US1', 'IP addresses'],
      ['13.91.98.185', 'US1', 'IP addresses'],
      ['40.118.211.172', 'US1', 'IP addresses'],
    ],
  );
  // The "&" between two addresses is a word, not something that looks like an endpoint.
  assert.deepEqual(result.warnings, []);
  assert.deepEqual(result.shape.columns, [['Data center', 'DNS name', 'IP addresses']]);
  // Provenance is the line of the text in the HTML source, also inside a multi-line cell.
  const lines = html.split('\n');
  for (const entry of result.entries.filter((e) => e.kind === 'ip')) {
    assert.equal(entry.provenance.line, lines.findIndex((l) => l.includes(entry.value)) + 1, entry.value);
  }
});

test('HTML is picked by content type and by content; markdown with inline HTML stays markdown', () => {
  assert.equal(parsers.get('html'), htmlParser);
  const doc = (text: string, contentType: string | null, location = 'doc'): TextDocument => ({
    text,
    contentType,
    location,
  });
  // By content type, whatever the text looks like.
  assert.equal(selectParser(doc('<p>no doctype</p><table><tr><td>1.2.3.4</td></tr></table>', 'text/html')).id, 'html');
  assert.equal(selectParser(doc('# a heading\n\n|a|b|\n|--|--|\n', 'text/html')).id, 'html');
  assert.equal(selectParser(doc('<html><body></body></html>', 'application/xhtml+xml')).id, 'html');
  // By content: doctype or <html> first (after a BOM, whitespace or a comment), any case.
  for (const text of [
    '<!DOCTYPE html><html></html>',
    '\uFEFF  \n<!doctype HTML>\n<p>x</p>',
    '<HTML lang="en"><body></body></HTML>',
    '<!-- saved page -->\n<html>',
  ]) {
    for (const contentType of [null, 'text/plain', 'application/octet-stream']) {
      assert.equal(selectParser(doc(text, contentType)).id, 'html', `${JSON.stringify(text)} as ${contentType}`);
    }
  }
  // A fragment with a table, served without a type.
  assert.equal(selectParser(doc('<div>\n<table><tr><td>1.2.3.4</td></tr></table>\n</div>', null)).id, 'html');
  // Markdown with inline HTML is still markdown.
  const inline =
    '# Network\n\n|Data center|IP addresses|\n|----|----|\n|US1|13.91.91.243<br></br>13.91.98.185|\n\n<b>Note:</b> allow <br> port 443\n';
  for (const contentType of ['text/markdown', 'text/plain', null])
    assert.equal(selectParser(doc(inline, contentType)).id, 'markdown', `${contentType}`);
  assert.equal(selectParser(doc('Some words<br>and <b>bold</b> text', null)).id, 'markdown');
  assert.equal(
    selectParser(doc('<table><tr><td>1.2.3.4</td></tr></table>\n\n## Heading\n', 'text/markdown')).id,
    'markdown',
  );
  // The fixtures: each twin goes to its own parser, with and without a content type.
  for (const name of ['data-centers', 'rows']) {
    for (const contentType of ['text/html', 'text/plain', null])
      assert.equal(selectParser(fixture(`${name}.html`, contentType)).id, 'html', `${name}.html as ${contentType}`);
    for (const contentType of ['text/markdown', 'text/plain', null])
      assert.equal(selectParser(fixture(`${name}.md`, contentType)).id, 'markdown', `${name}.md as ${contentType}`);
  }
});

const SEEDS = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

test('the markdown seeds still go to the markdown parser', {
  skip: !existsSync(SEEDS) && 'shared corpus absent',
}, () => {
  for (const name of ['cloud-app-security-network-requirements.md', 'microsoft-365-endpoints-rows.md']) {
    const text = readFileSync(`${SEEDS}${name}`, 'utf8');
    for (const contentType of ['text/markdown', 'text/plain', null]) {
      assert.equal(selectParser({ location: name, text, contentType }).id, 'markdown', `${name} as ${contentType}`);
    }
    assert.equal(htmlParser.detect({ location: name, text, contentType: null }), 0, name);
  }
});

test('detect: certain for HTML pages, middling for fragments, nothing for markdown, JSON and plain text', () => {
  const detect = (text: string, contentType: string | null) =>
    htmlParser.detect({ location: 'doc', text, contentType });
  assert.ok(detect('<!DOCTYPE html><html></html>', null) >= 0.9);
  assert.ok(detect('anything', 'text/html') >= 0.9);
  const fragment = detect('<table><tr><td>1.2.3.4</td></tr></table>', null);
  assert.ok(fragment > 0 && fragment < 0.7, `fragment ${fragment}`);
  const rows = detect('<section class="row">\n<div class="column">x</div>\n</section>', null);
  assert.ok(rows > 0 && rows < 0.7, `rows ${rows}`);
  assert.equal(detect('<table><tr><td>1.2.3.4</td></tr></table>', 'text/markdown'), 0);
  assert.equal(detect('[{"urls": ["<html>"]}]', 'application/json'), 0);
  assert.equal(detect('13.91.91.243<br>13.91.98.185', null), 0);
  assert.equal(detect('|a|b|\n|--|--|\n|<b>x</b>|1.2.3.4|', 'text/plain'), 0);
});

test('colspan, rowspan, a header row of <th> cells without <thead>, and header-less tables', () => {
  const result = parseHtmlText(
    page(`<h2>Spans</h2>
<table>
<tr><th>Region</th><th colspan="2">IP addresses</th><th>Port</th></tr>
<tr><td rowspan="2">Europe data center</td><td>51.105.4.145</td><td>51.105.4.146</td><td rowspan="2">TCP 443</td></tr>
<tr><td>13.80.22.71</td><td></td></tr>
<tr><td colspan="3">Americas</td><td>TCP 80</td></tr>
</table>
<h2>Bare</h2>
<p>Open port 8443 for these.</p>
<table>
<tr><td>US1</td><td>13.91.91.243</td></tr>
<tr><td>EU1</td><td>52.174.56.180</td></tr>
</table>`),
  );
  assert.deepEqual(
    result.entries.map((e) => [e.section, e.value, e.region, e.provenance.column, formatPorts(e.ports)]),
    [
      ['Spans', '51.105.4.145', 'Europe', 'IP addresses', 'TCP 443'],
      ['Spans', '51.105.4.146', 'Europe', 'IP addresses', 'TCP 443'],
      ['Spans', '13.80.22.71', 'Europe', 'IP addresses', 'TCP 443'],
      ['Bare', '13.91.91.243', 'US1', null, 'port 8443'],
      ['Bare', '52.174.56.180', 'EU1', null, 'port 8443'],
    ],
  );
  assert.deepEqual(result.shape.columns, [
    ['Region', 'IP addresses', '', 'Port'],
    ['', ''],
  ]);
  assert.equal(result.shape.rows, 5);
});

test('sections: the nearest heading of any level before the table, its text only', () => {
  const result = parseHtmlText(
    page(`<h1 id="top"><a class="anchor" href="#top"></a>Network <em>requirements</em></h1>
<table><tr><td>Portal</td><td>13.91.91.243</td></tr></table>
<h5>Small print</h5>
<div><div><table><tr><td>Gateway</td><td>52.183.75.62</td></tr></table></div></div>`),
  );
  assert.deepEqual(
    result.entries.map((e) => [e.value, e.section]),
    [
      ['13.91.91.243', 'Network requirements'],
      ['52.183.75.62', 'Small print'],
    ],
  );
});

test('endpoint lists outside tables: list items, paragraphs of addresses, <pre> blocks and a closing colon', () => {
  const body = `<h2>Mail server</h2>
<p>Allow outbound port 25 to these:</p>
<ul>
<li>65.55.234.192/26</li>
<li>207.46.200.0/27</li>
</ul>
<p>13.91.91.243<br>
52.174.56.180</p>
<pre>

relay.contoso-mail.com
smtp.contoso-mail.com
</pre>
<p>Notifications are sent from this address: 198.2.134.139 (mail1.contoso-mail.com)</p>
<p>We moved off 10.1.2.3 last year, see <a href="https://docs.example.com">10.9.8.7</a>.</p>`;
  const result = parseHtmlText(page(body));
  assert.deepEqual(
    result.entries.map((e) => [e.value, e.section, formatPorts(e.ports), e.provenance.column]),
    [
      ['65.55.234.192/26', 'Mail server', 'port 25', null],
      ['207.46.200.0/27', 'Mail server', 'port 25', null],
      ['13.91.91.243', 'Mail server', 'port 25', null],
      ['52.174.56.180', 'Mail server', 'port 25', null],
      ['relay.contoso-mail.com', 'Mail server', 'port 25', null],
      ['smtp.contoso-mail.com', 'Mail server', 'port 25', null],
      ['198.2.134.139', 'Mail server', 'port 25', null],
      ['mail1.contoso-mail.com', 'Mail server', 'port 25', null],
    ],
  );
  assert.equal(result.shape.tables, 0);
  // Lines in a <pre> are counted from the source, blank lines after the tag included.
  const html = page(body);
  const lines = html.split('\n');
  for (const entry of result.entries) {
    assert.equal(entry.provenance.line, lines.findIndex((l) => l.includes(entry.value)) + 1, entry.value);
  }
});

test('CRLF line ends change nothing, provenance lines included', () => {
  for (const name of ['data-centers.html', 'rows.html']) {
    const doc = fixture(name, 'text/html');
    const lf = htmlParser.parse(doc);
    const crlf = htmlParser.parse({ ...doc, text: doc.text.replace(/\n/g, '\r\n') });
    assert.ok(lf.entries.length > 0);
    assert.deepEqual(crlf, lf, name);
  }
});

test('DocFX rows written as <div class="row"> (preview markup) are read too; unrelated "row" layouts are not rows', () => {
  const result = parseHtmlText(
    page(`<h2>Sets</h2>
<div class='row'><div class='column'><p>1</p></div><div class='column'><p><b>Required:</b> Portal</p><p><b>Destination:</b></p><p>portal.contoso-cloud.com</p></div><div class='column'><p>No</p></div><div class='column'><p>13.107.6.152/31</p></div><div class='column'><p>TCP 443</p></div></div>
<div class="row"><div class="col-md-6"><p>13.107.18.10/31</p></div></div>`),
  );
  assert.deepEqual(
    result.entries.map((e) => [e.value, e.group, e.required, e.expressRoute, formatPorts(e.ports)]),
    [
      ['portal.contoso-cloud.com', '1: Portal', true, false, 'TCP 443'],
      ['13.107.6.152/31', '1: Portal', true, false, 'TCP 443'],
      // Not a DocFX row, so a paragraph of addresses like any other.
      ['13.107.18.10/31', null, null, null, 'no ports stated'],
    ],
  );
  assert.deepEqual(result.shape.columns, [['Row', 'Purpose / Destination', 'ExpressRoute', 'CIDR Address', 'Port']]);
});

test('input that is not HTML at all gives no entry rather than a crash', () => {
  for (const text of ['', '   ', '{"not": "html"}', '\u0000\u0001binary', '<table><tr><td', '<<<>>>&&&;;']) {
    const result = parseHtmlText(text);
    assert.equal(result.entries.length, 0, JSON.stringify(text));
    assert.equal(result.shape.format, 'html');
    assert.equal(result.warnings.length, 1);
  }
});
