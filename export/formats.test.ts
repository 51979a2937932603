import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { exportFormats, getExportFormat, renderExport, csvField } from './formats.js';

const FALLBACK = 'PROXY proxy.corp.example:3128';
import { selectEntries, type ExportEntry } from './select.js';
import { catalog, entry } from '../catalog/__fixtures__/entries.js';
import { UsageError } from '../errors/index.js';

const cas = catalog(
  [
    entry('13.64.0.0/25', { region: 'EU1' }),
    entry('13.64.0.128/25', { region: 'EU1' }),
    entry('104.209.35.177', { region: 'EU1', section: 'Log collector' }),
    entry('10.1.2.3/24', { region: 'US1' }),
    entry('13.64.0.0/25', { region: 'US1' }),
    entry('2603:1006::/41', { region: 'US1' }),
    entry('2603:1006:80::/41', { region: 'US1' }),
    entry('2603:1006::1', { region: 'US1' }),
    entry('portal.cloudappsecurity.com', { region: null }),
    entry('*.portal.cloudappsecurity.com', { region: null }),
  ],
  'cloud-app-security',
);
const m365 = catalog(
  [
    entry('outlook.office.com', { region: null, section: 'Exchange Online', required: true }),
    entry('*.office.com', { region: null, section: 'Exchange Online', required: true }),
    entry('<tenant>.sharepoint.com', { region: null, section: 'SharePoint', required: true }),
    entry('https://Login.Microsoftonline.com/common/oauth2', { region: null, section: 'Identity', required: true }),
    entry('telemetry.office.com', { region: null, section: 'Exchange Online', required: false }),
    entry('52.96.0.0/14', { region: null, section: 'Exchange Online', required: true }),
  ],
  'microsoft-365',
);
const all = selectEntries([cas, m365]);

test('every registered format renders deterministically and ends each line with a newline', () => {
  assert.deepEqual(
    [...exportFormats.keys()],
    ['cidr', 'ipv4', 'ipv6', 'fqdn', 'fqdn-exact', 'csv', 'json', 'edl', 'edl-url', 'pac'],
  );
  for (const format of exportFormats.values()) {
    const options = { pacFallback: FALLBACK };
    const out = format.render(all, options);
    assert.ok(out.length > 0, format.id);
    assert.ok(out.endsWith('\n'), format.id);
    // Same entries in another order, or duplicated: same bytes.
    assert.equal(format.render([...all].reverse(), options), out, format.id);
    assert.equal(format.render([...all, ...all], options), out, format.id);
    assert.ok(format.description.length > 0);
  }
});

test('an empty selection gives empty lists, a header-only csv and an empty json array', () => {
  for (const id of ['cidr', 'ipv4', 'ipv6', 'fqdn', 'fqdn-exact', 'edl', 'edl-url'])
    assert.equal(renderExport(id, []), '', id);
  assert.equal(renderExport('csv', []), 'source,kind,value,section,region,group,ports,required,expressRoute,role\r\n');
  assert.equal(renderExport('json', []), '[]\n');
});

test('cidr: every IP as a CIDR with explicit prefix, network form, sorted numerically, IPv4 first, no duplicates', () => {
  assert.equal(
    renderExport('cidr', all),
    [
      '10.1.2.0/24',
      '13.64.0.0/25',
      '13.64.0.128/25',
      '52.96.0.0/14',
      '104.209.35.177/32',
      '2603:1006::/41',
      '2603:1006::1/128',
      '2603:1006:80::/41',
      '',
    ].join('\n'),
  );
});

test('cidr --aggregate merges adjacent and contained ranges without changing the covered space', () => {
  assert.equal(
    renderExport('cidr', all, { aggregate: true }),
    ['10.1.2.0/24', '13.64.0.0/24', '52.96.0.0/14', '104.209.35.177/32', '2603:1006::/40', ''].join('\n'),
  );
});

test('ipv4 and ipv6 hold one family each', () => {
  assert.equal(
    renderExport('ipv4', all),
    '10.1.2.0/24\n13.64.0.0/25\n13.64.0.128/25\n52.96.0.0/14\n104.209.35.177/32\n',
  );
  assert.equal(renderExport('ipv6', all, { aggregate: true }), '2603:1006::/40\n');
  assert.equal(renderExport('ipv6', selectEntries([m365])), '');
});

test('fqdn lists hosts incl. wildcards and URL hosts; placeholders become the wildcard that covers them', () => {
  assert.equal(
    renderExport('fqdn', all),
    [
      '*.office.com',
      '*.portal.cloudappsecurity.com',
      '*.sharepoint.com',
      'login.microsoftonline.com',
      'outlook.office.com',
      'portal.cloudappsecurity.com',
      'telemetry.office.com',
      '',
    ].join('\n'),
  );
});

test('fqdn-exact leaves wildcards and placeholder hosts out', () => {
  assert.equal(
    renderExport('fqdn-exact', all),
    ['login.microsoftonline.com', 'outlook.office.com', 'portal.cloudappsecurity.com', 'telemetry.office.com', ''].join(
      '\n',
    ),
  );
});

test('csv: header, one row per entry, RFC 4180 quoting, CRLF', () => {
  const out = renderExport('csv', selectEntries([m365]));
  const rows = out.split('\r\n');
  assert.equal(rows[0], 'source,kind,value,section,region,group,ports,required,expressRoute,role');
  assert.equal(rows.at(-1), '');
  assert.equal(rows.length, 1 + 6 + 1);
  assert.ok(rows.includes('microsoft-365,ip,52.96.0.0/14,Exchange Online,,1: Portal access,TCP 443,true,,destination'));
  const withComma = selectEntries([
    catalog([
      entry('a.example.com', {
        group: '2: Portal, "admin" pages',
        ports: { tcp: ['80', '443'], udp: [], any: [], custom: false },
      }),
    ]),
  ]);
  assert.equal(
    renderExport('csv', withComma).split('\r\n')[1],
    'cloud-app-security,fqdn,a.example.com,Portal access,EU1,"2: Portal, ""admin"" pages","TCP 80, 443",,,destination',
  );
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('line\nbreak'), '"line\nbreak"');
});

test('json: an array of entries with source, without provenance', () => {
  const parsed = JSON.parse(renderExport('json', selectEntries([m365]))) as Array<Record<string, unknown>>;
  assert.equal(parsed.length, 6);
  assert.deepEqual(Object.keys(parsed[0]!), [
    'source',
    'kind',
    'value',
    'section',
    'region',
    'group',
    'ports',
    'required',
    'expressRoute',
    'role',
  ]);
  assert.ok(parsed.some((e) => e.value === '52.96.0.0/14' && e.source === 'microsoft-365' && e.required === true));
});

test('edl is an IP-type list (CIDRs only), edl-url a URL-type list of hosts with *. wildcards', () => {
  const edl = renderExport('edl', all);
  assert.equal(edl, renderExport('cidr', all));
  assert.ok(edl.split('\n').every((line) => line === '' || /^[0-9a-f.:]+\/\d+$/.test(line)));
  const url = renderExport('edl-url', all).trimEnd().split('\n');
  assert.ok(url.includes('*.office.com'));
  assert.ok(url.includes('outlook.office.com'));
  assert.ok(url.every((line) => !line.includes('/') && !line.includes('<')));
});

test('aggregate on a format that cannot aggregate, and unknown formats, are usage errors', () => {
  for (const id of ['fqdn', 'fqdn-exact', 'csv', 'json', 'edl-url']) {
    assert.throws(() => renderExport(id, all, { aggregate: true }), UsageError, id);
  }
  assert.throws(
    () => getExportFormat('xlsx'),
    (err: unknown) => err instanceof UsageError && /known: cidr, ipv4/.test(err.message),
  );
});

/** Evaluates a PAC file with the usual helper functions (as browsers define them). */
function loadPac(source: string): (url: string, host: string) => string {
  const toInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const sandbox: Record<string, unknown> = {
    dnsDomainIs: (host: string, domain: string) =>
      host.length >= domain.length && host.slice(host.length - domain.length) === domain,
    shExpMatch: (text: string, pattern: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ).test(text),
    isInNet: (host: string, pattern: string, mask: string) => {
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(host))
        throw new Error(`isInNet called with a host name (${host}): would resolve DNS`);
      // Unsigned 32-bit AND.
      return (toInt(host) & toInt(mask)) >>> 0 === (toInt(pattern) & toInt(mask)) >>> 0;
    },
  };
  vm.createContext(sandbox);
  vm.runInContext(source, sandbox);
  const find = sandbox.FindProxyForURL as (url: string, host: string) => string;
  assert.equal(typeof find, 'function');
  return find;
}

test('pac routes catalogued hosts and IPv4 ranges DIRECT and everything else to the fallback', () => {
  const pac = renderExport('pac', all, { pacFallback: FALLBACK });
  const find = loadPac(pac);
  const direct = (host: string) => find(`https://${host}/`, host);
  assert.equal(direct('outlook.office.com'), 'DIRECT');
  assert.equal(direct('OUTLOOK.office.com.'), 'DIRECT');
  assert.equal(direct('a.office.com'), 'DIRECT');
  assert.equal(direct('a.b.office.com'), 'DIRECT');
  assert.equal(direct('contoso.sharepoint.com'), 'DIRECT');
  assert.equal(direct('login.microsoftonline.com'), 'DIRECT');
  assert.equal(direct('portal.cloudappsecurity.com'), 'DIRECT');
  assert.equal(direct('13.64.0.200'), 'DIRECT');
  assert.equal(direct('52.99.255.255'), 'DIRECT');
  assert.equal(direct('104.209.35.177'), 'DIRECT');
  assert.equal(direct('10.1.2.250'), 'DIRECT');
  // Not catalogued.
  assert.equal(direct('office.com'), FALLBACK);
  assert.equal(direct('evil-office.com'), FALLBACK);
  assert.equal(direct('microsoftonline.com'), FALLBACK);
  assert.equal(direct('13.64.1.0'), FALLBACK);
  assert.equal(direct('104.209.35.178'), FALLBACK);
  assert.equal(direct('example.org'), FALLBACK);
  // IPv6 ranges are not in the PAC (isInNet is IPv4 only).
  assert.ok(!pac.includes('2603'));
});

test('pac fallback option is used, and one that would break the script is refused', () => {
  const find = loadPac(renderExport('pac', all, { pacFallback: 'PROXY proxy.corp.example:3128; DIRECT' }));
  assert.equal(find('https://example.org/', 'example.org'), 'PROXY proxy.corp.example:3128; DIRECT');
  assert.throws(() => renderExport('pac', all, { pacFallback: 'PROXY x"; alert(1); "' }), UsageError);
  assert.throws(() => renderExport('pac', all, { pacFallback: 'proxy please' }), UsageError);
  // No fallback given: refused, never a made-up proxy for everything else.
  assert.throws(() => renderExport('pac', all), /pac needs a fallback/);
  assert.throws(() => renderExport('pac', all, { pacFallback: ' ' }), /pac needs a fallback/);
});

test('pac with --aggregate and with nothing catalogued is still a valid script', () => {
  const aggregated = renderExport('pac', all, { aggregate: true, pacFallback: FALLBACK });
  assert.ok(aggregated.includes('"13.64.0.0", "255.255.255.0"'));
  assert.equal(loadPac(aggregated)('https://13.64.0.5/', '13.64.0.5'), 'DIRECT');
  const empty: ExportEntry[] = [];
  assert.equal(
    loadPac(renderExport('pac', empty, { pacFallback: FALLBACK }))('https://a.example/', 'a.example'),
    FALLBACK,
  );
});

test('star patterns and # numbers: fqdn keeps globs as written, fqdn-exact leaves them out, edl-url and pac cover them', () => {
  const apps = selectEntries([
    catalog(
      [
        entry('*excel.officeapps.live.com', { region: null }),
        entry('name*.media.example.com', { region: null }),
        entry('#-courier.push.apple.com', { region: null }),
        entry('feedback.push.apple.com', { region: null }),
      ],
      'apps',
    ),
  ]);
  assert.equal(
    renderExport('fqdn', apps),
    '*.push.apple.com\n*excel.officeapps.live.com\nfeedback.push.apple.com\nname*.media.example.com\n',
  );
  assert.equal(renderExport('fqdn-exact', apps), 'feedback.push.apple.com\n');
  // PAN-OS reads `*` as whole labels only: the wildcard that covers each pattern.
  assert.equal(
    renderExport('edl-url', apps),
    '*.media.example.com\n*.officeapps.live.com\n*.push.apple.com\nfeedback.push.apple.com\n',
  );
  const find = loadPac(renderExport('pac', apps, { pacFallback: FALLBACK }));
  const direct = (host: string) => find(`https://${host}/`, host);
  assert.equal(direct('xyzexcel.officeapps.live.com'), 'DIRECT');
  assert.equal(direct('name3.media.example.com'), 'DIRECT');
  assert.equal(direct('7-courier.push.apple.com'), 'DIRECT');
  assert.equal(direct('word.officeapps.live.com'), FALLBACK);
  assert.equal(direct('other.media.example.com'), FALLBACK);
  // Without globs the script is the one it always was: no shExpMatch loop.
  assert.ok(!renderExport('pac', all, { pacFallback: FALLBACK }).includes('shExpMatch'));
});
