/**
 * Edits applied in code to the two seed documents, parsed before and after with the markdown
 * parser, compared with buildCatalog + diffCatalogs: each edit must give exactly the expected
 * changes (type, endpoint, place, changed fields) and nothing else. Re-formatting, re-ordering,
 * re-numbering and prose edits must give no change at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCatalog } from '../catalog/canonical.js';
import { diffCatalogs } from '../catalog/diff.js';
import type { Change } from '../catalog/changes.js';
import { formatPorts } from '../catalog/ports.js';
import { markdownParser } from '../parsers/markdown/index.js';

const CAS_PATH = fileURLToPath(
  new URL('../../shared/seeds/cloud-app-security-network-requirements.md', import.meta.url),
);
const M365_PATH = fileURLToPath(new URL('../../shared/seeds/microsoft-365-endpoints-rows.md', import.meta.url));
const casSkip = !existsSync(CAS_PATH) && 'shared corpus absent';
const m365Skip = !existsSync(M365_PATH) && 'shared corpus absent';

/** Replaces `from` (which must occur exactly `times` times) by `to`. */
function edit(text: string, from: string | RegExp, to: string, times = 1): string {
  const count =
    typeof from === 'string'
      ? text.split(from).length - 1
      : (text.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) ?? []).length;
  assert.equal(count, times, `edit target ${String(from)} found ${count} times, expected ${times}`);
  return typeof from === 'string'
    ? text.split(from).join(to)
    : text.replace(new RegExp(from.source, `${from.flags.replace('g', '')}g`), to);
}

function catalogOf(text: string) {
  const result = markdownParser.parse({ location: 'seed', text, contentType: 'text/markdown' });
  assert.deepEqual(result.warnings, []);
  return buildCatalog('seed', result);
}

/** The parts of a change this test pins down, in one comparable line. */
function describe(change: Change): string {
  const parts = [
    change.type,
    change.kind,
    change.value,
    `section=${change.section}`,
    `region=${change.region ?? '-'}`,
    `group=${change.group ?? '-'}`,
  ];
  if (change.fields.length) parts.push(`fields=${change.fields.join(',')}`);
  if (change.type === 'moved')
    parts.push(`from=${change.from?.section}|${change.from?.region ?? '-'}|${change.from?.group ?? '-'}`);
  if (change.before?.ports && change.after?.ports)
    parts.push(`ports=${formatPorts(change.before.ports)} -> ${formatPorts(change.after.ports)}`);
  if (change.fields.includes('required'))
    parts.push(`required=${String(change.before?.required)} -> ${String(change.after?.required)}`);
  return parts.join(' ');
}

function changes(before: string, after: string): string[] {
  return diffCatalogs(catalogOf(before), catalogOf(after)).changes.map(describe).sort();
}

// ---------------------------------------------------------------- CAS (pipe tables) -----------

const PORTAL = 'Portal access, SIEM agent and log collector';
const CONNECTOR = 'App connector access and external DLP integration';
const GATEWAY = 'Authentication gateway';

test('CAS: an IP added to one data center', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  const after = edit(seed, '13.95.30.46|', '13.95.30.46<br></br>13.95.30.47|');
  assert.deepEqual(changes(seed, after), [`added ip 13.95.30.47 section=${CONNECTOR} region=EU1 group=-`]);
});

test('CAS: an IP replaced by another', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  const after = edit(seed, '|US1 data center|52.183.75.62|', '|US1 data center|52.183.75.63|');
  assert.deepEqual(changes(seed, after), [
    `added ip 52.183.75.63 section=${GATEWAY} region=US1 group=-`,
    `removed ip 52.183.75.62 section=${GATEWAY} region=US1 group=-`,
  ]);
});

test('CAS: a data-center row added to a table', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  const after = edit(
    seed,
    '|EU1 data center|52.174.56.180|',
    '|EU1 data center|52.174.56.180|\n|US2 data center|52.184.165.82|',
  );
  assert.deepEqual(changes(seed, after), [`added ip 52.184.165.82 section=${PORTAL} region=US2 group=-`]);
});

test('CAS: the port stated in the section prose changes', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  const after = edit(seed, '**outbound port 443**', '**outbound port 8443**');
  assert.deepEqual(changes(seed, after), [
    `modified ip 13.91.91.243 section=${PORTAL} region=US1 group=- fields=ports ports=port 443 -> port 8443`,
    `modified ip 52.174.56.180 section=${PORTAL} region=EU1 group=- fields=ports ports=port 443 -> port 8443`,
  ]);
});

test('CAS: an IP moved to another section of the same data center', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  let after = edit(seed, '|US1 data center|52.183.75.62|\n', '');
  after = edit(after, '|US1 data center|13.91.91.243|', '|US1 data center|13.91.91.243<br></br>52.183.75.62|');
  assert.deepEqual(changes(seed, after), [
    `moved ip 52.183.75.62 section=${PORTAL} region=US1 group=- fields=ports from=${GATEWAY}|US1|- ports=no ports stated -> port 443`,
  ]);
});

test('CAS: pure re-formatting gives no change', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  // <br></br> -> <br/>, header rows added, "US1 data center" -> "US1", tables indented and quoted, commas.
  let after = edit(seed, '<br></br>', '<br/>', 11);
  after = edit(after, '\n|----|----|\n', '\n|Data center|IP addresses|\n|----|----|\n', 3);
  after = edit(after, ' data center|', '|', 6);
  after = edit(
    after,
    '|EU1|13.80.22.71<br/>13.95.29.177<br/>13.95.30.46|',
    '|EU1|13.80.22.71, 13.95.29.177,13.95.30.46|',
  );
  // Tables above the gateway section indented and padded, the gateway table inside a blockquote.
  const at = after.indexOf('## Authentication gateway');
  after =
    after.slice(0, at).replace(/^\|(.*)\|$/gm, (_, inner: string) => `  | ${inner.split('|').join(' | ')} |`) +
    after.slice(at).replace(/^\|.*\|$/gm, (line) => `> ${line}`);
  after = edit(after, '> |US1|52.183.75.62|', '> |US1|52.183.75.62/32|');
  assert.deepEqual(changes(seed, after), []);
  // and the re-formatted text still holds all 17 addresses
  assert.equal(catalogOf(after).entries.length, 17);
});

test('CAS: re-ordered cell values give no change', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  const list =
    '104.209.35.177<br></br>13.91.98.185<br></br>40.118.211.172<br></br>13.93.216.68<br></br>13.91.61.249<br></br>13.93.233.42<br></br>13.64.196.27<br></br>13.64.198.97<br></br>13.64.199.41<br></br>13.64.198.19';
  const after = edit(seed, list, list.split('<br></br>').reverse().join('<br></br>'));
  assert.deepEqual(changes(seed, after), []);
});

test('CAS: introduction and notes edited, a heading re-worded: no change', { skip: casSkip }, () => {
  const seed = readFileSync(CAS_PATH, 'utf8');
  let after = edit(
    seed,
    /This topic provides a list of ports[^\n]*/,
    'Allow the addresses below; addresses such as 10.0.0.1 in this sentence are examples only.',
  );
  after = edit(after, '## Authentication gateway', '## Authentication gateway (legacy)');
  after = edit(
    after,
    'By default the stunnel port number is set to 11344.',
    'The stunnel listens where you configure it.',
  );
  assert.deepEqual(changes(seed, after), []);
});

// ---------------------------------------------------------- Microsoft 365 (DocFX rows) --------

const ROW2 = '2: Microsoft 365 portal';
const ROW8 = '8: Security and Compliance Center PST Import and eDiscovery Export';
const ROW10 = '10: some Microsoft 365 features require endpoints within these domains. (including CDNs)';
const ROW14 = '14: Remote Connectivity Analyzer - Initiate connectivity tests.';

test('M365: a host added to a row', { skip: m365Skip }, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  const after = edit(seed, '\nadmin.microsoft.com\n', '\nadmin.microsoft.com\n\n\nadmin.cloud.microsoft\n');
  assert.deepEqual(changes(seed, after), [`added fqdn admin.cloud.microsoft section= region=- group=${ROW2}`]);
  const entry = catalogOf(after).entries.find((e) => e.value === 'admin.cloud.microsoft')!;
  assert.equal(entry.required, true);
  assert.equal(entry.expressRoute, false);
  assert.equal(formatPorts(entry.ports), 'TCP 443');
});

test('M365: a CIDR removed and another replaced', { skip: m365Skip }, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  let after = edit(seed, '\n40.85.91.8/32\n\n\n', '\n');
  after = edit(after, '13.67.59.89/32', '13.67.59.0/24');
  assert.deepEqual(changes(seed, after), [
    `added ip 13.67.59.0/24 section= region=- group=${ROW14}`,
    `removed ip 13.67.59.89 section= region=- group=${ROW14}`,
    `removed ip 40.85.91.8 section= region=- group=${ROW14}`,
  ]);
});

test('M365: ports narrowed on a row', { skip: m365Skip }, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  // Row 10 is the second "TCP 80 and 443" after row 1 and before row 14.
  const at = seed.indexOf('TCP 80 and 443', seed.indexOf('\\*.onmicrosoft.com'));
  const after = `${seed.slice(0, at)}TCP 443${seed.slice(at + 'TCP 80 and 443'.length)}`;
  assert.deepEqual(
    changes(seed, after),
    ['*.microsoft.com', '*.msocdn.com', '*.office.com', '*.office.net', '*.onmicrosoft.com']
      .map((host) => `modified fqdn ${host} section= region=- group=${ROW10} fields=ports ports=TCP 80, 443 -> TCP 443`)
      .sort(),
  );
});

test('M365: Optional turned Required', { skip: m365Skip }, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  const after = edit(
    seed,
    '**Optional:** Security and Compliance Center PST Import',
    '**Required:** Security and Compliance Center PST Import',
  );
  assert.deepEqual(changes(seed, after), [
    `modified fqdn *.blob.core.windows.net section= region=- group=${ROW8} fields=required required=false -> true`,
  ]);
});

test('M365: a row added', { skip: m365Skip }, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  const row = [
    ':::row:::',
    '  :::column:::',
    '    17',
    '  :::column-end:::',
    '  :::column:::',
    '    **Optional:** Status dashboard',
    '',
    '    **Destination:**',
    '',
    '    status.office.com',
    '  :::column-end:::',
    '  :::column:::',
    '    No',
    '  :::column-end:::',
    '  :::column:::',
    '    52.108.0.0/14',
    '  :::column-end:::',
    '  :::column:::',
    '    TCP 443',
    '  :::column-end:::',
    ':::row-end:::',
  ].join('\n');
  const end = seed.lastIndexOf(':::row-end:::') + ':::row-end:::'.length;
  const after = `${seed.slice(0, end)}\n${row}${seed.slice(end)}`;
  assert.deepEqual(changes(seed, after), [
    'added fqdn status.office.com section= region=- group=17: Status dashboard',
    'added ip 52.108.0.0/14 section= region=- group=17: Status dashboard',
  ]);
});

test('M365: rows renumbered give no change', { skip: m365Skip }, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  // The row id is the first column of each row: ":::row:::\n  :::column:::\n    \n\n<id>\n".
  const after = seed.replace(
    /(:::row:::\n {2}:::column:::\n {4}\n\n)(\d+)\n/g,
    (_, head: string, id: string) => `${head}${Number(id) + 100}\n`,
  );
  assert.notEqual(after, seed);
  assert.deepEqual(changes(seed, after), []);
  assert.ok(catalogOf(after).entries.some((e) => e.group === '102: Microsoft 365 portal'));
});

test('M365: re-formatting to the compact layout, unescaped wildcards and <br> lists give no change', {
  skip: m365Skip,
}, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  // Compact layout: no blank lines inside row blocks.
  const compact = seed.replace(/:::row:::[\s\S]*?:::row-end:::/g, (block) =>
    block
      .split('\n')
      .filter((l) => l.trim() !== '')
      .join('\n'),
  );
  assert.deepEqual(changes(seed, compact), []);
  const unescaped = edit(seed, /^\\\*\./m, '*.', 23);
  assert.deepEqual(changes(seed, unescaped), []);
  const brList = edit(
    seed,
    '\n\n\nbrowser.pipe.aria.microsoft.com\n\n\nmobile.pipe.aria.microsoft.com',
    '<br>browser.pipe.aria.microsoft.com<br/>mobile.pipe.aria.microsoft.com',
  );
  assert.deepEqual(changes(seed, brList), []);
});

test('M365: re-ordered hosts, edited introduction and a re-worded purpose give no change', { skip: m365Skip }, () => {
  const seed = readFileSync(M365_PATH, 'utf8');
  let after = edit(seed, '\nc.microsoft.com\n\n\nc1.microsoft.com\n', '\nc1.microsoft.com\n\n\nc.microsoft.com\n');
  after = edit(
    after,
    /^Because Microsoft 365 is a Software as a Service[^\n]*/m,
    'An introduction rewritten for this test, naming contoso.example.com and 192.0.2.1 in passing.',
  );
  after = edit(after, '(including shared Telemetry)', '(including shared telemetry services)');
  assert.deepEqual(changes(seed, after), []);
});
