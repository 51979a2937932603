import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog, CatalogEntry } from '../catalog/model.js';
import { emptyPorts } from '../catalog/model.js';
import { buildCatalog, entryKey } from '../catalog/canonical.js';
import { diffCatalogs } from '../catalog/diff.js';
import type { WithheldState } from '../store/withheld.js';
import { assessChange } from './health.js';
import { describeColumns, describeLayoutChange } from './layout.js';
import { decideWithheld, formatDuration } from './withheld.js';

function ip(value: string, section: string, region = 'US1'): CatalogEntry {
  return {
    kind: 'ip',
    value,
    section,
    region,
    group: null,
    groupKey: null,
    ports: emptyPorts(),
    required: null,
    expressRoute: null,
    role: 'destination',
    provenance: { line: 1 },
  };
}

/** `count` IPs in each of the named sections, and the given table headers. */
function page(
  sections: Record<string, number>,
  options: { columns?: string[][]; format?: string; offset?: Record<string, number> } = {},
): Catalog {
  const entries: CatalogEntry[] = [];
  let block = 0;
  for (const [section, count] of Object.entries(sections)) {
    block += 1;
    const start = options.offset?.[section] ?? 0;
    for (let i = 0; i < count; i += 1)
      entries.push(ip(`10.${block}.${Math.floor((start + i) / 250)}.${((start + i) % 250) + 1}`, section));
  }
  const columns = options.columns ?? Object.keys(sections).map(() => ['Data center', 'IP addresses']);
  return buildCatalog('cas', {
    entries,
    shape: {
      format: options.format ?? 'markdown',
      tables: columns.length,
      rows: entries.length,
      columns,
      entriesPerSection: {},
    },
    warnings: [],
  });
}

function assess(before: Catalog, after: Catalog) {
  return assessChange(before, after, diffCatalogs(before, after));
}

test('additions, a renamed column and a few removals in a section: nothing withheld, the rename said once', () => {
  const before = page(
    { Portal: 6, Gateway: 4 },
    {
      columns: [
        ['S.No', 'IP addresses'],
        ['S.No', 'IP addresses'],
      ],
    },
  );
  const after = page(
    { Portal: 9, Gateway: 4 },
    {
      columns: [
        ['No.', 'IP addresses'],
        ['No.', 'IP addresses'],
      ],
      offset: { Portal: 2 },
    },
  );
  const result = assess(before, after);
  assert.deepEqual(result.withheld, []);
  assert.deepEqual(result.reasons, []);
  assert.equal(result.needsPerson, false);
  assert.deepEqual(result.layout, ['column S.No is now No. (2 tables)']);
  // Nothing changed in the layout: nothing to say.
  assert.deepEqual(assess(after, page({ Portal: 10, Gateway: 4 }, { columns: after.shape.columns })).layout, []);
});

test('a whole section gone, its endpoints listed nowhere else: those removals are withheld, the rest is not', () => {
  const before = page({ Portal: 10, Gateway: 3, Mail: 2 });
  const after = page({ Portal: 9, Gateway: 3 });
  const result = assess(before, after);
  assert.deepEqual(
    result.withheld.map((c) => `${c.section} ${c.value}`),
    ['Mail 10.3.0.1', 'Mail 10.3.0.2'],
  );
  assert.deepEqual(result.reasons, ['section "Mail" is gone with 2 endpoints listed nowhere else']);
  assert.equal(result.needsPerson, false);
  // The Portal removal (one of ten) is an ordinary change.
  assert.equal(diffCatalogs(before, after).changes.filter((c) => c.type === 'removed').length, 3);
  // The table went with its section: its removals say so, not a layout line.
  assert.deepEqual(result.layout, []);
  // Two tables of one section merged into one: that is layout.
  const merged = page({ Portal: 10, Gateway: 3, Mail: 2 }, { columns: [['Data center', 'IP addresses']] });
  assert.deepEqual(assess(before, merged).layout, ['tables: 3 -> 1']);
});

test('a section merged into another (its endpoints moved there) is a layout change, not a loss', () => {
  const entries = [ip('13.80.22.71', 'DLP'), ip('13.95.29.177', 'DLP'), ip('52.174.56.180', 'Portal')];
  const shape = {
    format: 'markdown',
    tables: 2,
    rows: 3,
    columns: [['Data center', 'IP addresses']],
    entriesPerSection: {},
  };
  const before = buildCatalog('cas', { entries, shape, warnings: [] });
  const after = buildCatalog('cas', {
    entries: entries.map((e) => ({ ...e, section: 'Portal' })),
    shape: { ...shape, tables: 1 },
    warnings: [],
  });
  const result = assess(before, after);
  assert.deepEqual(result.withheld, []);
  assert.deepEqual(result.layout, ['section "DLP" merged into "Portal"']);
});

test('more than half of the endpoints gone: every removal is withheld, with a date to confirm them', () => {
  const before = page({ Portal: 10 });
  const after = page({ Portal: 4 });
  const result = assess(before, after);
  assert.equal(result.withheld.length, 6);
  assert.equal(result.needsPerson, false);
  assert.deepEqual(result.reasons, ['more than half of the endpoints would be removed: 6 of 10']);
  assert.deepEqual(assess(before, page({ Portal: 5 })).withheld, [], 'exactly half is still plausible');
});

test('no endpoint left, or nearly none: withheld until a person accepts', () => {
  const before = page({ Portal: 100 });
  const empty = assess(
    before,
    buildCatalog('cas', { entries: [], shape: { ...before.shape, tables: 0, columns: [] }, warnings: [] }),
  );
  assert.equal(empty.withheld.length, 100);
  assert.equal(empty.needsPerson, true);
  assert.match(empty.reasons[0]!, /no endpoint any more \(100 before\)/);
  const nearly = assess(before, page({ Portal: 5 }));
  assert.equal(nearly.needsPerson, true);
  assert.match(nearly.reasons[0]!, /nearly no endpoint any more: 5, against 100 before/);
  assert.equal(
    assess(before, page({ Portal: 6 })).needsPerson,
    false,
    '6 of 100 is "more than half gone", not "nearly none"',
  );
});

test('column changes: renamed, split, merged, added, dropped; case and markup are not changes', () => {
  assert.deepEqual(describeColumns(['S.No', 'To/From', 'Host'], ['No.', 'From', 'To', 'Host']), [
    'columns S.No, To/From are now No., From, To',
  ]);
  assert.deepEqual(describeColumns(['Data center', 'IP', 'DNS'], ['Data center', 'From', 'To', 'DNS']), [
    'column IP is now From, To',
  ]);
  assert.deepEqual(describeColumns(['A', 'B'], ['A', 'B', '']), ['column (no header) added']);
  assert.deepEqual(describeColumns(['Data center', 'IP addresses'], ['IP addresses']), ['column Data center dropped']);
  assert.deepEqual(describeColumns(['**IP Addresses**'], ['ip addresses']), []);
  assert.deepEqual(
    describeColumns(['Data center', 'IP addresses', '', 'DNS name'], ['Data center', 'IP addresses', 'DNS name', '']),
    ['columns re-ordered: Data center, IP addresses, DNS name, (no header)'],
  );
  const shape = (columns: string[][], format = 'markdown') => ({
    format,
    tables: columns.length,
    rows: 1,
    columns,
    entriesPerSection: {},
  });
  // Tables in another order: the same layout.
  assert.deepEqual(describeLayoutChange(shape([['A'], ['B']]), shape([['B'], ['A']])), []);
  assert.deepEqual(describeLayoutChange(shape([['A']]), shape([['A']], 'html')), ['format changed: markdown -> html']);
});

// ------------------------------------------------------------------------ withheld decisions

const HOUR = 3_600_000;

function withheldOf(before: Catalog, after: Catalog) {
  return assess(before, after);
}

test('withheld removals: announced once, kept with their first date, confirmed after confirmAfter', () => {
  const before = page({ Portal: 10, Mail: 2 });
  const after = page({ Portal: 10 });
  const assessment = withheldOf(before, after);
  const t0 = new Date('2024-05-01T10:00:00Z');
  const first = decideWithheld({
    source: 'cas',
    assessment,
    previous: null,
    now: t0,
    confirmAfterMs: 48 * HOUR,
    accept: false,
  });
  assert.equal(first.announce, true);
  assert.deepEqual(first.confirmed, []);
  assert.equal(first.pending.length, 2);
  assert.equal(first.confirmAt, '2024-05-03T10:00:00.000Z');
  assert.deepEqual(first.state?.announced, first.pending.map((r) => r.key).sort());

  const later = new Date(t0.getTime() + 47 * HOUR);
  const second = decideWithheld({
    source: 'cas',
    assessment,
    previous: first.state,
    now: later,
    confirmAfterMs: 48 * HOUR,
    accept: false,
  });
  assert.equal(second.announce, false, 'the same withheld set is not announced twice');
  assert.equal(second.pending[0]!.since, t0.toISOString());

  const done = decideWithheld({
    source: 'cas',
    assessment,
    previous: second.state,
    now: new Date(t0.getTime() + 48 * HOUR),
    confirmAfterMs: 48 * HOUR,
    accept: false,
  });
  assert.equal(done.confirmed.length, 2);
  assert.equal(done.confirmedHow, 'the page kept this state for 48h');
  assert.equal(done.state, null);
});

test('a new removal joining a withheld set is announced; --accept confirms only what was announced', () => {
  const before = page({ Portal: 10, Mail: 3 });
  const t0 = new Date('2024-05-01T10:00:00Z');
  const firstAssessment = withheldOf(before, page({ Portal: 10, Mail: 3 }, { offset: {} }));
  assert.deepEqual(firstAssessment.withheld, []);
  const lostMail = withheldOf(before, page({ Portal: 10 }));
  const announcedMail = decideWithheld({
    source: 'cas',
    assessment: lostMail,
    previous: null,
    now: t0,
    confirmAfterMs: HOUR,
    accept: false,
  });
  // Then the page also loses 6 of its 10 Portal endpoints: more than half, all withheld.
  const worse = withheldOf(before, page({ Portal: 4 }));
  const grown = decideWithheld({
    source: 'cas',
    assessment: worse,
    previous: announcedMail.state,
    now: new Date(t0.getTime() + 30 * 60_000),
    confirmAfterMs: HOUR,
    accept: true,
  });
  assert.equal(grown.announce, true, 'new removals are announced');
  assert.deepEqual(
    grown.confirmed.map((r) => r.section).sort(),
    ['Mail', 'Mail', 'Mail'],
    'only what an alert showed is accepted',
  );
  assert.equal(grown.confirmedHow, 'accepted with endpoint-watch run --accept');
  assert.equal(grown.pending.length, 6);
});

test('a page that lists nothing waits for a person however long it lasts', () => {
  const before = page({ Portal: 10 });
  const assessment = withheldOf(
    before,
    buildCatalog('cas', { entries: [], shape: { ...before.shape, tables: 0, columns: [] }, warnings: [] }),
  );
  const t0 = new Date('2024-05-01T10:00:00Z');
  const first = decideWithheld({
    source: 'cas',
    assessment,
    previous: null,
    now: t0,
    confirmAfterMs: HOUR,
    accept: false,
  });
  assert.equal(first.confirmAt, null);
  const month = decideWithheld({
    source: 'cas',
    assessment,
    previous: first.state,
    now: new Date(t0.getTime() + 30 * 24 * HOUR),
    confirmAfterMs: HOUR,
    accept: false,
  });
  assert.deepEqual(month.confirmed, []);
  assert.equal(month.pending.length, 10);
  assert.equal(month.announce, false);
  const accepted = decideWithheld({
    source: 'cas',
    assessment,
    previous: month.state,
    now: t0,
    confirmAfterMs: HOUR,
    accept: true,
  });
  assert.equal(accepted.confirmed.length, 10);
  assert.equal(accepted.state, null);
});

test('a withheld removal that comes back leaves the state; its key is the entry identity', () => {
  const before = page({ Portal: 10, Mail: 2 });
  const assessment = withheldOf(before, page({ Portal: 10 }));
  const state = decideWithheld({
    source: 'cas',
    assessment,
    previous: null,
    now: new Date(),
    confirmAfterMs: HOUR,
    accept: false,
  }).state as WithheldState;
  const mail = before.entries
    .filter((e) => e.section === 'Mail')
    .map(entryKey)
    .sort();
  assert.deepEqual(state.announced, mail);
  const back = decideWithheld({
    source: 'cas',
    assessment: withheldOf(before, before),
    previous: state,
    now: new Date(),
    confirmAfterMs: HOUR,
    accept: false,
  });
  assert.equal(back.state, null);
  assert.equal(back.announce, false);
});

test('durations read as people write them', () => {
  assert.equal(formatDuration(48 * HOUR), '48h');
  assert.equal(formatDuration(90 * 60_000), '1h 30m');
  assert.equal(formatDuration(10 * 24 * HOUR), '10d');
});

test('a section whose whole list was replaced by new endpoints is a change, not a loss', () => {
  const before = page({ Portal: 10, Connector: 2 });
  const after = page({ Portal: 10, Connector: 1 }, { offset: { Connector: 5 } });
  const changes = diffCatalogs(before, after).changes;
  assert.equal(changes.filter((c) => c.type === 'removed' && c.section === 'Connector').length, 2);
  assert.deepEqual(assess(before, after).withheld, []);
});

test('a withheld removal stays withheld while it is gone, even once the rest no longer looks like breakage', () => {
  const before = page({ Portal: 10 });
  const t0 = new Date('2024-05-01T10:00:00Z');
  // 6 of 10 gone: withheld. The committed catalog keeps them, so it still lists 10.
  const first = assess(before, page({ Portal: 4 }));
  const withheld = decideWithheld({
    source: 'cas',
    assessment: first,
    removed: first.withheld,
    previous: null,
    now: t0,
    confirmAfterMs: 48 * HOUR,
    accept: false,
  });
  assert.equal(withheld.pending.length, 6);
  // The next version adds 20 endpoints (committed, the withheld 6 with them): 6 of 30 gone is no
  // longer "more than half" on its own.
  const committed = page({ Portal: 10, New: 20 });
  const grown = page({ Portal: 4, New: 20 });
  const full = diffCatalogs(committed, grown);
  const second = assessChange(committed, grown, full);
  assert.deepEqual(second.withheld, []);
  const kept = decideWithheld({
    source: 'cas',
    assessment: second,
    removed: full.changes.filter((c) => c.type === 'removed'),
    previous: withheld.state,
    now: new Date(t0.getTime() + HOUR),
    confirmAfterMs: 48 * HOUR,
    accept: false,
  });
  assert.equal(kept.pending.length, 6, 'still withheld, not released as ordinary removals');
  assert.equal(kept.announce, false);
  assert.equal(kept.confirmAt, '2024-05-03T10:00:00.000Z');
  assert.deepEqual(kept.reasons, ['more than half of the endpoints would be removed: 6 of 10']);
});

test('when a page that listed nothing lists endpoints again, what is still missing starts its 48h then', () => {
  const before = page({ Portal: 10, Mail: 3 });
  const t0 = new Date('2024-05-01T10:00:00Z');
  const emptyAssessment = assess(
    before,
    buildCatalog('cas', { entries: [], shape: { ...before.shape, tables: 0, columns: [] }, warnings: [] }),
  );
  const empty = decideWithheld({
    source: 'cas',
    assessment: emptyAssessment,
    removed: emptyAssessment.withheld,
    previous: null,
    now: t0,
    confirmAfterMs: 48 * HOUR,
    accept: false,
  });
  assert.equal(empty.state?.needsPerson, true);
  // A week later the page is back, without its Mail section.
  const later = new Date(t0.getTime() + 7 * 24 * HOUR);
  const back = assess(before, page({ Portal: 10 }));
  const full = diffCatalogs(before, page({ Portal: 10 }));
  const decision = decideWithheld({
    source: 'cas',
    assessment: back,
    removed: full.changes.filter((c) => c.type === 'removed'),
    previous: empty.state,
    now: later,
    confirmAfterMs: 48 * HOUR,
    accept: false,
  });
  assert.deepEqual(decision.confirmed, [], 'not confirmed at once on the strength of a broken week');
  assert.equal(decision.pending.length, 3);
  assert.equal(decision.announce, false, 'already announced');
  assert.equal(decision.confirmAt, new Date(later.getTime() + 48 * HOUR).toISOString());
});
