import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEmail, formatSlack, formatText } from './format.js';
import { durationText } from './format-source-health.js';
import type { Notification } from './types.js';

const failing: Notification = {
  type: 'source-failing',
  source: 'portal',
  location: 'https://docs.example.com/network.md',
  error: { code: 'FETCH', message: 'HTTP 500 <!channel> <script>x</script>\u202e' },
  since: '2026-03-02T09:00:00.000Z',
  failures: 7,
  at: '2026-03-05T10:00:00.000Z',
  reminder: true,
};

test('a still-failing source in every medium: how long, the error escaped for each', () => {
  const text = formatText(failing);
  assert.match(text, /^portal: still failing for 3 days \(7 runs\)\n/);
  assert.match(text, /Last error \(FETCH\): HTTP 500 <!channel> <script>x<\/script>\n/);
  assert.ok(!text.includes('\u202e'));
  const slack = formatSlack(failing);
  const json = JSON.stringify(slack.blocks);
  assert.ok(json.includes('&lt;!channel&gt;') && !json.includes('<!channel>'), 'no @channel ping from an error text');
  const email = formatEmail(failing);
  assert.equal(email.subject, '[endpoint-watch] portal: source still failing since 2026-03-02 09:00 UTC');
  assert.ok(email.html.includes('&lt;script&gt;') && !email.html.includes('<script>'));
});

test('recovered, and a re-send marked as a possible duplicate', () => {
  const recovered: Notification = {
    type: 'source-recovered',
    source: 'portal',
    location: 'https://docs.example.com/network.md',
    since: '2026-03-02T09:00:00.000Z',
    recoveredAt: '2026-03-02T15:30:00.000Z',
    failures: 6,
    lastError: 'HTTP 500',
  };
  assert.match(formatText(recovered), /^portal: works again after 6 runs\n/);
  assert.match(formatText(recovered), /\(6 hours\)/);
  const again = { ...recovered, possibleDuplicate: true };
  assert.match(formatText(again), /^portal: works again after 6 runs \(re-sent, may be a duplicate\)\n/);
  assert.match(formatEmail(again).subject, /\(re-sent, may be a duplicate\)$/);
  assert.equal(durationText('2026-03-02T09:00:00Z', '2026-03-02T09:00:30Z'), 'less than a minute');
});
