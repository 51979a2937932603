/**
 * `historyUrl`: the history page (serve's /history, or a static report) is linked from every
 * medium, and named where a summed-up alert says where every change is. End to end too: the
 * config key reaches the console alert of a real run, `{source}` replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatEmail, formatSlack, formatText } from './format.js';
import { formatTeams } from './teams.js';
import { webhookPayload } from './webhook.js';
import type { Notification } from './types.js';
import { changesNotification, manyAdds } from './__fixtures__/notifications.js';
import { runCli } from '../test/helpers/cli-run.js';

const HISTORY = 'https://ew.example.org/history#cloud-app-security';

function withHistory(notification: Notification = changesNotification()): Notification {
  return { ...notification, historyUrl: HISTORY } as Notification;
}

test('text, Slack context, email footer, Teams button and webhook JSON link the history page', () => {
  const notification = withHistory();
  assert.match(formatText(notification), new RegExp(`^History: ${HISTORY}$`, 'm'));
  const context = JSON.stringify(formatSlack(notification).blocks.at(-1));
  assert.ok(context.includes(`History: <${HISTORY}|the history page>`), context);
  assert.ok(formatEmail(notification).html.includes(`History: <a href="${HISTORY}">`), 'email footer');
  const card = formatTeams(notification).attachments[0]!.content;
  assert.deepEqual(
    card.actions.filter((a) => a.title === 'Open the history page').map((a) => a.url),
    [HISTORY],
  );
  assert.equal(webhookPayload(notification).historyUrl, HISTORY);
});

test('a summed-up alert names the history page among the places every change is', () => {
  const notification = withHistory(changesNotification(manyAdds(3000, 40)));
  assert.match(formatText(notification), new RegExp(`^Every change, on the history page: ${HISTORY}$`, 'm'));
  const sections = formatSlack(notification).blocks.filter((b) => b.type === 'section');
  const last = sections.at(-1)!;
  assert.ok(last.type === 'section' && last.text.text.includes(`<${HISTORY}|the history page>`), JSON.stringify(last));
  assert.ok(formatEmail(notification).html.includes(`<a href="${HISTORY}">the history page</a>`), 'email');
});

test('without historyUrl nothing says History, and a non-web URL is never a link', () => {
  assert.doesNotMatch(formatText(changesNotification()), /History/);
  assert.equal(webhookPayload(changesNotification()).historyUrl, null);
  const odd = withHistory();
  (odd as { historyUrl: string }).historyUrl = 'javascript:alert(1)';
  assert.doesNotMatch(JSON.stringify(formatSlack(odd)), /javascript:/);
  assert.doesNotMatch(formatEmail(odd).html, /javascript:/);
});

test('historyUrl from the config reaches a real run with {source} replaced; a bad one is a config error', {
  timeout: 60_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-history-url-'));
  try {
    await writeFile(join(dir, 'network.md'), '## Portal access\n\n|----|----|\n|EU1 data center|13.80.125.22|\n');
    const config = (historyUrl: string) =>
      [
        'snapshotDir: ./snapshots',
        `historyUrl: ${historyUrl}`,
        'sources:',
        '  - id: portal',
        '    url: ./network.md',
        '',
      ].join('\n');
    await writeFile(join(dir, 'endpoint-watch.yaml'), config('https://ew.example.org/history#{source}'));
    const run = await runCli(['run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^History: https:\/\/ew\.example\.org\/history#portal$/m);

    await writeFile(join(dir, 'endpoint-watch.yaml'), config('ftp://example.org/history'));
    const bad = await runCli(['run'], { cwd: dir });
    assert.equal(bad.code, 2, bad.stdout);
    assert.match(bad.stderr, /historyUrl: must be an http\(s\) URL/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
