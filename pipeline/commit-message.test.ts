import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffCatalogs } from '../catalog/diff.js';
import { catalog, entry } from '../catalog/__fixtures__/entries.js';
import { BODY_LIMITS, baselineCommitMessage, changeCommitMessage, countsLabel } from './commit-message.js';

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
  assert.equal(
    subject(changeCommitMessage(changes)),
    'cloud-app-security: +1 IP, ~3 ports, ~1 Required flag in Portal access (action needed)',
  );
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

test('a change of thousands of endpoints: the body lists the first of each place and counts the rest', () => {
  const before = catalog([entry('13.80.22.71')]);
  const added = Array.from({ length: 6000 }, (_, i) =>
    entry(`20.40.${i >> 8}.${i & 255}`, { region: ['US1', 'EU1', 'EU2'][i % 3]! }),
  );
  const message = changeCommitMessage(diffCatalogs(before, catalog([entry('13.80.22.71'), ...added])));
  assert.equal(subject(message), 'cloud-app-security: +6000 IPs in Portal access (action needed)');
  const lines = message.split('\n');
  assert.ok(lines.length < BODY_LIMITS.total + 30, `${lines.length} lines`);
  assert.equal(lines.filter((l) => l.startsWith('- [action] ')).length, 3 * BODY_LIMITS.perGroup);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('- ... and ')),
    [
      '- ... and 1980 more in EU1 Portal access',
      '- ... and 1980 more in EU2 Portal access',
      '- ... and 1980 more in US1 Portal access',
    ],
  );
  assert.match(message, /^Endpoint-Watch-Source: cloud-app-security$/m);
});

test('layout changes, confirmed and withheld removals are said in the body; a layout change alone names it in the subject', () => {
  const same = catalog([entry('13.80.22.71')]);
  const layoutOnly = changeCommitMessage(
    diffCatalogs(same, same),
    {},
    {
      layout: ['column S.No is now No. (8 tables)', 'column To/From is now From, To'],
    },
  );
  assert.equal(subject(layoutOnly), 'cloud-app-security: layout changed: column S.No is now No. (8 tables) (+1 more)');
  assert.match(
    layoutOnly,
    /\nLayout changed:\n- column S\.No is now No\. \(8 tables\)\n- column To\/From is now From, To\n/,
  );
  const withNotes = changeCommitMessage(
    diffCatalogs(same, catalog([entry('13.95.30.47')])),
    {},
    {
      confirmed: { count: 1, how: 'the page kept this state for 48h' },
      withheldCount: 2,
    },
  );
  assert.match(withNotes, /^Confirmed: 1 removal withheld earlier \(the page kept this state for 48h\)\.$/m);
  assert.match(withNotes, /^Withheld: 2 removals that look like breakage; the catalog still lists them/m);
});
