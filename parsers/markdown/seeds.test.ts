/**
 * The two seed documents parse completely and correctly. The expected lists below were written
 * by reading the documents, not by running the parser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatPorts } from '../../catalog/ports.js';
import { groupKeyOf } from '../../catalog/canonical.js';
import { markdownParser } from './index.js';

const CAS = fileURLToPath(new URL('../../../shared/seeds/cloud-app-security-network-requirements.md', import.meta.url));
const M365 = fileURLToPath(new URL('../../../shared/seeds/microsoft-365-endpoints-rows.md', import.meta.url));

function parse(path: string) {
  const text = readFileSync(path, 'utf8');
  return { text, result: markdownParser.parse({ location: path, text, contentType: 'text/markdown' }) };
}

test('CAS seed: all 17 IPs with section, data center, ports and line', {
  skip: !existsSync(CAS) && 'shared corpus absent',
}, () => {
  const { result } = parse(CAS);
  const PORTAL = 'Portal access, SIEM agent and log collector';
  const CONNECTOR = 'App connector access and external DLP integration';
  const GATEWAY = 'Authentication gateway';
  // [value, section, region, ports, line]
  const expected: [string, string, string, string, number][] = [
    ['13.91.91.243', PORTAL, 'US1', 'port 443', 39],
    ['52.174.56.180', PORTAL, 'EU1', 'port 443', 40],
    ...[
      '104.209.35.177',
      '13.91.98.185',
      '40.118.211.172',
      '13.93.216.68',
      '13.91.61.249',
      '13.93.233.42',
      '13.64.196.27',
      '13.64.198.97',
      '13.64.199.41',
      '13.64.198.19',
    ].map((ip): [string, string, string, string, number] => [ip, CONNECTOR, 'US1', 'no ports stated', 62]),
    ...['13.80.22.71', '13.95.29.177', '13.95.30.46'].map((ip): [string, string, string, string, number] => [
      ip,
      CONNECTOR,
      'EU1',
      'no ports stated',
      63,
    ]),
    ['52.183.75.62', GATEWAY, 'US1', 'no ports stated', 71],
    ['13.80.125.22', GATEWAY, 'EU1', 'no ports stated', 72],
  ];
  const actual = result.entries.map((e) => [e.value, e.section, e.region, formatPorts(e.ports), e.provenance.line]);
  assert.deepEqual(actual.sort(), expected.sort());
  for (const e of result.entries) {
    assert.equal(e.kind, 'ip');
    assert.equal(e.role, 'destination');
    assert.equal(e.group, null);
    assert.equal(e.groupKey, null);
    assert.equal(e.required, null);
    assert.equal(e.expressRoute, null);
  }
  assert.deepEqual(result.warnings, []);
  assert.deepEqual(
    { tables: result.shape.tables, rows: result.shape.rows, columns: result.shape.columns },
    {
      tables: 3,
      rows: 6,
      columns: [
        ['', ''],
        ['', ''],
        ['', ''],
      ],
    },
  );
});

interface RowExpectation {
  row: number;
  purpose: string;
  required: boolean;
  expressRoute: boolean;
  ports: string;
  /** Destinations in the Purpose / Destination column. */
  hosts?: string[];
  /** Addresses in the CIDR Address column, canonical. */
  cidrs?: string[];
  /** Values after a "Source..." label. */
  sources?: string[];
  notes?: string;
}

const M365_ROWS: RowExpectation[] = [
  {
    row: 2,
    purpose: 'Microsoft 365 portal',
    required: true,
    expressRoute: false,
    ports: 'TCP 443',
    hosts: ['*.office365.com', 'admin.microsoft.com'],
  },
  {
    row: 3,
    purpose: 'Microsoft 365 portal and shared infrastructure (including Defender for Cloud Apps and Delve)',
    required: true,
    expressRoute: true,
    ports: 'TCP 443',
    hosts: [
      '*.portal.cloudappsecurity.com',
      '*.us.portal.cloudappsecurity.com',
      '*.eu.portal.cloudappsecurity.com',
      '*.eu2.portal.cloudappsecurity.com',
      '*.us2.portal.cloudappsecurity.com',
      '*.us3.portal.cloudappsecurity.com',
      '<tenant>.onmicrosoft.com',
      'account.office.net',
      'agent.office.net',
      'apc.delve.office.com',
      'aus.delve.office.com',
      'can.delve.office.com',
      'delve.office.com',
      'eur.delve.office.com',
      'gbr.delve.office.com',
      'home.office.com',
      'ind.delve.office.com',
      'jpn.delve.office.com',
      'kor.delve.office.com',
      'lam.delve.office.com',
      'nam.delve.office.com',
      'portal.office.com',
      'outlook.office365.com',
      'suite.office.net',
      'webshell.suite.office.com',
      'office.com',
    ],
  },
  {
    row: 4,
    purpose:
      'Microsoft 365 Aria service (used with Skype for Business Online, Microsoft Teams, StaffHub, Outlook App, and other services).',
    required: true,
    expressRoute: true,
    ports: 'TCP 443',
    hosts: ['*.aria.microsoft.com', 'browser.pipe.aria.microsoft.com', 'mobile.pipe.aria.microsoft.com'],
  },
  {
    row: 5,
    purpose: 'Microsoft 365 portal (including shared Telemetry)',
    required: true,
    expressRoute: false,
    ports: 'TCP 443',
    hosts: [
      'portal.microsoftonline.com',
      'clientlog.portal.office.com',
      'nexus.officeapps.live.com',
      'nexusrules.officeapps.live.com',
    ],
  },
  {
    row: 6,
    purpose: 'shared infrastructure, help, and CDNs',
    required: true,
    expressRoute: false,
    ports: 'TCP 443',
    hosts: [
      'amp.azure.net',
      '*.o365weve.com',
      'auth.gfx.ms',
      'appsforoffice.microsoft.com',
      'assets.onestore.ms',
      'az826701.vo.msecnd.net',
      'c.microsoft.com',
      'c1.microsoft.com',
      'client.hip.live.com',
      'contentstorage.osi.office.net',
      'dgps.support.microsoft.com',
      'docs.microsoft.com',
      'groupsapi-prod.outlookgroups.ms',
      'groupsapi2-prod.outlookgroups.ms',
      'groupsapi3-prod.outlookgroups.ms',
      'groupsapi4-prod.outlookgroups.ms',
      'msdn.microsoft.com',
      'platform.linkedin.com',
      'products.office.com',
      'prod.msocdn.com',
      'r1.res.office365.com',
      'r4.res.office365.com',
      'res.delve.office.com',
      'shellprod.msocdn.com',
      'support.content.office.net',
      'support.microsoft.com',
      'support.office.com',
      'technet.microsoft.com',
      'templates.office.com',
      'video.osi.office.net',
      'videocontent.osi.office.net',
      'videoplayercdn.osi.office.net',
    ],
  },
  {
    row: 7,
    purpose: 'Security and Compliance Center, including audit APIs, and Advanced eDiscovery',
    required: true,
    expressRoute: true,
    ports: 'TCP 443',
    hosts: ['*.manage.office.com', '*.protection.office.com', 'manage.office.com', 'protection.office.com'],
  },
  {
    row: 8,
    purpose: 'Security and Compliance Center PST Import and eDiscovery Export',
    required: false,
    expressRoute: false,
    ports: 'TCP 443',
    hosts: ['*.blob.core.windows.net'],
  },
  {
    row: 9,
    purpose: 'third-party Office integration (including CDNs)',
    required: false,
    expressRoute: false,
    ports: 'TCP 443',
    hosts: [
      '*.helpshift.com',
      '*.localytics.com',
      'analytics.localytics.com',
      'api.localytics.com',
      'connect.facebook.net',
      'firstpartyapps.oaspapps.com',
      'outlook.uservoice.com',
      'prod.firstpartyapps.oaspapps.com.akadns.net',
      'rink.hockeyapp.net',
      'sdk.hockeyapp.net',
      'telemetryservice.firstpartyapps.oaspapps.com',
      'web.localytics.com',
      'webanalytics.localytics.com',
      'wus-firstpartyapps.oaspapps.com',
    ],
  },
  {
    row: 10,
    purpose: 'some Microsoft 365 features require endpoints within these domains. (including CDNs)',
    required: false,
    expressRoute: false,
    ports: 'TCP 80, 443',
    hosts: ['*.microsoft.com', '*.msocdn.com', '*.office.com', '*.office.net', '*.onmicrosoft.com'],
    notes:
      'Many specific FQDNs within these wildcards have been published recently as Microsoft works to either remove or better explain its guidance relating to these wildcards.',
  },
  {
    row: 11,
    purpose: 'Microsoft Azure RemoteApp',
    required: false,
    expressRoute: false,
    ports: 'TCP 443',
    hosts: [
      'liverdcxstorage.blob.core.windowsazure.com',
      'telemetry.remoteapp.windowsazure.com',
      'vortex.data.microsoft.com',
    ],
  },
  {
    row: 12,
    purpose:
      'Graph.windows.net, SecureScore, Azure AD Device Registration, Forms, StaffHub, Application Insights, captcha services',
    required: false,
    expressRoute: false,
    ports: 'TCP 443',
    hosts: [
      '*.blob.core.windows.net',
      '*.hockeyapp.net',
      '*.sharepointonline.com',
      '*.staffhub.office.com',
      'api.office.com',
      'enterpriseregistration.windows.net',
      'dc.applicationinsights.microsoft.com',
      'dc.services.visualstudio.com',
      'forms.microsoft.com',
      'forms.office.com',
      'graph.windows.net',
      'manage.office.com',
      'mem.gfx.ms',
      'office365servicehealthcommunications.cloudapp.net',
      'securescore.office.com',
      'signup.microsoft.com',
      'staffhub.ms',
      'staffhubweb.azureedge.net',
      'staffhub.office.com',
      'staffhub.uservoice.com',
      'weu-000.forms.osi.office.net',
      'wus-000.forms.osi.office.net',
      'neu-000.forms.osi.office.net',
      'eus2-000.forms.osi.office.net',
      'ea-000.forms.osi.office.net',
      'watson.telemetry.microsoft.com',
      'wu.client.hip.live.com',
    ],
  },
  {
    row: 14,
    purpose: 'Remote Connectivity Analyzer - Initiate connectivity tests.',
    required: false,
    expressRoute: false,
    ports: 'TCP 80, 443',
    hosts: ['testconnectivity.microsoft.com'],
    cidrs: ['13.67.59.89', '40.69.150.142', '40.85.91.8', '104.211.54.99', '104.211.54.134'],
  },
  {
    row: 15,
    purpose: 'Remote Connectivity Analyzer - Execution of the tests selected by the customer.',
    required: false,
    expressRoute: false,
    ports: 'port 25, 80, 110, 143, 443, 993, 995; custom',
    sources: ['testconnectivity.microsoft.com'],
  },
  {
    row: 16,
    purpose: 'Microsoft Support and Recover Assistant for Office 365 - validate single sign-on user credentials.',
    required: false,
    expressRoute: false,
    ports: 'TCP 443; custom',
    sources: [
      'o365diagnosticsbasic-eus.cloudapp.net',
      '104.211.54.99',
      'o365diagnosticworker-eus.cloudapp.net',
      '104.211.54.134',
    ],
  },
];

/** How a canonical value is written in the seed (escaped wildcard, encoded placeholder, /32). */
function writtenForms(value: string): string[] {
  return [value.replace(/^\*\./, '\\*.').replace('<tenant>', '&lt;tenant&gt;'), `${value}/32`, value];
}

test('Microsoft 365 seed: every destination, CIDR and source with its row, Required flag, ExpressRoute and ports', {
  skip: !existsSync(M365) && 'shared corpus absent',
}, () => {
  const { text, result } = parse(M365);
  const lines = text.split(/\r?\n/);
  type Row = [string, string, string, string | null, boolean | null, boolean | null, string, string, string | null];
  const expected: Row[] = [];
  for (const r of M365_ROWS) {
    const group = `${r.row}: ${r.purpose}`;
    const base = (kind: string, value: string, role: string, column: string): Row => [
      kind,
      value,
      role,
      group,
      r.required,
      r.expressRoute,
      r.ports,
      column,
      r.notes ?? null,
    ];
    for (const h of r.hosts ?? []) expected.push(base('fqdn', h, 'destination', 'Purpose / Destination'));
    for (const c of r.cidrs ?? []) expected.push(base('ip', c, 'destination', 'CIDR Address'));
    for (const s of r.sources ?? [])
      expected.push(base(/^\d/.test(s) ? 'ip' : 'fqdn', s, 'source', 'Purpose / Destination'));
  }
  assert.equal(expected.length, 132);
  const actual = result.entries.map(
    (e): Row => [
      e.kind,
      e.value,
      e.role,
      e.group,
      e.required,
      e.expressRoute,
      formatPorts(e.ports),
      e.provenance.column ?? '',
      e.notes ?? null,
    ],
  );
  assert.deepEqual(actual.sort(), expected.sort());

  for (const e of result.entries) {
    assert.equal(e.section, '', 'the document has no heading');
    assert.equal(e.region, null);
    assert.equal(e.groupKey, groupKeyOf(e.group!.replace(/^\d+: /, '')));
    // Provenance: the line holds the value as the document writes it.
    const line = lines[e.provenance.line - 1] ?? '';
    assert.ok(
      writtenForms(e.value).some((form) => line.includes(form)),
      `line ${e.provenance.line} holds ${e.value}: ${line}`,
    );
  }
  const byValue = (value: string, role = 'destination') =>
    result.entries.filter((e) => e.value === value && e.role === role).map((e) => e.provenance.line);
  assert.deepEqual(byValue('*.office365.com'), [102]);
  assert.deepEqual(byValue('13.67.59.89'), [959]);
  assert.deepEqual(byValue('testconnectivity.microsoft.com', 'source'), [997]);
  assert.deepEqual(byValue('104.211.54.134', 'source'), [1040]);
  // Link texts and targets are references, not endpoints.
  // Rows 1 and 13 name their destinations only in prose and links.
  assert.deepEqual(
    result.entries.filter((e) => /^(?:1|13): /.test(e.group ?? '')),
    [],
  );
  assert.ok(!result.entries.some((e) => e.value === 'diagnostics.office.com' || e.value.includes('azure-portal')));
  assert.deepEqual(result.warnings, []);
  assert.deepEqual(result.shape.columns, [
    ['Row', 'Purpose / Destination', 'ExpressRoute for Microsoft 365 BGP Communities', 'CIDR Address', 'Port'],
  ]);
  assert.equal(result.shape.tables, 1);
  assert.equal(result.shape.rows, 16);
});
