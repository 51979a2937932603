import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffCatalogs } from '../catalog/diff.js';
import { catalog, entry } from '../catalog/__fixtures__/entries.js';
import { baselineCommitMessage, changeCommitMessage, countsLabel } from './commit-message.js';

const subject = (message: string) => message.split('\n')[0];

test('one change: the subject names its place and value; the body lists it with its severity', () => {
  const before = catalog([entry('13.80.22.71')]);
  const after = catalog([entry('13.80.22.71'), entry('13.95.30.47')]);
  const message = changeCommitMessage(diffCatalogs(before, after));
  assert.match(subject(message)!, /^cloud-app-security: \+1 IP \(EU1 .*13\.95\.30\.47\)$/);
  assert.match(message, /^- \[action\] .*IP added: 13\.95\.30\.47$/m);
  assert.match(message, /^Endpoint-Watch-Source: cloud-app-security$/m);
});

test('modified endpoints are counted under the attributes that changed, not as a bare "changed"', () => {
  const before = catalog([
    entry('13.80.22.71'),
    entry('13.80.22.72'),
    entry('portal.example.com', { required: false }),
  ]);
  const after = catalog([
    entry('13.80.22.71', { ports: { tcp: ['443', '8443'], udp: [], any: [], custom: false } }),
    entry('13.80.22.72', { ports: { tcp: ['443', '8443'], udp: [], any: [], custom: false } }),
    entry('portal.example.com', { required: true, ports: { tcp: ['80', '443'], udp: [], any: [], custom: false } }),
    entry('13.95.30.47'),
  ]);
  const changes = diffCatalogs(before, after);
  assert.equal(countsLabel(changes.changes), '+1 IP, ~3 ports, ~1 Required flag');
  assert.equal(subject(changeCommitMessage(changes)), 'cloud-app-security: +1 IP, ~3 ports, ~1 Required flag');
});

test('a long subject is cut to 120 characters; a baseline says how many endpoints it tracks', () => {
  const before = catalog([entry('13.80.22.71')]);
  const after = catalog([entry('13.80.22.71'), entry(`${'very-long-label.'.repeat(8)}example.com`)]);
  const long = subject(changeCommitMessage(diffCatalogs(before, after)))!;
  assert.equal(long.length, 120);
  assert.ok(long.endsWith('...'));
  assert.equal(subject(baselineCommitMessage('cas', 1)), 'cas: baseline, now tracking 1 endpoint');
  assert.equal(subject(baselineCommitMessage('cas', 17)), 'cas: baseline, now tracking 17 endpoints');
});
