import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEmail, formatSlack, formatText } from './format.js';
import type { Notification } from './types.js';
import { changesNotification } from './__fixtures__/notifications.js';

const TEXT = [
  '@@ -10,3 +10,3 @@ ## App connector access',
  ' Allow these addresses (a new EU1 address since March):',
  ' …',
  '-|EU1|13.80.22.71|',
  '+|EU1|13.80.22.71<br>13.95.30.47|',
  ...Array.from({ length: 20 }, (_, i) => ` |filler ${i}|`),
].join('\n');

function withText(layout: boolean): Notification {
  const base = changesNotification();
  if (base.type !== 'changes') throw new Error('fixture');
  return { ...base, ...(layout ? { layout: ['column S.No is now No.'] } : {}), documentText: TEXT };
}

test("the page's text goes into the email in full and into Slack as an excerpt", () => {
  const n = withText(true);
  const email = formatEmail(n);
  assert.match(email.text, /The page's text around it:\n {2}@@ -10,3 \+10,3 @@ ## App connector access/);
  assert.match(email.text, /^ {2} \|filler 19\|$/m, 'the email has all of it');
  assert.match(email.html, /<pre>@@ -10,3 \+10,3 @@[\s\S]*\+\|EU1\|13\.80\.22\.71&lt;br&gt;13\.95\.30\.47\|/);

  const slack = formatSlack(n);
  const excerpt = slack.blocks
    .map((b) => ('text' in b && b.text && 'text' in b.text ? b.text.text : ''))
    .find((t) => t.includes("The page's text around it"));
  assert.ok(excerpt);
  assert.match(excerpt, /```@@ -10,3 \+10,3 @@ ## App connector access\n Allow these/);
  assert.match(excerpt, /\+\|EU1\|13\.80\.22\.71&lt;br&gt;13\.95\.30\.47\|/, 'escaped for Slack');
  assert.doesNotMatch(excerpt, /filler 19/, 'Slack gets an excerpt only');
  assert.match(excerpt, /… 13 more line\(s\) in the email and the commit$/);
});

test('without document text nothing is added', () => {
  const n = changesNotification();
  assert.doesNotMatch(formatText(n), /The page's text/);
  assert.doesNotMatch(JSON.stringify(formatSlack(n)), /The page's text/);
  assert.doesNotMatch(formatEmail(n).html, /The page's text/);
});
