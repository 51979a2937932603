/**
 * Pass 2 of the diff: re-labelled places. The shapes are those of real versions of the Defender
 * for Cloud Apps page (../shared/corpus/cas-network-requirements), written here with our own
 * fixtures: US/EU relabelled US1/EU1 in every section (v055 -> v056), a row label column added
 * (v120 -> v121, as a region prefix or as rows), region labels added to a list that had none
 * (v109 -> v110), the one region of a section losing its label (v096 -> v097), blocks of IPs
 * swapped between existing regions (v128 -> v129), one IP moved between rows (v146 -> v147).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogEntry } from './model.js';
import { diffCatalogs } from './diff.js';
import { describeRelabels } from './messages.js';
import { catalog, entry } from './__fixtures__/entries.js';

/** Entries of one table: `region -> values`, in one section, no rows. */
function table(section: string, regions: Record<string, string[]>, extra: Partial<CatalogEntry> = {}): CatalogEntry[] {
  return Object.entries(regions).flatMap(([region, values]) =>
    values.map((v) => entry(v, { section, region: region || null, group: null, ...extra })),
  );
}

const APP_US = ['13.64.196.27', '13.64.198.19', '13.64.198.97', '104.209.35.177', '104.42.231.28'];
const APP_EU = ['13.80.22.71', '13.95.29.177', '13.95.30.46'];

function casPage(us: string, eu: string, options: { siem?: string[] } = {}): CatalogEntry[] {
  return [
    ...table('App connector', { [us]: APP_US, [eu]: APP_EU }),
    ...table('Portal access', {
      [us]: ['13.80.125.22', '52.183.75.62', '13.91.91.243', '*.us.portal.cloudappsecurity.com'],
      [eu]: ['13.80.125.22', '52.183.75.62', '52.174.56.180', '*.eu.portal.cloudappsecurity.com'],
    }),
    ...table('SIEM agent connection', { [us]: options.siem ?? ['13.91.91.243'], [eu]: ['52.174.56.180'] }),
  ];
}

const summaryOf = (set: ReturnType<typeof diffCatalogs>) => set.changes.map((c) => [c.type, c.region, c.value]);

test('US and EU relabelled US1 and EU1 in every section: no change, one relabel line per label', () => {
  const set = diffCatalogs(catalog(casPage('US', 'EU')), catalog(casPage('US1', 'EU1')));
  assert.deepEqual(set.changes, []);
  assert.deepEqual(describeRelabels(set.relabels ?? []), [
    'region EU is now EU1 in App connector, Portal access and SIEM agent connection (8 endpoints)',
    'region US is now US1 in App connector, Portal access and SIEM agent connection (10 endpoints)',
  ]);
  // Each relabel is kept per section, with its own message.
  assert.deepEqual(
    (set.relabels ?? []).map((r) => r.message),
    [
      'App connector: region EU is now EU1 (3 endpoints)',
      'App connector: region US is now US1 (5 endpoints)',
      'Portal access: region EU is now EU1 (4 endpoints)',
      'Portal access: region US is now US1 (4 endpoints)',
      'SIEM agent connection: region EU is now EU1 (1 endpoint)',
      'SIEM agent connection: region US is now US1 (1 endpoint)',
    ],
  );
});

test('a relabel in the same version as real changes: what appears or vanishes is still added or removed', () => {
  const before = catalog(casPage('US', 'EU'));
  const after = catalog([
    ...casPage('US1', 'EU1', { siem: ['13.91.91.243', '20.15.114.156'] }).filter((e) => e.value !== '104.42.231.28'),
    // An IP that moved from the US row to the EU row while the labels changed: not a relabel.
    ...table('App connector', { EU1: ['104.209.35.178'] }),
  ]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(summaryOf(set), [
    ['added', 'EU1', '104.209.35.178'],
    ['added', 'US1', '20.15.114.156'],
    ['removed', 'US', '104.42.231.28'],
  ]);
  // The removal is measured against the region as it is now called (nothing else covers it there).
  assert.equal(set.changes[2]?.message, 'US App connector: IP removed: 104.42.231.28');
  assert.deepEqual(set.changes[2]?.netAddresses, { added: '0', removed: '1' });
});

test('an IP that leaves a relabelled region for an existing one is a removal there and an addition here', () => {
  const before = catalog(table('App connector', { US: APP_US, EU1: APP_EU }));
  const after = catalog(
    table('App connector', { US1: APP_US.filter((v) => v !== '13.64.196.27'), EU1: [...APP_EU, '13.64.196.27'] }),
  );
  const set = diffCatalogs(before, after);
  assert.deepEqual(summaryOf(set), [
    ['added', 'EU1', '13.64.196.27'],
    ['removed', 'US', '13.64.196.27'],
  ]);
  assert.deepEqual(
    (set.relabels ?? []).map((r) => r.message),
    ['App connector: region US is now US1 (4 endpoints)'],
  );
});

test('blocks of IPs swapped between regions that both stay are removals and additions, never a relabel', () => {
  const us2 = ['20.101.177.16', '20.101.177.17'];
  const eu1 = ['20.108.77.49', '20.108.77.50'];
  const before = catalog(table('App connector', { US2: [...APP_US, ...us2], EU1: [...APP_EU, ...eu1] }));
  const after = catalog(table('App connector', { US2: [...APP_US, ...eu1], EU1: [...APP_EU, ...us2] }));
  const set = diffCatalogs(before, after);
  assert.deepEqual(set.summary.added, 4);
  assert.deepEqual(set.summary.removed, 4);
  assert.deepEqual(set.relabels, []);
});

test('a new region label that holds mostly new endpoints is not a relabel of a region that went away', () => {
  const fresh = ['20.3.226.231', '4.255.218.227', '20.0.210.84', '20.90.9.64'];
  const before = catalog(table('App connector', { US3: ['40.90.218.196', '40.90.218.198'], EU1: APP_EU }));
  const after = catalog(table('App connector', { US4: ['40.90.218.196', ...fresh], EU1: APP_EU }));
  const set = diffCatalogs(before, after);
  assert.deepEqual(set.relabels, []);
  assert.equal(set.summary.added, 5);
  assert.equal(set.summary.removed, 2);
});

test('a lone IP under a new label is as likely to have moved: it is not taken for a relabel', () => {
  // v146 -> v147: "West US 3: 20.150.143.88" left the SAML proxy row for the Access controls row,
  // read with the row label in the region.
  const before = catalog([
    ...table('Commercial customers', { 'SAML proxy / West US 3': ['20.150.143.88'] }),
    ...table('Commercial customers', { 'Access controls / East US': ['40.71.11.134', '13.69.228.51'] }),
  ]);
  const after = catalog(
    table('Commercial customers', {
      'Access controls / West US 3': ['20.150.143.88'],
      'Access controls / East US': ['40.71.11.134', '13.69.228.51'],
    }),
  );
  const set = diffCatalogs(before, after);
  assert.deepEqual(summaryOf(set), [
    ['added', 'Access controls / West US 3', '20.150.143.88'],
    ['removed', 'SAML proxy / West US 3', '20.150.143.88'],
  ]);
});

const SESSION_EAST = ['40.71.11.134', '20.49.104.26', '40.90.218.203'];
const ACCESS_EAST = ['40.71.11.135', '40.71.11.136'];
const SESSION_NORTH = ['13.69.228.51', '20.50.64.15', '40.67.251.0'];
const ACCESS_NORTH = ['13.69.228.52', '13.69.228.53'];
const HOSTS = ['*.access.mcas.ms', '*.admin-mcas.ms', '*.mcas.ms', 'mcasproxy.azureedge.net'];

test('a row label column added in front of the regions (written into the region): no change', () => {
  const before = catalog([
    ...table('Commercial customers', { 'East US': [...SESSION_EAST, ...ACCESS_EAST] }),
    ...table('Commercial customers', { 'North Europe': [...SESSION_NORTH, ...ACCESS_NORTH] }),
    ...table('Commercial customers', { '': HOSTS }, { ports: { tcp: [], udp: [], any: ['443'], custom: false } }),
  ]);
  const after = catalog([
    ...table('Commercial customers', {
      'Session controls / East US': SESSION_EAST,
      'Access controls / East US': ACCESS_EAST,
      // The same IP in two rows now: a copy, not a new endpoint.
      'Session controls / North Europe': [...SESSION_NORTH, '13.69.228.52'],
      'Access controls / North Europe': ACCESS_NORTH,
    }),
    // Hosts now under row labels, and one of them still listed for every row as well.
    ...table(
      'Commercial customers',
      {
        'Access controls': ['*.access.mcas.ms', 'mcasproxy.azureedge.net'],
        'Session controls': ['*.mcas.ms', '*.admin-mcas.ms'],
        '': ['*.mcas.ms'],
      },
      { ports: { tcp: [], udp: [], any: ['443'], custom: false } },
    ),
  ]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(set.changes, []);
  assert.deepEqual(describeRelabels(set.relabels ?? []), [
    'Commercial customers: region East US is now Access controls / East US (2), Session controls / East US (3)',
    'Commercial customers: region North Europe is now Access controls / North Europe (2), Session controls / North Europe (4)',
    'Commercial customers: 2 endpoints without a region now listed under region Access controls',
    'Commercial customers: 2 endpoints without a region now listed under region Session controls',
  ]);
});

test('a row label column added (read as rows): no change; then an IP moved between rows of one region is moved', () => {
  const rows = (labels: Record<string, Record<string, string[]>>) =>
    Object.entries(labels).flatMap(([label, regions]) =>
      Object.entries(regions).flatMap(([region, values]) =>
        values.map((v) =>
          entry(v, {
            section: 'Commercial customers',
            region: region || null,
            group: label || null,
            groupKey: label ? label.toLowerCase() : null,
          }),
        ),
      ),
    );
  const before = catalog(
    rows({
      '': { 'East US': [...SESSION_EAST, ...ACCESS_EAST], 'North Europe': [...SESSION_NORTH, ...ACCESS_NORTH] },
    }),
  );
  const labelled = catalog(
    rows({
      'Session controls': { 'East US': SESSION_EAST, 'North Europe': SESSION_NORTH },
      'Access controls': { 'East US': ACCESS_EAST, 'North Europe': ACCESS_NORTH },
    }),
  );
  const first = diffCatalogs(before, labelled);
  assert.deepEqual(first.changes, []);
  assert.deepEqual(
    (first.relabels ?? []).map((r) => r.message),
    [
      'Commercial customers: row (no row) is now [Access controls] (4 endpoints)',
      'Commercial customers: row (no row) is now [Session controls] (6 endpoints)',
    ],
  );
  const moved = catalog(
    rows({
      'Session controls': { 'East US': SESSION_EAST.slice(1), 'North Europe': SESSION_NORTH },
      'Access controls': { 'East US': [...ACCESS_EAST, SESSION_EAST[0]!], 'North Europe': ACCESS_NORTH },
    }),
  );
  const second = diffCatalogs(labelled, moved);
  assert.deepEqual(
    second.changes.map((c) => c.message),
    ['East US Commercial customers: IP 40.71.11.134 moved from [Session controls] to [Access controls]'],
  );
  assert.deepEqual(second.relabels, []);
});

test('an IP moved between rows while its region is relabelled is one moved change', () => {
  const row = (group: string, region: string, values: string[]) =>
    values.map((v) =>
      entry(v, { section: 'App connector', region, group: `1: ${group}`, groupKey: group.toLowerCase() }),
    );
  const before = catalog([...row('Apps', 'US', APP_US), ...row('DLP', 'US', ['52.184.165.82', '20.36.222.59'])]);
  const after = catalog([
    ...row('Apps', 'US1', APP_US.slice(1)),
    ...row('DLP', 'US1', ['52.184.165.82', '20.36.222.59', APP_US[0]!]),
  ]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(
    set.changes.map((c) => [c.type, c.message]),
    [['moved', 'IP 13.64.196.27 moved from US App connector [1: Apps] to US1 App connector [1: DLP]']],
  );
});

test('region labels added to a list that had none: no change for what was listed; a new IP is added', () => {
  const before = catalog([
    ...table('Commercial customers', { '': [...SESSION_EAST, ...SESSION_NORTH, ...HOSTS] }),
    ...table('US Government offerings', { '': ['52.227.216.80', '13.72.27.216'] }),
  ]);
  const after = catalog([
    ...table('Commercial customers', { 'East US': SESSION_EAST, 'North Europe': [...SESSION_NORTH, '20.50.64.16'] }),
    ...table('Commercial customers', { '': HOSTS }),
    ...table('US Government offerings', { 'US Gov Virginia': ['52.227.216.80', '13.72.27.216'] }),
  ]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(summaryOf(set), [['added', 'North Europe', '20.50.64.16']]);
  assert.deepEqual(
    (set.relabels ?? []).map((r) => r.message),
    [
      'Commercial customers: 3 endpoints without a region now listed under region East US',
      'Commercial customers: 3 endpoints without a region now listed under region North Europe',
      'US Government offerings: 2 endpoints without a region now listed under region US Gov Virginia',
    ],
  );
});

test('the one region of a section loses its label: no change; two regions merged into none: changes', () => {
  const gov = ['13.72.27.223', '13.72.27.219', '13.72.27.220'];
  const before = catalog(table('US Government GCC High customers', { 'Gov US1': gov }));
  const after = catalog(table('US Government GCC High customers', { '': gov }));
  const set = diffCatalogs(before, after);
  assert.deepEqual(set.changes, []);
  assert.deepEqual(
    (set.relabels ?? []).map((r) => r.message),
    ['US Government GCC High customers: region label Gov US1 dropped, its 3 endpoints now listed without a region'],
  );
  // With two regions, the owners of each now need the other's addresses: that is a change.
  const two = catalog(table('US Government GCC High customers', { 'Gov US1': gov, 'Gov US2': ['13.72.27.216'] }));
  const merged = catalog(table('US Government GCC High customers', { '': [...gov, '13.72.27.216'] }));
  const mergeSet = diffCatalogs(two, merged);
  assert.equal(mergeSet.summary.added, 4);
  assert.equal(mergeSet.summary.removed, 4);
  assert.deepEqual(mergeSet.relabels, []);
});

test('a copy found under a new label with other ports is a modified change, not silence', () => {
  const before = catalog(table('Commercial customers', { 'East US': [...SESSION_EAST, ...ACCESS_EAST] }));
  const after = catalog([
    ...table('Commercial customers', { 'Session controls / East US': SESSION_EAST }),
    ...table('Commercial customers', { 'Access controls / East US': ACCESS_EAST.slice(1) }),
    ...table(
      'Commercial customers',
      { 'Access controls / East US': [ACCESS_EAST[0]!] },
      { ports: { tcp: ['443', '8443'], udp: [], any: [], custom: false } },
    ),
  ]);
  const set = diffCatalogs(before, after);
  assert.deepEqual(
    set.changes.map((c) => [c.type, c.severity, c.message]),
    [
      [
        'modified',
        'action',
        'Access controls / East US Commercial customers: IP 40.71.11.135 changed: ports TCP 443 -> TCP 443, 8443',
      ],
    ],
  );
});

test('a re-worded heading in the same version as a relabel: both mapped, no change', () => {
  const before = catalog(table('App connector access', { US: APP_US, EU: APP_EU }));
  const after = catalog(table('App connector access and external DLP integration', { US1: APP_US, EU1: APP_EU }));
  const set = diffCatalogs(before, after);
  assert.deepEqual(set.changes, []);
  assert.deepEqual(
    (set.relabels ?? []).map((r) => r.message),
    [
      'section "App connector access" is now "App connector access and external DLP integration" (8 endpoints)',
      'App connector access and external DLP integration: region EU is now EU1 (3 endpoints)',
      'App connector access and external DLP integration: region US is now US1 (5 endpoints)',
    ],
  );
});

test('the same IPs listed again under a new section are added there: a new purpose, not a relabel', () => {
  // v027 -> v028: a "DLP integration" section listing the App connector IPs.
  const before = catalog(table('App connector', { US: APP_US, EU: APP_EU }));
  const after = catalog([
    ...table('App connector', { US: APP_US, EU: APP_EU }),
    ...table('DLP integration', { US: APP_US, EU: APP_EU }),
  ]);
  const set = diffCatalogs(before, after);
  assert.equal(set.summary.added, APP_US.length + APP_EU.length);
  assert.ok(set.changes.every((c) => c.section === 'DLP integration'));
  assert.deepEqual(set.relabels, []);
});
