import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listedUntil, lookupValue, parseLookupQuery, type LookupCatalog } from './match.js';
import { hostMatches, isHostPattern, listableHost } from './hosts.js';
import { catalog, entry } from '../catalog/__fixtures__/entries.js';
import { UsageError } from '../errors/index.js';

const cas: LookupCatalog = {
  source: 'cloud-app-security',
  catalog: catalog([
    entry('13.64.0.0/16', { region: 'US1', group: '1: Portal' }),
    entry('13.64.4.0/24', { region: 'EU1', section: 'Log collector', group: '2: Logs' }),
    entry('2603:1006::/40', { region: 'EU1' }),
    entry('portal.cloudappsecurity.com', { region: null }),
  ]),
  since: (e) => (e.value === '13.64.0.0/16' ? '2024-01-15' : null),
};
const m365: LookupCatalog = {
  source: 'microsoft-365',
  catalog: catalog(
    [
      entry('*.office.com', { region: null, section: 'Exchange Online', group: null }),
      entry('outlook.office.com', { region: null, section: 'Exchange Online', group: null }),
      entry('<tenant>.sharepoint.com', { region: null, section: 'SharePoint', group: null }),
      entry('https://login.microsoftonline.com/common', { region: null, section: 'Identity', group: null }),
    ],
    'microsoft-365',
  ),
};

const values = (value: string) => lookupValue(value, [cas, m365]).map((m) => `${m.source}:${m.value}`);

test('an IPv4 address matches every listed range that contains it, with source, place and since', () => {
  const matches = lookupValue('13.64.4.7', [cas, m365]);
  assert.deepEqual(matches, [
    {
      source: 'cloud-app-security',
      kind: 'ip',
      value: '13.64.4.0/24',
      section: 'Log collector',
      region: 'EU1',
      group: '2: Logs',
      ports: { tcp: ['443'], udp: [], any: [], custom: false },
      required: null,
      since: null,
    },
    {
      source: 'cloud-app-security',
      kind: 'ip',
      value: '13.64.0.0/16',
      section: 'Portal access',
      region: 'US1',
      group: '1: Portal',
      ports: { tcp: ['443'], udp: [], any: [], custom: false },
      required: null,
      since: '2024-01-15',
    },
  ]);
  assert.deepEqual(values('13.65.0.1'), []);
});

test('IPv6 addresses, IPv4-mapped addresses and addresses with a port', () => {
  assert.deepEqual(values('2603:1006:0012::1'), ['cloud-app-security:2603:1006::/40']);
  assert.deepEqual(values('2603:1007::1'), []);
  assert.deepEqual(values('::ffff:13.64.200.1'), ['cloud-app-security:13.64.0.0/16']);
  assert.deepEqual(values('13.64.200.1:443'), ['cloud-app-security:13.64.0.0/16']);
  assert.deepEqual(values('[2603:1006::5]:443'), ['cloud-app-security:2603:1006::/40']);
});

test('a CIDR matches only entries that contain all of it', () => {
  assert.deepEqual(values('13.64.4.128/25'), ['cloud-app-security:13.64.4.0/24', 'cloud-app-security:13.64.0.0/16']);
  assert.deepEqual(values('13.64.0.0/15'), []);
  assert.deepEqual(values('2603:1006::/48'), ['cloud-app-security:2603:1006::/40']);
  // Host bits are ignored.
  assert.deepEqual(values('13.64.4.9/24'), ['cloud-app-security:13.64.4.0/24', 'cloud-app-security:13.64.0.0/16']);
});

test('a host matches exactly, through *. wildcards at any depth, and through placeholder labels; case-insensitive', () => {
  assert.deepEqual(values('Outlook.Office.com'), ['microsoft-365:*.office.com', 'microsoft-365:outlook.office.com']);
  assert.deepEqual(values('a.b.office.com'), ['microsoft-365:*.office.com']);
  assert.deepEqual(values('office.com'), []);
  assert.deepEqual(values('notoffice.com'), []);
  assert.deepEqual(values('contoso.sharepoint.com'), ['microsoft-365:<tenant>.sharepoint.com']);
  assert.deepEqual(values('a.contoso.sharepoint.com'), []);
  assert.deepEqual(values('portal.cloudappsecurity.com.'), ['cloud-app-security:portal.cloudappsecurity.com']);
  assert.deepEqual(values('outlook.office.com:443'), [
    'microsoft-365:*.office.com',
    'microsoft-365:outlook.office.com',
  ]);
});

test('a URL is looked up by its host; URL entries match by their host', () => {
  assert.deepEqual(values('https://outlook.office.com/owa/?x=1'), [
    'microsoft-365:*.office.com',
    'microsoft-365:outlook.office.com',
  ]);
  assert.deepEqual(values('login.microsoftonline.com'), ['microsoft-365:https://login.microsoftonline.com/common']);
  assert.deepEqual(values('https://13.64.4.1/path'), [
    'cloud-app-security:13.64.4.0/24',
    'cloud-app-security:13.64.0.0/16',
  ]);
  assert.deepEqual(values('https://[2603:1006::1]/'), ['cloud-app-security:2603:1006::/40']);
});

test('a wildcard query matches the same wildcard and broader ones only', () => {
  assert.deepEqual(values('*.office.com'), ['microsoft-365:*.office.com']);
  assert.deepEqual(values('*.mail.office.com'), ['microsoft-365:*.office.com']);
});

test('invalid input is a usage error', () => {
  for (const bad of ['', '   ', 'not a host', '13.64.0.256', '13.64.0.0/33', 'localhost', 'https://', 'ftp//x']) {
    assert.throws(() => lookupValue(bad, [cas]), UsageError, bad);
  }
  assert.equal(parseLookupQuery(' 13.64.0.1 ').type, 'ip');
  assert.equal(parseLookupQuery('Outlook.office.com').type, 'host');
});

test('host matching rules on their own', () => {
  assert.ok(hostMatches('*.office.com', 'a.office.com'));
  assert.ok(hostMatches('*.office.com', 'a.b.office.com'));
  assert.equal(hostMatches('*.office.com', 'office.com'), false);
  assert.equal(hostMatches('*.office.com', 'xoffice.com'), false);
  assert.ok(hostMatches('{tenant}.sharepoint.com', 'contoso.sharepoint.com'));
  assert.equal(hostMatches('<tenant>.sharepoint.com', '*.sharepoint.com'), false);
  assert.ok(isHostPattern('*.office.com'));
  assert.ok(isHostPattern('autodiscover.<tenant>.onmicrosoft.com'));
  assert.equal(isHostPattern('outlook.office.com'), false);
  assert.equal(listableHost('autodiscover.<tenant>.onmicrosoft.com'), '*.onmicrosoft.com');
  assert.equal(listableHost('<tenant>.com'), null);
  assert.ok(hostMatches('<tenant>-my.sharepoint.com', 'contoso-my.sharepoint.com'));
  assert.equal(hostMatches('<tenant>-my.sharepoint.com', 'contoso.sharepoint.com'), false);
  assert.equal(hostMatches('<tenant>-my.sharepoint.com', '-my.sharepoint.com'), false);
  assert.equal(hostMatches('<tenant>-my.sharepoint.com', 'a.b-my.sharepoint.com'), false);
  assert.ok(isHostPattern('<tenant>-files.sharepoint.com'));
  assert.equal(listableHost('<tenant>-my.sharepoint.com'), '*.sharepoint.com');
  assert.equal(listableHost('Outlook.office.com.'), 'outlook.office.com');
});

test('star patterns are globs, # is a number: lookup matches them as such', () => {
  const apps: LookupCatalog = {
    source: 'apps',
    catalog: catalog(
      [
        entry('*excel.officeapps.live.com', { region: null }),
        entry('name*.media.example.com', { region: null }),
        entry('#-courier.push.apple.com', { region: null }),
      ],
      'apps',
    ),
  };
  const found = (value: string) => lookupValue(value, [apps]).map((m) => m.value);
  assert.deepEqual(found('xyzexcel.officeapps.live.com'), ['*excel.officeapps.live.com']);
  assert.deepEqual(found('excel.officeapps.live.com'), ['*excel.officeapps.live.com']);
  assert.deepEqual(found('a.b-excel.officeapps.live.com'), ['*excel.officeapps.live.com']);
  assert.deepEqual(found('word.officeapps.live.com'), []);
  assert.deepEqual(found('excel.officeapps.live.com.evil.example'), []);
  assert.deepEqual(found('name07.media.example.com'), ['name*.media.example.com']);
  assert.deepEqual(found('other.media.example.com'), []);
  assert.deepEqual(found('12-courier.push.apple.com'), ['#-courier.push.apple.com']);
  assert.deepEqual(found('x-courier.push.apple.com'), []);
  // A pattern looked up: covered by itself, and by a broader glob only.
  assert.deepEqual(found('*excel.officeapps.live.com'), ['*excel.officeapps.live.com']);
  assert.deepEqual(found('*.officeapps.live.com'), []);
  assert.ok(hostMatches('*.live.com', '*excel.officeapps.live.com'));
  assert.equal(hostMatches('*excel.officeapps.live.com', '*.officeapps.live.com'), false);
  assert.ok(isHostPattern('name*.media.example.com'));
  assert.ok(isHostPattern('#-courier.push.apple.com'));
  assert.equal(listableHost('*excel.officeapps.live.com'), '*.officeapps.live.com');
  assert.equal(listableHost('*excel.officeapps.live.com', true), '*excel.officeapps.live.com');
  assert.equal(listableHost('#-courier.push.apple.com', true), '*.push.apple.com');
  assert.equal(listableHost('*.com', true), null);
});

test('listedUntil: the last listed stretch of entries no longer listed; one listed again today is not there', () => {
  const at = (...entries: ReturnType<typeof entry>[]) => catalog(entries);
  const host = entry('mcasproxy.azureedge.net', { region: null, section: 'Proxy' });
  const moved = entry('mcasproxy.azureedge.net', { region: null, section: 'Session controls' });
  const history = [
    { date: '2023-10-01', catalog: at(host) },
    { date: '2023-11-01', catalog: at(host, moved) },
    { date: '2023-11-26', catalog: at(moved) },
    { date: '2024-02-01', catalog: at() },
  ];
  assert.deepEqual(
    listedUntil('mcasproxy.azureedge.net', 'cas', history).map((m) => [m.section, m.from, m.until]),
    [
      ['Proxy', '2023-10-01', '2023-11-26'],
      ['Session controls', '2023-11-01', '2024-02-01'],
    ],
  );
  const relisted = [...history, { date: '2024-03-01', catalog: at(host) }];
  assert.deepEqual(
    listedUntil('mcasproxy.azureedge.net', 'cas', relisted).map((m) => m.section),
    ['Session controls'],
  );
  assert.deepEqual(listedUntil('other.example.com', 'cas', history), []);
});
