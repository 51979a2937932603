import { test } from 'node:test';
import assert from 'node:assert/strict';
import { impact, portChangeSeverity, portsWidened, severity } from './impact.js';
import { diffCatalogs } from './diff.js';
import { emptyPorts, type CatalogEntry, type PortSpec } from './model.js';
import { catalog, entry } from './__fixtures__/entries.js';

function ports(spec: Partial<PortSpec>): PortSpec {
  return { ...emptyPorts(), ...spec };
}

/** The one change between a catalog holding `before` and one holding `after` (same endpoint). */
function changeBetween(before: CatalogEntry, after: CatalogEntry) {
  const changes = diffCatalogs(catalog([before]), catalog([after])).changes;
  assert.equal(changes.length, 1, changes.map((c) => c.message).join('\n'));
  return changes[0]!;
}

test('added: required and unstated need action, optional is info; kinds map to AddedIp / AddedUrl', () => {
  const set = diffCatalogs(
    catalog([]),
    catalog([
      entry('13.95.30.47', { required: null }),
      entry('portal.example.com', { required: true }),
      entry('https://login.example.com/path', { required: true }),
      entry('telemetry.example.com', { required: false }),
    ]),
  );
  const byValue = new Map(set.changes.map((c) => [c.value, c]));
  assert.equal(byValue.get('13.95.30.47')?.impact, 'AddedIp');
  assert.equal(byValue.get('13.95.30.47')?.severity, 'action');
  assert.equal(byValue.get('portal.example.com')?.impact, 'AddedUrl');
  assert.equal(byValue.get('portal.example.com')?.severity, 'action');
  assert.equal(byValue.get('https://login.example.com/path')?.impact, 'AddedUrl');
  assert.equal(byValue.get('telemetry.example.com')?.impact, 'AddedUrl');
  assert.equal(byValue.get('telemetry.example.com')?.severity, 'info');
  assert.deepEqual(set.summary.bySeverity, { action: 3, cleanup: 0, info: 1 });
});

test('removed endpoints are cleanup, optional or not', () => {
  const set = diffCatalogs(
    catalog([entry('13.95.30.47'), entry('telemetry.example.com', { required: false })]),
    catalog([]),
  );
  assert.deepEqual(
    set.changes.map((c) => [c.impact, c.severity]),
    [
      ['RemovedIp', 'cleanup'],
      ['RemovedUrl', 'cleanup'],
    ],
  );
});

test('ports widened need action, narrowed are cleanup, re-written are info', () => {
  assert.equal(portChangeSeverity(ports({ tcp: ['443'] }), ports({ tcp: ['80', '443'] })), 'action');
  assert.equal(portChangeSeverity(ports({ tcp: ['80', '443'] }), ports({ tcp: ['443'] })), 'cleanup');
  assert.equal(portChangeSeverity(ports({ tcp: ['80', '81'] }), ports({ tcp: ['80-81'] })), 'info');
  // A port without protocol allows TCP and UDP: tcp -> any widens, any -> tcp narrows.
  assert.equal(portChangeSeverity(ports({ tcp: ['443'] }), ports({ any: ['443'] })), 'action');
  assert.equal(portChangeSeverity(ports({ any: ['443'] }), ports({ tcp: ['443'] })), 'cleanup');
  assert.equal(portChangeSeverity(ports({ udp: ['3478-3481'] }), ports({ udp: ['3478-3480'] })), 'cleanup');
  assert.equal(portChangeSeverity(ports({ tcp: ['443'] }), ports({ tcp: ['443'], custom: true })), 'action');
  // Ports stated for the first time: now there is something to open. No longer stated: nothing safe to close.
  assert.equal(portChangeSeverity(emptyPorts(), ports({ tcp: ['443'] })), 'action');
  assert.equal(portChangeSeverity(ports({ tcp: ['443'] }), emptyPorts()), 'info');
  assert.equal(portsWidened(ports({ tcp: ['1-1024'] }), ports({ tcp: ['80', '443'] })), false);

  const widened = changeBetween(entry('13.95.30.47'), entry('13.95.30.47', { ports: ports({ tcp: ['443', '8443'] }) }));
  assert.equal(widened.type, 'modified');
  assert.equal(widened.impact, 'ChangedPorts');
  assert.equal(widened.severity, 'action');
  const narrowed = changeBetween(entry('13.95.30.47', { ports: ports({ tcp: ['80', '443'] }) }), entry('13.95.30.47'));
  assert.equal(narrowed.severity, 'cleanup');
});

test('Optional -> Required needs action, Required -> Optional is cleanup, Required <-> unstated is info', () => {
  const up = changeBetween(entry('a.example.com', { required: false }), entry('a.example.com', { required: true }));
  assert.deepEqual([up.impact, up.severity], ['ChangedRequired', 'action']);
  const down = changeBetween(entry('a.example.com', { required: true }), entry('a.example.com', { required: false }));
  assert.deepEqual([down.impact, down.severity], ['ChangedRequired', 'cleanup']);
  const unstated = changeBetween(
    entry('a.example.com', { required: true }),
    entry('a.example.com', { required: null }),
  );
  assert.deepEqual([unstated.impact, unstated.severity], ['ChangedRequired', 'info']);
});

test('ExpressRoute flag changes are info; on an Optional endpoint, widened ports are info too', () => {
  const er = changeBetween(
    entry('a.example.com', { expressRoute: false }),
    entry('a.example.com', { expressRoute: true }),
  );
  assert.deepEqual([er.impact, er.severity], ['ChangedExpressRoute', 'info']);
  const optional = changeBetween(
    entry('a.example.com', { required: false }),
    entry('a.example.com', { required: false, ports: ports({ tcp: ['443', '80'] }) }),
  );
  assert.deepEqual([optional.impact, optional.severity], ['ChangedPorts', 'info']);
});

test('several changed fields: the most severe wins, ties go to ports', () => {
  // Ports narrowed (cleanup) + Optional -> Required (action): ChangedRequired.
  const a = changeBetween(
    entry('a.example.com', { required: false, ports: ports({ tcp: ['80', '443'] }) }),
    entry('a.example.com', { required: true, ports: ports({ tcp: ['443'] }) }),
  );
  assert.deepEqual(a.fields, ['ports', 'required']);
  assert.deepEqual([a.impact, a.severity], ['ChangedRequired', 'action']);
  // Ports widened (action) + ExpressRoute (info): ChangedPorts.
  const b = changeBetween(
    entry('a.example.com', { expressRoute: false }),
    entry('a.example.com', { expressRoute: true, ports: ports({ tcp: ['443', '80'] }) }),
  );
  assert.deepEqual([b.impact, b.severity], ['ChangedPorts', 'action']);
  // Both info (ports re-written, ExpressRoute): ports first.
  const c = changeBetween(
    entry('a.example.com', { expressRoute: false, ports: ports({ tcp: ['80', '81'] }) }),
    entry('a.example.com', { expressRoute: true, ports: ports({ tcp: ['80-81'] }) }),
  );
  assert.deepEqual([c.impact, c.severity], ['ChangedPorts', 'info']);
});

test('moves: Moved; moved into a required place needs action, an optional one is info', () => {
  const other = { section: 'Admin', group: '2: Admin' };
  // Both places keep other endpoints, so this is a move and not a renamed section.
  const stay = [entry('stay.example.com'), entry('there.example.com', other)];
  const required = diffCatalogs(
    catalog([...stay, entry('a.example.com')]),
    catalog([...stay, entry('a.example.com', other)]),
  ).changes;
  assert.deepEqual(
    required.map((c) => [c.type, c.impact, c.severity]),
    [['moved', 'Moved', 'action']],
  );
  const optional = diffCatalogs(
    catalog([...stay, entry('a.example.com', { required: false })]),
    catalog([...stay, entry('a.example.com', { ...other, required: false })]),
  ).changes;
  assert.deepEqual(
    optional.map((c) => [c.type, c.impact, c.severity]),
    [['moved', 'Moved', 'info']],
  );
});

test('impact and severity work on hand-built changes without the fields set', () => {
  const e = entry('13.95.30.47');
  const change = {
    type: 'removed' as const,
    kind: e.kind,
    value: e.value,
    section: e.section,
    region: e.region,
    group: e.group,
    fields: [],
    entry: e,
  };
  assert.equal(impact(change), 'RemovedIp');
  assert.equal(severity(change), 'cleanup');
});

test('changes that need action come first, then cleanup, then info', () => {
  const set = diffCatalogs(
    catalog([
      entry('old.example.com', { section: 'A' }),
      entry('13.64.0.0/24', { section: 'A' }),
      entry('x.example.com', { section: 'B', required: false }),
    ]),
    catalog([
      entry('13.64.0.0/25', { section: 'A' }),
      entry('13.64.0.128/25', { section: 'A' }),
      entry('x.example.com', { section: 'B', required: false }),
      entry('opt.example.com', { section: 'A', required: false }),
      entry('new.example.com', { section: 'Z' }),
    ]),
  );
  assert.deepEqual(
    set.changes.map((c) => [c.severity, c.type, c.value]),
    [
      ['action', 'added', 'new.example.com'],
      ['cleanup', 'removed', 'old.example.com'],
      ['info', 'added', 'opt.example.com'],
      ['info', 'reshaped', '13.64.0.0/24'],
    ],
  );
});
