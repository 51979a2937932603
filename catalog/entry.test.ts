import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogEntry } from './entry.js';

const provenance = { line: 3, column: 'ip_prefix' };

test('what a parser does not say takes its default', () => {
  assert.deepEqual(catalogEntry({ kind: 'ip', value: '3.5.140.0/22', provenance }), {
    kind: 'ip',
    value: '3.5.140.0/22',
    section: '',
    region: null,
    group: null,
    groupKey: null,
    ports: { tcp: [], udp: [], any: [], custom: false },
    required: null,
    expressRoute: null,
    role: 'destination',
    provenance,
  });
});

test('the group key is derived from the group unless given; ports are copied, never shared', () => {
  const ports = { tcp: ['443'], udp: [], any: [], custom: false };
  const a = catalogEntry({ kind: 'fqdn', value: 'a.example.com', group: 'Portal  *Access*', ports, provenance });
  const b = catalogEntry({
    kind: 'fqdn',
    value: 'b.example.com',
    group: 'set 4',
    groupKey: 'set 4',
    ports,
    provenance,
  });
  assert.equal(a.groupKey, 'portal access');
  assert.equal(b.groupKey, 'set 4');
  a.ports.tcp.push('80');
  assert.deepEqual(ports.tcp, ['443']);
  assert.deepEqual(b.ports.tcp, ['443']);
});

test('category and notes appear only when given, before provenance as in catalog.json', () => {
  const keys = (fields: { category?: string | null; notes?: string | null }) =>
    Object.keys(catalogEntry({ kind: 'ip', value: '1.2.3.4', provenance, ...fields })).slice(-3);
  assert.deepEqual(keys({}), ['expressRoute', 'role', 'provenance']);
  assert.deepEqual(keys({ category: 'Allow' }), ['role', 'category', 'provenance']);
  assert.deepEqual(keys({ notes: null }), ['role', 'notes', 'provenance']);
  assert.deepEqual(keys({ category: null, notes: 'n' }), ['category', 'notes', 'provenance']);
  assert.equal(catalogEntry({ kind: 'ip', value: '1.2.3.4', provenance, notes: 'n' }).notes, 'n');
});
