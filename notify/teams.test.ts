import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotifyError } from '../errors/index.js';
import { startSlackStub } from '../test/helpers/slack-stub.js';
import { rejection } from '../test/helpers/rejection.js';
import type { PostDelays } from './post-json.js';
import { TEAMS_BUDGET, createTeamsNotifier, escapeCardMarkdown, formatTeams, teamsOptionsSchema } from './teams.js';
import { changesNotification, manyAdds } from './__fixtures__/notifications.js';

// The stub is a plain recording HTTP server on 127.0.0.1: a Teams Workflows webhook answers 202.
function fakeDelays(): PostDelays & { waits: number[] } {
  const waits: number[] = [];
  return { waits, baseDelayMs: 5, maxDelayMs: 2000, sleep: async (ms) => void waits.push(ms) };
}

function options(webhookUrl: string, extra: Record<string, unknown> = {}) {
  return teamsOptionsSchema.parse({ type: 'teams', webhookUrl, ...extra });
}

function cardText(body: unknown): string {
  const message = body as { attachments: Array<{ content: { body: Array<{ text?: string }> } }> };
  return message.attachments[0]!.content.body.map((b) => b.text ?? '').join('\n');
}

test('posts one Adaptive Card message naming the changes, with links to document and commit', {
  timeout: 30_000,
}, async (t) => {
  const teams = await startSlackStub();
  t.after(() => teams.close());
  teams.respond({ status: 202, body: '' });
  await createTeamsNotifier(options(teams.url), fakeDelays()).send(changesNotification());
  assert.equal(teams.requests.length, 1);
  assert.equal(teams.requests[0]!.headers['content-type'], 'application/json');
  const message = teams.delivered()[0] as ReturnType<typeof formatTeams>;
  assert.equal(message.type, 'message');
  const attachment = message.attachments[0]!;
  assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(attachment.content.type, 'AdaptiveCard');
  assert.equal(attachment.content.version, '1.4');
  const text = cardText(message);
  assert.match(text, /13\.95\.30\.47/);
  assert.match(text, /EU1 · App connector access/);
  assert.deepEqual(
    attachment.content.actions.map((a) => a.title),
    ['Open the document', 'Open the commit'],
  );
});

test('document text cannot become markdown in the card', () => {
  assert.equal(escapeCardMarkdown('*.example.com [x](y) a_b'), '\\*.example.com \\[x\\]\\(y\\) a\\_b');
});

test('a change of 3,000 endpoints stays under the card budget and says where the rest is', () => {
  const message = formatTeams(changesNotification(manyAdds(3000, 120)));
  const size = JSON.stringify(message).length;
  assert.ok(size <= TEAMS_BUDGET.bytes, `${size} bytes`);
  assert.match(cardText(message), /more changes in \d+ more places/);
  assert.match(cardText(message), /Every change: endpoint-watch history --source cloud-app-security/);
});

test('429 then 500 then 202: retried with Retry-After, delivered once', { timeout: 30_000 }, async (t) => {
  const teams = await startSlackStub();
  t.after(() => teams.close());
  teams.respond({ status: 429, headers: { 'retry-after': '1' } }, { status: 500 }, { status: 202, body: '' });
  const delays = fakeDelays();
  await createTeamsNotifier(options(teams.url), delays).send(changesNotification());
  assert.deepEqual(
    teams.requests.map((r) => r.status),
    [429, 500, 202],
  );
  assert.equal(teams.delivered().length, 1);
  assert.deepEqual(delays.waits, [1000, 10]);
});

test('500 every time and a hung webhook: NotifyError without the URL', { timeout: 30_000 }, async (t) => {
  const teams = await startSlackStub();
  t.after(() => teams.close());
  teams.respond(...Array.from({ length: 3 }, () => ({ status: 500 })));
  const failed = await rejection(
    createTeamsNotifier(options(teams.url, { retries: 2 }), fakeDelays()).send(changesNotification()),
    NotifyError,
  );
  assert.equal(teams.requests.length, 3);
  assert.match(failed.message, /Teams webhook kept failing: HTTP 500 internal_error \(gave up after 3 attempts\)/);
  assert.ok(!failed.message.includes(teams.secretPath));

  teams.respond({ status: 0, hang: true }, { status: 0, hang: true });
  const hung = await rejection(
    createTeamsNotifier(options(teams.url, { retries: 1, timeoutSeconds: 0.2 }), fakeDelays()).send(
      changesNotification(),
    ),
    NotifyError,
  );
  // A POST that timed out after it was sent may have arrived: not retried in this run (outbound/retry.ts).
  assert.match(
    hung.message,
    /cannot reach the Teams webhook: timed out after 0\.2 s after the request was sent; it may have been delivered \(not retried\)/,
  );
  assert.equal(teams.requests.length, 4, 'one POST for the hung webhook, not two');
  assert.equal(teams.delivered().length, 0);
});

test('400 is not retried', { timeout: 30_000 }, async (t) => {
  const teams = await startSlackStub();
  t.after(() => teams.close());
  teams.respond({ status: 400, body: 'bad card' });
  const error = await rejection(
    createTeamsNotifier(options(teams.url), fakeDelays()).send(changesNotification()),
    NotifyError,
  );
  assert.equal(teams.requests.length, 1);
  assert.match(error.message, /rejected the message: HTTP 400 bad card/);
});
