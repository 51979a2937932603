import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { diffCatalogs } from '../catalog/diff.js';
import { changeHeadline } from '../catalog/messages.js';
import { compareEndpointValues, compareNatural } from '../catalog/order.js';
import { parseDocument } from '../parsers/parse-document.js';
import { changeCommitMessage } from '../pipeline/commit-message.js';
import type { Change } from '../catalog/changes.js';
import { SLACK_BUDGET, formatEmail, formatSlack, formatText } from './format.js';
import { formatTeams } from './teams.js';
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

/** The values and ranges of `changes` as a summary names them: "13.80.22.71", "20.40.1.1 - 20.40.1.3". */
function namedValues(changes: Change[]): string[] {
  return valueItems(changes.map((change) => change.value)).map((item) => item.text);
}

test('removals still listed under another section are one line per section; truly gone ones stay named', () => {
  const dlp = { section: 'Third-party DLP integration', region: 'EU1' };
  const connector = { section: 'App connector', region: 'EU1' };
  const portal = { section: 'Portal access', region: 'EU1' };
  const stillListed = Array.from({ length: 40 }, (_, i) => `20.101.${Math.floor(i / 20)}.${(i % 20) * 3 + 1}`);
  const gone = ['13.80.22.71', '20.40.1.1', '20.40.1.2', '20.40.1.3'];
  const kept = [
    ...stillListed.map((value) => entry(value, connector)),
    ...stillListed.slice(0, 2).map((value) => entry(value, portal)),
    entry('52.157.232.110', dlp),
  ];
  const set = changeSetBetween([...kept, ...[...stillListed, ...gone].map((value) => entry(value, dlp))], kept);
  assert.equal(set.summary.removed, 44);

  const [group, ...others] = summarizeChanges(set.changes);
  assert.equal(others.length, 0);
  assert.equal(group!.label, 'EU1 · Third-party DLP integration');
  assert.deepEqual(
    group!.lines.map((line) => lineText(line, 3)),
    [
      '4 IPs removed (TCP 443): 13.80.22.71, 20.40.1.1 - 20.40.1.3 (3 addresses)',
      '40 IPs removed (TCP 443), all still listed under EU1 App connector; 2 also under EU1 Portal access: 20.101.0.1, 20.101.0.4, 20.101.0.7 and 37 more',
    ],
  );

  const notification = changesNotification(set);
  const slack = formatSlack(notification);
  assert.ok(slack.blocks.length < 10, `${slack.blocks.length} blocks`);
  const payload = JSON.stringify(slack.blocks);
  // Every truly removed value or range is named; the still-listed ones are counted, not listed.
  for (const value of namedValues(set.changes.filter((c) => !c.listedElsewhere?.length)))
    assert.ok(payload.includes(`\`${value}\``), value);
  assert.ok(payload.includes('40 IPs removed (TCP 443), all still listed under EU1 App connector'), payload);
  assert.ok(!payload.includes('20.101.0.4'), 'still-listed values are not listed in Slack');
  assert.match(payload, /Every change: /);
  // Teams, like Slack, says the line without its values; text and email list them.
  const teams = JSON.stringify(formatTeams(notification));
  assert.ok(teams.includes('40 IPs removed \\\\(TCP 443\\\\), all still listed under EU1 App connector'), teams);
  assert.ok(!teams.includes('20.101.0.4'), 'still-listed values are not listed in Teams');
  const text = formatText(notification);
  assert.equal(text.split('\n').filter((line) => line.startsWith('  - ')).length, 2);
  for (const value of stillListed) assert.ok(text.includes(value), value);
  assert.ok(formatEmail(notification).html.includes('<code>20.101.1.58</code>'), 'email lists the values');
});

test('additions already listed elsewhere say so once for the bundle', () => {
  const connector = { section: 'App connector', region: 'US1' };
  const portal = { section: 'Portal access', region: 'US1' };
  const values = ['13.64.16.129', '13.64.16.130', '13.64.16.131', '13.91.61.249'];
  const before = values.map((value) => entry(value, connector));
  const set = changeSetBetween(before, [...before, ...values.map((value) => entry(value, portal))]);
  const [group] = summarizeChanges(set.changes);
  assert.deepEqual(
    group!.lines.map((line) => lineText(line)),
    [
      '4 IPs added (TCP 443), all already listed under US1 App connector: 13.64.16.129 - 13.64.16.131 (3 addresses), 13.91.61.249',
    ],
  );
});

test('CAS 177 -> 178: 272 removals still listed under App connector are one line per section, within the Slack budget', {
  skip: skipCorpus,
}, () => {
  const set = corpusDiff(177, 178);
  assert.equal(set.summary.removed, 272);
  const groups = summarizeChanges(set.changes);
  const removalLines = groups.flatMap((group) => group.lines.filter((line) => line.mark === '-'));
  // Every removal is on a line, and the lines are few: one per section, not 272.
  assert.equal(
    removalLines.reduce((sum, line) => sum + line.changes.length, 0),
    272,
  );
  assert.ok(removalLines.length <= 6, `${removalLines.length} removal lines`);
  for (const group of groups.filter((g) => g.label.endsWith('Third-party DLP integration'))) {
    const region = group.label.split(' · ')[0];
    assert.equal(group.lines.length, 1, group.label);
    assert.match(
      group.lines[0]!.lead,
      new RegExp(`^\\d+ IPs removed, all still listed under ${region} App connector(;|$)`),
      group.label,
    );
  }

  const notification = changesNotification(set);
  const slack = formatSlack(notification);
  assert.ok(slack.blocks.length < 10, `${slack.blocks.length} blocks`);
  const payload = JSON.stringify(slack.blocks);
  assert.ok(!payload.includes('more change'), 'no place or line summed up as "more changes"');
  // What was added, and what is truly gone (listed nowhere else), is named value by value or range.
  const named = set.changes.filter((c) => c.type === 'added' || (c.type === 'removed' && !c.listedElsewhere?.length));
  for (const value of namedValues(named)) assert.ok(payload.includes(`\`${value}\``), value);
  for (const line of removalLines) assert.ok(payload.includes(line.lead.split(':')[0]!), line.lead);
});
