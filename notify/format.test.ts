import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Change } from '../catalog/changes.js';
import { describeChange } from '../catalog/messages.js';
import { summarize } from '../catalog/changes.js';
import {
  SLACK_BUDGET,
  SLACK_LIMITS,
  TEXT_LIMITS,
  changeLine,
  compareForDisplay,
  countsShort,
  escapeMrkdwn,
  formatEmail,
  formatSlack,
  formatText,
  groupChanges,
  type SlackBlock,
} from './format.js';
import type { Notification } from './types.js';
import {
  COMMIT_URL,
  LOCATION,
  SOURCE,
  changeSetBetween,
  changesNotification,
  entry,
  manyAdds,
  sampleChangeSet,
  tcp,
} from './__fixtures__/notifications.js';

function blockText(block: SlackBlock): string {
  if (block.type === 'context') return block.elements.map((e) => e.text).join('\n');
  return block.text.text;
}

function sections(blocks: SlackBlock[]): string[] {
  return blocks.filter((b) => b.type === 'section').map(blockText);
}

/** A hand-written change, for values the catalog would never produce. */
function handChange(fields: Omit<Change, 'message' | 'entry' | 'fields' | 'kind'> & { kind?: Change['kind'] }): Change {
  const kind = fields.kind ?? 'fqdn';
  const base = {
    ...fields,
    kind,
    fields: [],
    entry: {
      ...entry('example.com', { section: fields.section, region: fields.region, group: fields.group }),
      kind,
      value: fields.value,
    },
  };
  return { ...base, message: describeChange(base) };
}

test('changes are grouped by (section, region), groups with something to act on first; added before modified before removed', () => {
  const groups = groupChanges(sampleChangeSet().changes);
  // US1 only lost an address (cleanup), so the two groups with an added endpoint (action) lead.
  assert.deepEqual(
    groups.map((g) => g.label),
    ['EU1 · App connector access', 'Portal access', 'US1 · App connector access'],
  );
  assert.deepEqual(
    groups.map((g) => g.changes[0]!.severity),
    ['action', 'action', 'cleanup'],
  );
  assert.deepEqual(
    groups[0]!.changes.map((c) => [c.type, c.value]),
    [
      ['added', '13.95.30.47'],
      ['removed', '13.80.22.71'],
    ],
  );
  assert.deepEqual(
    groups[1]!.changes.map((c) => c.type),
    ['added', 'modified'],
  );
});

test('display order: added, then modified and moved, then removed, whatever order they come in', () => {
  const place = { section: 'S', region: null, group: null };
  const changes = [
    handChange({ ...place, type: 'removed', value: 'a.example.com' }),
    handChange({ ...place, type: 'moved', value: 'b.example.com', from: { section: 'T', region: null, group: null } }),
    handChange({ ...place, type: 'added', value: 'z.example.com' }),
    handChange({ ...place, type: 'modified', value: 'c.example.com' }),
  ];
  assert.deepEqual(
    [...changes].sort(compareForDisplay).map((c) => c.type),
    ['added', 'moved', 'modified', 'removed'],
  );
  // A custom order is the hook for impact-first: the groups follow it.
  const reversed = groupChanges(changes, (a, b) => b.value.localeCompare(a.value));
  assert.deepEqual(
    reversed[0]!.changes.map((c) => c.value),
    ['z.example.com', 'c.example.com', 'b.example.com', 'a.example.com'],
  );
});

test('a change line drops the place its group already names but keeps the row and the ports', () => {
  const set = changeSetBetween(
    [],
    [entry('13.95.30.47', { section: 'App connector access', region: 'EU1', group: '2: Connector' }, tcp('443'))],
  );
  const change = set.changes[0]!;
  assert.match(change.message, /^EU1 App connector access \[2: Connector\]: /);
  assert.equal(changeLine(change), '[2: Connector]: IP added: 13.95.30.47 (TCP 443)');
});

test('Slack: header names source, counts and places, groups share a section block, context links document and commit', () => {
  const message = formatSlack(changesNotification());
  const [header, ...rest] = message.blocks;
  assert.equal(header?.type, 'header');
  assert.equal(
    blockText(header!),
    `${SOURCE}: +1 IP, +1 host, -2 IPs, ~1 ports in App connector access, Portal access (action needed)`,
  );
  assert.equal(sections(rest).length, 1);
  const texts = sections(rest)[0]!.split('\n\n');
  assert.equal(texts.length, 3);
  assert.equal(
    texts[0],
    '*EU1 · App connector access*\n• IP added: `13.95.30.47` (TCP 443)\n• IP removed: `13.80.22.71` (TCP 443)',
  );
  assert.match(texts[1]!, /^\*Portal access\*\n• host added: `\*\.us3\.portal\.cloudappsecurity\.com`/);
  assert.match(texts[1]!, /ports TCP 443 -&gt; TCP 80, 443/);
  // Only a removal (cleanup) here, so this group comes after the ones that need action.
  assert.equal(texts[2], '*US1 · App connector access*\n• IP removed: `104.42.54.148` (TCP 443)');
  const context = message.blocks.at(-1)!;
  assert.equal(context.type, 'context');
  assert.match(blockText(context), new RegExp(`<${LOCATION}\\|`));
  assert.match(blockText(context), new RegExp(`<${COMMIT_URL}\\|0123456789ab>`));
  assert.match(
    message.text,
    /^cloud-app-security: \+1 IP, \+1 host, -2 IPs, ~1 ports in App connector access, Portal access \(action needed\)\n/,
  );
});

test('Slack: no commit URL -> plain short commit; dry run -> says nothing was committed', () => {
  const plain = formatSlack(changesNotification(undefined, { commitUrl: null }));
  assert.match(blockText(plain.blocks.at(-1)!), /Commit: 0123456789ab$/);
  const dry = formatSlack(changesNotification(undefined, { commit: null, commitUrl: null }));
  assert.match(blockText(dry.blocks.at(-1)!), /Commit: none \(dry run\)/);
});

test('document-derived text is escaped: Slack mrkdwn specials and HTML', () => {
  const place = { section: 'Hosts <script>alert(1)</script> & more', region: 'EU<1>', group: null };
  const change = handChange({ ...place, type: 'added', value: 'evil.example.com' });
  const notification = changesNotification({ source: SOURCE, changes: [change], summary: summarize([change]) });

  const message = formatSlack(notification);
  // The header is plain_text, which Slack shows as written; everything in mrkdwn is escaped.
  assert.equal(message.blocks[0]?.type, 'header');
  const slack = JSON.stringify({ text: message.text, blocks: message.blocks.slice(1) });
  assert.ok(!slack.includes('<script>'), 'raw <script> in Slack payload');
  assert.ok(slack.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more'));
  assert.ok(slack.includes('EU&lt;1&gt;'));

  const email = formatEmail(notification);
  assert.ok(!email.html.includes('<script>'), 'raw <script> in HTML');
  assert.ok(email.html.includes('Hosts &lt;script&gt;alert(1)&lt;/script&gt; &amp; more'));
  // The text part is plain text: shown as written.
  assert.ok(email.text.includes('Hosts <script>alert(1)</script> & more'));
  assert.equal(escapeMrkdwn('a & <b>'), 'a &amp; &lt;b&gt;');
});

test('control characters and line breaks from a document cannot forge lines', () => {
  const change = handChange({
    section: 'Line one\nFAKE: 0 removed\u001b[31m',
    region: null,
    group: null,
    type: 'added',
    value: 'x.example.com',
  });
  const text = formatText(changesNotification({ source: SOURCE, changes: [change], summary: summarize([change]) }));
  assert.ok(!text.includes('\u001b'));
  assert.ok(text.includes('Line one FAKE: 0 removed'));
});

test('a non-web location is not turned into a link (no javascript: URLs in HTML or Slack)', () => {
  const notification: Notification = { ...changesNotification(), location: 'javascript:alert(1)' };
  assert.ok(!formatEmail(notification).html.includes('href="javascript'));
  assert.ok(!blockText(formatSlack(notification).blocks.at(-1)!).includes('<javascript'));
});

/** Changes a bullet line stands for: "• 25 hosts added ..." is 25, any other line 1. */
function changesOnLine(line: string): number {
  const bundle = /^(?:• |\s*[+-] )(?:\[[^\]]*\]: )?(\d+) (?:hosts|IPs|CIDRs|URLs) (?:added|removed|changed)/.exec(line);
  return bundle ? Number(bundle[1]) : 1;
}

test('Slack stays within a few blocks and says how many changes did not fit, and where they all are', () => {
  const notification = changesNotification(manyAdds(3000, 120));
  const message = formatSlack(notification);
  assert.ok(message.blocks.length <= SLACK_BUDGET.blocks, `${message.blocks.length} blocks`);
  assert.ok(JSON.stringify(message).length < 40_000, `${JSON.stringify(message).length} bytes`);
  for (const block of message.blocks) {
    const limit = block.type === 'header' ? SLACK_LIMITS.headerText : SLACK_LIMITS.sectionText;
    assert.ok(blockText(block).length <= limit, `${block.type} of ${blockText(block).length} chars`);
  }
  assert.ok(message.text.length <= SLACK_LIMITS.fallbackText);
  const bullets = sections(message.blocks)
    .join('\n')
    .split('\n')
    .filter((line) => line.startsWith('• '));
  // 25 hosts per section: each section is one line.
  assert.ok(bullets.every((line) => line.includes('25 hosts added')));
  const shown = bullets.reduce((sum, line) => sum + changesOnLine(line), 0);
  const last = sections(message.blocks).at(-1)!;
  const more = /\.\.\. and (\d+) more changes in (\d+) more places/.exec(last);
  assert.ok(more, 'no "... and N more changes" line');
  assert.equal(shown + Number(more[1]), 3000);
  assert.equal(bullets.length + Number(more[2]), 120);
  assert.match(last, new RegExp(`<${COMMIT_URL}\\|the commit>`));
  assert.match(last, /`endpoint-watch history --source cloud-app-security`/);
  // The email and console text list the places, count the rest and say where the whole list is.
  const text = formatEmail(notification).text;
  const lines = text.split('\n').filter((l) => l.startsWith('  + '));
  assert.ok(lines.length > 0 && lines.length <= TEXT_LIMITS.total, `${lines.length} lines`);
  const listed = lines.reduce((sum, line) => sum + changesOnLine(line), 0);
  const counted = [...text.matchAll(/\.\.\. and (\d+) more (?:here|changes in)/g)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
  assert.equal(listed + counted, 3000);
  assert.match(text, /Every change: endpoint-watch history --source cloud-app-security/);
});

test('one line of very many values lists what fits and counts the rest', () => {
  const message = formatSlack(changesNotification(manyAdds(200, 1)));
  const texts = sections(message.blocks);
  const line = texts[0]!.split('\n')[1]!;
  assert.match(line, /^• 200 hosts added \(TCP 443\): `host-00000\.endpoints\.example\.com`, `host-00001/);
  const more = / and (\d+) more$/.exec(line);
  assert.ok(more, line.slice(-80));
  assert.equal((line.match(/`/g) ?? []).length / 2 + Number(more[1]), 200);
  assert.match(texts.at(-1)!, /^Every change: /);
});

test('lines that do not fit one block continue in the next, under the text limit', () => {
  // Each change is already listed in a place of its own, so none is bundled with another.
  const set = manyAdds(200, 1);
  const changes = set.changes.map((change, index) => {
    const draft = { ...change, listedElsewhere: [{ section: `Other ${index}`, region: null, group: null }] };
    return { ...draft, message: describeChange(draft) };
  });
  const message = formatSlack(changesNotification({ ...set, changes }));
  const texts = sections(message.blocks);
  assert.ok(texts.length > 1);
  assert.ok(message.blocks.length <= SLACK_BUDGET.blocks);
  assert.ok(texts.every((t) => t.length <= SLACK_LIMITS.sectionText));
  assert.match(texts[1]!, /^\*Section 000\* \(continued\)\n/);
  const bullets = texts
    .join('\n')
    .split('\n')
    .filter((l) => l.startsWith('• ')).length;
  const more = /\.\.\. and (\d+) more changes\./.exec(texts.at(-1)!);
  assert.equal(bullets + Number(more?.[1] ?? 0), 200);
});

test('a very long source id and value are clipped for Slack, not rejected', () => {
  const long = 'x'.repeat(400);
  const notification: Notification = { ...changesNotification(), source: long };
  const header = formatSlack(notification).blocks[0]!;
  assert.equal(blockText(header).length, SLACK_LIMITS.headerText);
  assert.ok(blockText(header).endsWith('…'));
});

test('email subject carries prefix, source and counts; text and HTML list the changes', () => {
  const email = formatEmail(changesNotification());
  const subject =
    'cloud-app-security: +1 IP, +1 host, -2 IPs, ~1 ports in App connector access, Portal access (action needed)';
  assert.equal(email.subject, `[endpoint-watch] ${subject}`);
  assert.equal(formatEmail(changesNotification(), { subjectPrefix: '' }).subject, subject);
  assert.match(
    email.text,
    /\nEU1 · App connector access\n {2}\+ IP added: 13\.95\.30\.47 \(TCP 443\)\n {2}- IP removed: 13\.80\.22\.71/,
  );
  assert.match(email.html, /<h3>EU1 · App connector access<\/h3>\n<ul>\n<li>\+ IP added: <code>13\.95\.30\.47<\/code>/);
  assert.match(email.html, new RegExp(`<a href="${COMMIT_URL}">0123456789ab</a>`));
  assert.equal(countsShort({ added: 1, removed: 2, modified: 0, moved: 0, reshaped: 0 }), '+1 -2 ~0');
  assert.equal(countsShort({ added: 0, removed: 0, modified: 1, moved: 2, reshaped: 3 }), '+0 -0 ~6');
});

test('baseline: one short notice with the count, never a list of adds', () => {
  const notification: Notification = {
    type: 'baseline',
    source: SOURCE,
    location: LOCATION,
    entryCount: 412,
    commit: null,
    commitUrl: null,
  };
  const slack = formatSlack(notification);
  assert.equal(blockText(slack.blocks[0]!), 'cloud-app-security: now tracking 412 endpoints');
  assert.equal(slack.blocks.length, 3);
  assert.ok(!JSON.stringify(slack).includes('added'));
  const email = formatEmail(notification);
  assert.equal(email.subject, '[endpoint-watch] cloud-app-security: now tracking 412 endpoints');
  assert.ok(email.text.split('\n').length < 8, email.text);
  assert.match(formatText(notification), /now tracking 412 endpoints/);
  assert.match(formatText({ ...notification, entryCount: 1 }), /now tracking 1 endpoint\n/);
});

function withheldNotification(count: number, confirmAt: string | null = '2024-05-03T14:00:00.000Z'): Notification {
  return {
    type: 'withheld',
    source: SOURCE,
    location: LOCATION,
    reasons: ['section "Authentication gateway" is gone with 2 endpoints listed nowhere else <b>'],
    removals: Array.from({ length: count }, (_, i) => ({
      kind: 'ip' as const,
      value: `52.183.${i >> 8}.${i & 255}`,
      section: 'Authentication gateway',
      region: i % 2 ? 'EU1' : 'US1',
      group: null,
      since: '2024-05-01T14:00:00.000Z',
    })),
    confirmAt,
  };
}

test('withheld: lists what is withheld by place, why, when it goes through, how to preview and accept', () => {
  const notification = withheldNotification(2);
  const text = formatText(notification);
  assert.match(text, /^cloud-app-security: 2 removals withheld, they look like breakage\n/);
  assert.match(text, /no cleanup alert was sent for them\. Everything else in this version was committed/);
  assert.match(text, /Why:\n {2}- section "Authentication gateway" is gone with 2 endpoints listed nowhere else <b>\n/);
  assert.match(
    text,
    /US1 · Authentication gateway\n {2}- IP 52\.183\.0\.0\nEU1 · Authentication gateway\n {2}- IP 52\.183\.0\.1\n/,
  );
  assert.match(text, /committed as removals and alerted on 2024-05-03 14:00 UTC/);
  assert.match(text, /endpoint-watch run --dry-run --source cloud-app-security/);
  assert.match(text, /endpoint-watch run --accept --source cloud-app-security/);
  assert.doesNotMatch(text, /Commit:/);
  assert.match(
    formatText(withheldNotification(1, null)),
    /1 removal withheld, it looks like breakage[\s\S]*until a person accepts them/,
  );

  const slack = formatSlack(notification).blocks.map(blockText).join('\n');
  assert.match(slack, /• section "Authentication gateway" is gone .* &lt;b&gt;/);
  assert.match(slack, /• IP `52\.183\.0\.0`/);
  assert.match(slack, /`endpoint-watch run --accept --source cloud-app-security`/);

  const email = formatEmail(notification);
  assert.equal(email.subject, '[endpoint-watch] cloud-app-security: 2 removals withheld (looks like breakage)');
  assert.match(email.html, /<li>IP <code>52\.183\.0\.0<\/code><\/li>/);
  assert.match(email.html, /<pre>endpoint-watch run --dry-run --source cloud-app-security<\/pre>/);
});

test('withheld: thousands of removals stay readable in Slack, email and text', () => {
  const notification = withheldNotification(9000);
  const slack = formatSlack(notification);
  assert.ok(slack.blocks.length <= SLACK_LIMITS.blocks);
  assert.ok(
    slack.blocks.every(
      (b) => blockText(b).length <= (b.type === 'header' ? SLACK_LIMITS.headerText : SLACK_LIMITS.sectionText),
    ),
  );
  const all = slack.blocks.map(blockText).join('\n');
  const shown = all.split('\n').filter((line) => line.startsWith('• IP ')).length;
  const more = /\.\.\. and (\d+) more lines/.exec(all);
  assert.equal(shown + Number(more?.[1] ?? 0), 9000, 'every removal is shown or counted');
  assert.ok(more, 'not all of them fit');
  assert.match(blockText(slack.blocks.at(-2)!), /--accept --source cloud-app-security/);
  const text = formatText(notification);
  assert.ok(text.split('\n').length < TEXT_LIMITS.total + 40, `${text.split('\n').length} lines`);
  assert.match(text, /\.\.\. and 4480 more here/);
  assert.ok(formatEmail(notification).html.length < 100_000);
});

test('changes: layout lines, confirmed and still-withheld removals are said before the list', () => {
  const base = changesNotification(sampleChangeSet());
  assert.equal(base.type, 'changes');
  const notification: Notification = {
    ...(base as Extract<Notification, { type: 'changes' }>),
    layout: ['column S.No is now No. (8 tables)'],
    confirmed: { count: 2, how: 'the page kept this state for 48h' },
    withheldCount: 3,
  };
  const text = formatText(notification);
  assert.match(text, /\nLayout changed: column S\.No is now No\. \(8 tables\)\n/);
  assert.match(
    text,
    /\nConfirmed: 2 removals withheld earlier, now committed \(the page kept this state for 48h\)\.\n/,
  );
  assert.match(text, /\nWithheld: 3 more removals of this version, announced in a separate alert\.\n/);
  assert.match(formatSlack(notification).blocks.map(blockText).join('\n'), /Layout changed: column S\.No is now No\./);
  assert.match(formatEmail(notification).html, /Layout changed: column S\.No is now No\. \(8 tables\)<br>Confirmed/);
});

test('health (from an older outbox): says the version was held and nothing committed, lists problems, tells how to accept', () => {
  const problems = ['tables: 4 -> 1 (3 lost)', 'entries: 212 -> 9 (96% gone) <b>'];
  const notification: Notification = { type: 'health', source: SOURCE, location: LOCATION, problems };
  const text = formatText(notification);
  assert.match(text, /parser-health problem, new version held, nothing committed/);
  assert.match(text, / {2}- tables: 4 -> 1 \(3 lost\)\n {2}- entries: 212 -> 9 \(96% gone\) <b>\n/);
  assert.match(text, /endpoint-watch run --accept --source cloud-app-security/);

  const slack = formatSlack(notification);
  const all = slack.blocks.map(blockText).join('\n');
  assert.match(all, /• entries: 212 -&gt; 9 \(96% gone\) &lt;b&gt;/);
  assert.match(all, /`endpoint-watch run --accept --source cloud-app-security`/);
  assert.ok(!all.includes('Commit:'), 'a held version has no commit');

  const email = formatEmail(notification);
  assert.equal(email.subject, '[endpoint-watch] cloud-app-security: parser-health problem, new version held');
  assert.match(email.html, /<li>entries: 212 -&gt; 9 \(96% gone\) &lt;b&gt;<\/li>/);
  assert.match(email.html, /<pre>endpoint-watch run --accept --source cloud-app-security<\/pre>/);
});

test('health with very many problems still fits Slack', () => {
  const problems = Array.from({ length: 2000 }, (_, i) => `problem ${i}: ${'y'.repeat(100)}`);
  const slack = formatSlack({ type: 'health', source: SOURCE, location: LOCATION, problems });
  assert.ok(slack.blocks.length <= SLACK_LIMITS.blocks);
  assert.ok(slack.blocks.every((b) => blockText(b).length <= SLACK_LIMITS.sectionText));
  assert.match(slack.blocks.map(blockText).join('\n'), /\.\.\. and \d+ more problems/);
  assert.match(blockText(slack.blocks.at(-2)!), /--accept --source cloud-app-security/);
});
