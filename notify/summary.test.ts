import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { diffCatalogs } from '../catalog/diff.js';
import { changeHeadline } from '../catalog/messages.js';
import { compareEndpointValues, compareNatural } from '../catalog/order.js';
import { parseDocument } from '../parsers/parse-document.js';
import { changeCommitMessage } from '../pipeline/commit-message.js';
import { SLACK_BUDGET, formatSlack, formatText } from './format.js';
import { lineText, summarizeChanges, valueItems } from './summary.js';
import { changeSetBetween, changesNotification, entry, tcp } from './__fixtures__/notifications.js';

const CAS = fileURLToPath(new URL('../../shared/corpus/cas-network-requirements/', import.meta.url));
const skipCorpus = existsSync(CAS) ? false : `corpus not found at ${CAS}`;

function corpusDiff(from: number, to: number) {
  const files = readdirSync(CAS).sort();
  const catalog = (n: number) => {
    const name = files.find((f) => f.startsWith(`${String(n).padStart(3, '0')}_`));
    assert.ok(name, `corpus version ${n}`);
    const location = `${CAS}${name}`;
    const body = readFileSync(location);
    return parseDocument('cas', { location, body, contentType: 'text/markdown', etag: null, lastModified: null });
  };
  return diffCatalogs(catalog(from), catalog(to));
}

test('addresses sort numerically and names naturally', () => {
  assert.deepEqual(['20.9.9.19', '20.9.9.9', '2001:db8::1', '4.1.1.1/24'].sort(compareEndpointValues), [
    '4.1.1.1/24',
    '20.9.9.9',
    '20.9.9.19',
    '2001:db8::1',
  ]);
  assert.deepEqual(['Extra service 10', 'Extra service 2', 'Extra service 1'].sort(compareNatural), [
    'Extra service 1',
    'Extra service 2',
    'Extra service 10',
  ]);
});

test('three or more consecutive addresses are one range; two stay two; CIDRs stay CIDRs', () => {
  const items = valueItems(['10.0.0.3', '10.0.0.1', '10.0.0.2', '10.0.0.9', '10.0.0.10', '10.1.0.0/24']);
  assert.deepEqual(
    items.map((item) => [item.text, item.count]),
    [
      ['10.0.0.1 - 10.0.0.3', 3],
      ['10.0.0.9', 1],
      ['10.0.0.10', 1],
      ['10.1.0.0/24', 1],
    ],
  );
});

test('the same values added to two rows are one line naming both rows', () => {
  const values = ['20.92.29.167', '4.198.66.78', '4.198.66.90'];
  const after = ['Access controls', 'Session controls'].flatMap((group) =>
    values.map((value) => entry(value, { section: 'Commercial', region: 'Australia Southeast', group })),
  );
  const groups = summarizeChanges(changeSetBetween([], after).changes);
  assert.equal(groups.length, 1);
  assert.deepEqual(
    groups[0]!.lines.map((line) => lineText(line)),
    ['[Access controls, Session controls]: 3 IPs added (TCP 443): 4.198.66.78, 4.198.66.90, 20.92.29.167'],
  );
  assert.equal(groups[0]!.lines[0]!.changes.length, 6);
});

test('a port change of several hosts in one row is one line', () => {
  const place = { section: 'Portal access', group: '3: Portal' };
  const hosts = [
    'a.example.com',
    'b.example.com',
    'c.example.com',
    'd.example.com',
    'e.example.com',
    'f.example.com',
    'g.example.com',
  ];
  const set = changeSetBetween(
    hosts.map((host) => entry(host, place, tcp('443'))),
    hosts.map((host) => entry(host, place, tcp('443', '8443'))),
  );
  assert.equal(set.changes.length, 7);
  const lines = summarizeChanges(set.changes)[0]!.lines;
  assert.equal(lines.length, 1);
  assert.equal(
    lineText(lines[0]!),
    '[3: Portal]: 7 hosts changed: ports TCP 443 -> TCP 443, 8443: a.example.com, b.example.com, c.example.com, d.example.com, e.example.com, f.example.com, g.example.com',
  );
});

test('headline and commit subject say counts and places, and whether action is needed', () => {
  const after = ['Access controls', 'Session controls'].flatMap((group) =>
    ['1.2.3.4', '1.2.3.5'].map((value) => entry(value, { section: 'Commercial', group })),
  );
  const set = changeSetBetween([], after);
  assert.equal(changeHeadline(set.changes), '+4 IPs in Access controls, Session controls (action needed)');
  assert.equal(
    changeCommitMessage(set).split('\n')[0],
    'cloud-app-security: +4 IPs in Access controls, Session controls (action needed)',
  );
});

test('CAS 154 -> 155: 224 IPs (112 in two rows) are one line per region, in a few Slack blocks', {
  skip: skipCorpus,
}, () => {
  const set = corpusDiff(154, 155);
  assert.equal(set.changes.length, 224);
  const groups = summarizeChanges(set.changes);
  assert.equal(groups.length, 11);
  for (const group of groups) {
    assert.equal(group.lines.length, 1, group.label);
    assert.match(lineText(group.lines[0]!), /^\[Access controls, Session controls\]: \d+ IPs added \(port 443\): /);
  }
  const notification = changesNotification(set);
  const slack = formatSlack(notification);
  assert.ok(slack.blocks.length < 10, `${slack.blocks.length} blocks`);
  assert.ok(slack.blocks.length <= SLACK_BUDGET.blocks);
  // Every one of the 112 addresses is named.
  const payload = JSON.stringify(slack.blocks);
  for (const change of set.changes) assert.ok(payload.includes(`\`${change.value}\``), change.value);
  assert.ok(!payload.includes('more change'), 'nothing summed up');
  assert.match(
    formatText(notification).split('\n')[0]!,
    /^cloud-app-security: \+224 IPs in Access controls, Session controls \(action needed\)$/,
  );
});

test('CAS 193 -> 194: 27 consecutive addresses are one range', { skip: skipCorpus }, () => {
  const set = corpusDiff(193, 194);
  const us1 = summarizeChanges(set.changes).find((group) => group.label === 'US1 · App connector');
  assert.ok(us1);
  assert.deepEqual(
    us1.lines.map((line) => lineText(line)),
    ['27 IPs added: 13.86.219.224 - 13.86.219.250'],
  );
  assert.match(formatText(changesNotification(set)), /\n {2}\+ 27 IPs added: 13\.86\.219\.224 - 13\.86\.219\.250\n/);
});
