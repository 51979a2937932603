/**
 * `pageUrl`: every medium links the page a person reads, and keeps the raw document as
 * "Document (raw)"; without one, the document is linked as before. Also end to end: the config
 * key reaches the console alert of a real run.
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
import { changesNotification, LOCATION } from './__fixtures__/notifications.js';
import { runCli } from '../test/helpers/cli-run.js';

const PAGE = 'https://learn.example.org/defender-cloud-apps/network-requirements-page';

function withPage(): Notification {
  return { ...changesNotification(), pageUrl: PAGE } as Notification;
}

test('Slack context, email footer, Teams button, webhook JSON and text link the page; the raw file is "Document (raw)"', () => {
  const notification = withPage();
  const context = JSON.stringify(formatSlack(notification).blocks.at(-1));
  assert.match(context, new RegExp(`Page: <${PAGE}\\|`));
  assert.match(context, /Document \(raw\): </);

  const email = formatEmail(notification);
  assert.match(email.html, new RegExp(`Page: <a href="${PAGE}"`));
  assert.match(email.html, /Document \(raw\): <a href=/);
  assert.match(email.text, new RegExp(`^Page: ${PAGE}$`, 'm'));
  assert.match(email.text, new RegExp(`^Document \\(raw\\): ${LOCATION}$`, 'm'));

  const card = formatTeams(notification).attachments[0]!.content;
  assert.deepEqual(
    card.actions
      .filter((a) => a.type === 'Action.OpenUrl')
      .slice(0, 2)
      .map((a) => [a.title, a.url]),
    [
      ['Open the page', PAGE],
      ['Document (raw)', LOCATION],
    ],
  );

  const payload = webhookPayload(notification);
  assert.equal(payload.pageUrl, PAGE);
  assert.equal(payload.location, LOCATION);
});

test('without pageUrl the document is linked as before', () => {
  const notification = changesNotification();
  assert.doesNotMatch(formatText(notification), /Page:|\(raw\)/);
  assert.match(formatText(notification), new RegExp(`^Document: ${LOCATION}$`, 'm'));
  assert.equal(webhookPayload(notification).pageUrl, null);
});

test('pageUrl from the config reaches a real run; a bad one is a config error naming the key', {
  timeout: 60_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-page-url-'));
  try {
    await writeFile(join(dir, 'network.md'), '## Portal access\n\n|----|----|\n|EU1 data center|13.80.125.22|\n');
    const config = (pageUrl: string) =>
      [
        'snapshotDir: ./snapshots',
        'sources:',
        '  - id: portal',
        '    url: ./network.md',
        `    pageUrl: ${pageUrl}`,
        '',
      ].join('\n');
    await writeFile(join(dir, 'endpoint-watch.yaml'), config(PAGE));
    const run = await runCli(['run'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Page: ${PAGE}$`, 'm'));
    assert.match(run.stdout, /^Document \(raw\): .*network\.md$/m);

    await writeFile(join(dir, 'endpoint-watch.yaml'), config('ftp://example.org/page'));
    const bad = await runCli(['run'], { cwd: dir });
    assert.equal(bad.code, 2, bad.stdout);
    assert.match(bad.stderr, /sources\[0\]\.pageUrl: must be an http\(s\) URL/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
