import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ConfigError } from '../errors/index.js';
import { notifiersFromEntries } from './registry.js';
import { routeNotification, splitRouting, type Routing } from './routing.js';
import type { Notification } from './types.js';
import { changeSetBetween, changesNotification, entry, LOCATION, SOURCE } from './__fixtures__/notifications.js';

const portal = (region: string) => ({ section: 'Portal access', region });

function sample(): Extract<Notification, { type: 'changes' }> {
  const before = [entry('13.91.91.243', portal('US1')), entry('13.80.125.22', portal('EU1'))];
  const after = [
    entry('13.91.91.243', portal('US1')),
    entry('40.118.211.172', portal('US1')),
    entry('20.71.65.26', portal('EU1')),
    entry('login.example.com', { section: 'Sign-in' }),
  ];
  return changesNotification(changeSetBetween(before, after)) as Extract<Notification, { type: 'changes' }>;
}

const route = (routing: Partial<Routing>, notification: Notification) =>
  routeNotification({ summaryOnly: false, ...routing }, notification);

const values = (notification: Notification | null) =>
  notification?.type === 'changes' ? notification.changeSet.changes.map((c) => c.value).sort() : null;

test('regions keep changes of a listed region and those with no region; the summary is recounted', () => {
  const routed = route({ regions: ['EU1'] }, sample());
  assert.deepEqual(values(routed), ['13.80.125.22', '20.71.65.26', 'login.example.com']);
  assert.equal(routed?.type === 'changes' && routed.changeSet.summary.added, 2);
  assert.equal(routed?.type === 'changes' && routed.changeSet.summary.netAddresses, undefined);
});

test('severities keep only the listed ones; a filter that leaves nothing returns null', () => {
  assert.deepEqual(values(route({ severities: ['cleanup'] }, sample())), ['13.80.125.22']);
  assert.equal(route({ severities: ['info'] }, sample()), null);
  assert.equal(route({ regions: ['AU1'], severities: ['cleanup'] }, sample()), null);
});

test('minSeverity keeps that severity and the more urgent ones; with severities both apply', () => {
  const routed = (options: Record<string, unknown>) => route(splitRouting(options).routing, sample());
  assert.deepEqual(values(routed({ minSeverity: 'action' })), ['20.71.65.26', '40.118.211.172', 'login.example.com']);
  assert.deepEqual(values(routed({ minSeverity: 'cleanup' })), [
    '13.80.125.22',
    '20.71.65.26',
    '40.118.211.172',
    'login.example.com',
  ]);
  assert.deepEqual(values(routed({ minSeverity: 'cleanup', severities: ['cleanup', 'info'] })), ['13.80.125.22']);
  assert.equal(routed({ minSeverity: 'action', severities: ['cleanup'] }), null);
});

test('kinds keep changes and withheld removals of the listed endpoint kinds only', () => {
  assert.deepEqual(values(route({ kinds: ['fqdn'] }, sample())), ['login.example.com']);
  assert.deepEqual(values(route({ kinds: ['ip'], severities: ['action'] }, sample())), [
    '20.71.65.26',
    '40.118.211.172',
  ]);
  assert.equal(route({ kinds: ['url'] }, sample()), null);
  const withheld: Notification = {
    type: 'withheld',
    source: SOURCE,
    location: LOCATION,
    reasons: ['section emptied'],
    removals: [
      {
        kind: 'ip',
        value: '13.80.125.22',
        section: 'Portal access',
        region: 'EU1',
        group: null,
        since: '2024-05-01T00:00:00.000Z',
      },
      {
        kind: 'fqdn',
        value: 'portal.example.com',
        section: 'Portal access',
        region: null,
        group: null,
        since: '2024-05-01T00:00:00.000Z',
      },
    ],
    confirmAt: null,
  };
  const hosts = route({ kinds: ['fqdn'] }, withheld);
  assert.deepEqual(hosts?.type === 'withheld' && hosts.removals.map((r) => r.value), ['portal.example.com']);
});

test('minSeverity and kinds are validated with the key named', () => {
  const context = bufferStdout();
  assert.throws(
    () => notifiersFromEntries([{ type: 'console', minSeverity: 'urgent' } as { type: string }], context),
    /notifiers\[0\]\.minSeverity: must be one of action, cleanup, info/,
  );
  assert.throws(
    () => notifiersFromEntries([{ type: 'console', kinds: ['cidr'] } as { type: string }], context),
    /notifiers\[0\]\.kinds\[0\]: must be one of ip \(addresses and CIDR ranges\), fqdn \(hosts\), url/,
  );
  assert.throws(() => notifiersFromEntries([{ type: 'console', kinds: [] } as { type: string }], context), /kinds/);
});

test('sources apply to every kind of alert', () => {
  const health: Notification = { type: 'health', source: SOURCE, location: LOCATION, problems: ['no table'] };
  assert.equal(route({ sources: ['other'] }, sample()), null);
  assert.equal(route({ sources: ['other'] }, health), null);
  assert.equal(route({ sources: [SOURCE], regions: ['AU1'], severities: ['action'] }, health), health);
});

test('baseline counts as info; withheld removals as cleanup, filtered by region', () => {
  const baseline: Notification = { type: 'baseline', source: SOURCE, location: LOCATION, entryCount: 4, commit: null };
  assert.equal(route({ severities: ['action'] }, baseline), null);
  assert.equal(route({ regions: ['EU1'] }, baseline), baseline);
  const item = (value: string, region: string | null) => ({
    kind: 'ip' as const,
    value,
    section: 'Portal access',
    region,
    group: null,
    since: '2024-05-01T00:00:00.000Z',
  });
  const withheld: Notification = {
    type: 'withheld',
    source: SOURCE,
    location: LOCATION,
    reasons: ['section emptied'],
    removals: [item('13.91.91.243', 'US1'), item('13.80.125.22', 'EU1'), item('52.183.75.62', null)],
    confirmAt: null,
  };
  const eu = route({ regions: ['EU1'] }, withheld);
  assert.deepEqual(eu?.type === 'withheld' && eu.removals.map((r) => r.value), ['13.80.125.22', '52.183.75.62']);
  assert.equal(route({ severities: ['action'] }, withheld), null);
});

function bufferStdout() {
  const chunks: string[] = [];
  const stdout = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stdout, output: () => chunks.join('') };
}

test('summaryOnly: the console prints headline and counts, not the lines', async () => {
  const context = bufferStdout();
  const [notifier] = notifiersFromEntries([{ type: 'console', summaryOnly: true } as { type: string }], context);
  await notifier!.send(sample());
  const text = context.output();
  assert.match(text, /Changes: 3 added, 1 removed \(summary only\)/);
  assert.doesNotMatch(text, /40\.118\.211\.172/);
});

test('id: names a notifier, so two of a kind coexist; the routing keys are validated', () => {
  const context = bufferStdout();
  const hook = 'https://example.webhook.office.com/workflows/abc';
  assert.throws(
    () =>
      notifiersFromEntries(
        [
          { type: 'teams', webhookUrl: hook } as { type: string },
          { type: 'teams', webhookUrl: `${hook}2` } as { type: string },
        ],
        context,
      ),
    ConfigError,
  );
  const notifiers = notifiersFromEntries(
    [
      { type: 'teams', webhookUrl: hook, id: 'teams-eu', regions: ['EU1'] },
      { type: 'teams', webhookUrl: `${hook}2`, id: 'teams-us' },
    ] as Array<{ type: string } & Record<string, unknown>>,
    context,
  );
  assert.deepEqual(
    notifiers.map((n) => n.id),
    ['teams-eu', 'teams-us'],
  );
  assert.throws(
    () => notifiersFromEntries([{ type: 'console', severities: ['urgent'] } as { type: string }], context),
    /notifiers\[0\]\.severities\[0\]: must be one of action, cleanup, info/,
  );
  assert.throws(() => notifiersFromEntries([{ type: 'console', regions: [] } as { type: string }], context), /regions/);
});

test('digest keys: validated, and every notifier type can send a digest, each item routed', async () => {
  const context = bufferStdout();
  assert.throws(
    () => notifiersFromEntries([{ type: 'console', digest: 'hourly' } as { type: string }], context),
    /digest: must be daily or weekly/,
  );
  assert.throws(
    () => notifiersFromEntries([{ type: 'console', digest: 'daily', digestAt: '8am' } as { type: string }], context),
    /digestAt: must be a time of day, HH:MM/,
  );
  assert.throws(
    () => notifiersFromEntries([{ type: 'console', digest: 'weekly', digestDay: 'mon' } as { type: string }], context),
    /digestDay: must be a day of the week/,
  );
  assert.throws(
    () =>
      notifiersFromEntries(
        [{ type: 'console', digest: 'daily', digestTimeZone: 'Mars/Olympus' } as { type: string }],
        context,
      ),
    /digestTimeZone: must be UTC or an IANA time zone name/,
  );
  const [weekly] = notifiersFromEntries(
    [
      { type: 'console', digest: 'weekly', digestDay: 'friday', digestTimeZone: 'Europe/Berlin', regions: ['EU1'] },
    ] as Array<{ type: string } & Record<string, unknown>>,
    context,
  );
  assert.deepEqual(weekly!.digest, { every: 'weekly', at: '08:00', day: 'friday', timeZone: 'Europe/Berlin' });
  const items = [
    changesNotification(
      changeSetBetween(
        [entry('13.91.91.243', portal('US1'))],
        [entry('13.91.91.243', portal('US1')), entry('13.91.91.244', portal('US1'))],
      ),
    ),
    changesNotification(
      changeSetBetween(
        [entry('52.174.56.180', portal('EU1'))],
        [entry('52.174.56.180', portal('EU1')), entry('52.174.56.181', portal('EU1'))],
      ),
    ),
  ];
  await weekly!.sendDigest!({ items, schedule: weekly!.digest!, since: '2026-03-02T06:00:00Z' });
  const printed = context.output();
  assert.match(printed, /Weekly digest: 1 alert/);
  assert.match(printed, /52\.174\.56\.181/);
  assert.doesNotMatch(printed, /13\.91\.91\.244/);
  const { notifierModules } = await import('./registry.js');
  for (const [type, module] of notifierModules) {
    const settings = {
      type,
      webhookUrl: 'https://example.com/hook',
      url: 'https://example.com/hook',
      smtpUrl: 'smtp://127.0.0.1:25',
      from: 'ew@example.com',
      to: ['a@example.com'],
    };
    const known = Object.keys((module.options as unknown as { shape: Record<string, unknown> }).shape);
    const own = Object.fromEntries(Object.entries(settings).filter(([key]) => known.includes(key)));
    const withDigest: { type: string } & Record<string, unknown> = { ...own, type, digest: 'daily' };
    const [notifier] = notifiersFromEntries([withDigest], context);
    assert.equal(typeof notifier!.sendDigest, 'function', `${type} sends digests`);
    assert.equal(notifier!.digest?.every, 'daily', type);
  }
});
