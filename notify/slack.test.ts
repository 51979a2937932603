import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { NotifyError } from '../errors/index.js';
import { startSlackStub } from '../test/helpers/slack-stub.js';
import { createSlackNotifier, slackOptionsSchema, type SlackDelays } from './slack.js';
import { changesNotification } from './__fixtures__/notifications.js';
import { rejection } from '../test/helpers/rejection.js';
import { MaybeDeliveredError } from './types.js';

/** Records the waits instead of sleeping. */
function fakeDelays(): SlackDelays & { waits: number[] } {
  const waits: number[] = [];
  return { waits, baseDelayMs: 5, maxDelayMs: 2000, sleep: async (ms) => void waits.push(ms) };
}

function options(webhookUrl: string, extra: Record<string, unknown> = {}) {
  return slackOptionsSchema.parse({ type: 'slack', webhookUrl, ...extra });
}

function sendError(promise: Promise<unknown>): Promise<NotifyError> {
  return rejection(promise, NotifyError);
}

test('posts the Block Kit message through @slack/webhook to the stub', { timeout: 30_000 }, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  const notifier = createSlackNotifier(
    options(slack.url, { channel: '#netsec', username: 'endpoint-watch' }),
    fakeDelays(),
  );
  assert.equal(notifier.id, 'slack:#netsec');

  await notifier.send(changesNotification());

  assert.equal(slack.requests.length, 1);
  assert.equal(slack.requests[0]!.headers['content-type'], 'application/json');
  const body = slack.delivered()[0] as {
    text: string;
    channel: string;
    username: string;
    blocks: Array<{ type: string; text?: { text: string } }>;
  };
  assert.equal(body.channel, '#netsec');
  assert.equal(body.username, 'endpoint-watch');
  assert.match(
    body.text,
    /^cloud-app-security: \+1 IP, \+1 host, -2 IPs, ~1 ports in App connector access, Portal access \(action needed\)/,
  );
  assert.deepEqual(
    body.blocks.map((b) => b.type),
    ['header', 'section', 'context'],
  );
  assert.equal(
    body.blocks[0]!.text!.text,
    'cloud-app-security: +1 IP, +1 host, -2 IPs, ~1 ports in App connector access, Portal access (action needed)',
  );
  assert.match(body.blocks[1]!.text!.text, /^\*EU1 · App connector access\*\n• IP added: `13\.95\.30\.47`/);
});

test('id is "slack" without a channel', { timeout: 30_000 }, () => {
  assert.equal(createSlackNotifier(options('https://example.com/services/x/y/z')).id, 'slack');
});

test('429 then 200: delivered exactly once after one retry, honouring Retry-After', { timeout: 30_000 }, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond({ status: 429, headers: { 'retry-after': '1' } });
  const delays = fakeDelays();
  await createSlackNotifier(options(slack.url), delays).send(changesNotification());
  assert.deepEqual(
    slack.requests.map((r) => r.status),
    [429, 200],
  );
  assert.equal(slack.delivered().length, 1);
  assert.deepEqual(delays.waits, [1000]);
});

test('Retry-After is capped', { timeout: 30_000 }, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond({ status: 429, headers: { 'retry-after': '86400' } });
  const delays = fakeDelays();
  await createSlackNotifier(options(slack.url), delays).send(changesNotification());
  assert.deepEqual(delays.waits, [2000]);
  assert.equal(slack.delivered().length, 1);
});

test('429, 500, then 200: retries both, one delivery', { timeout: 30_000 }, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond({ status: 429, headers: { 'retry-after': '0' } }, { status: 500 });
  const delays = fakeDelays();
  await createSlackNotifier(options(slack.url), delays).send(changesNotification());
  assert.deepEqual(
    slack.requests.map((r) => r.status),
    [429, 500, 200],
  );
  assert.equal(slack.delivered().length, 1);
  // Retry-After: 0 is honoured as "now"; the 500 gets exponential backoff (second retry: 2 x base).
  assert.deepEqual(delays.waits, [0, 10]);
});

test('500 every time: NotifyError after 1 + retries attempts, nothing delivered', { timeout: 30_000 }, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond(...Array.from({ length: 10 }, () => ({ status: 500 })));
  const delays = fakeDelays();
  const error = await sendError(
    createSlackNotifier(options(slack.url, { retries: 2 }), delays).send(changesNotification()),
  );
  assert.equal(slack.requests.length, 3);
  assert.equal(slack.delivered().length, 0);
  assert.equal(error.notifier, 'slack');
  assert.equal(error.code, 'NOTIFY');
  assert.match(error.message, /HTTP 500 internal_error \(gave up after 3 attempts\)/);
  assert.deepEqual(delays.waits, [5, 10]);
});

test('400 invalid_payload and 404 no_service are not retried', { timeout: 30_000 }, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond({ status: 400 });
  const notifier = createSlackNotifier(options(slack.url), fakeDelays());
  const bad = await sendError(notifier.send(changesNotification()));
  assert.equal(slack.requests.length, 1);
  assert.match(bad.message, /rejected the message: HTTP 400 invalid_payload \(not retried/);

  slack.respond({ status: 404 });
  const gone = await sendError(notifier.send(changesNotification()));
  assert.equal(slack.requests.length, 2);
  assert.match(gone.message, /HTTP 404 no_service/);
});

test('the webhook URL never appears in an error message, even when the answer echoes it', {
  timeout: 30_000,
}, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond({ status: 400, body: `invalid_token for ${slack.url} (${slack.secretPath})` });
  const error = await sendError(createSlackNotifier(options(slack.url), fakeDelays()).send(changesNotification()));
  assert.ok(!error.message.includes(slack.secretPath), error.message);
  assert.ok(!error.message.includes(slack.url), error.message);
  assert.ok(!String(error.stack).includes(slack.secretPath));
  assert.equal(error.cause, undefined);
  assert.match(error.message, /invalid_token for \*\*\*/);
});

test('connection refused: retried, then a clear NotifyError without the URL', { timeout: 30_000 }, async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const url = `http://127.0.0.1:${port}/services/T1/B2/secret-token-value`;

  const delays = fakeDelays();
  const error = await sendError(createSlackNotifier(options(url, { retries: 1 }), delays).send(changesNotification()));
  assert.match(error.message, /cannot reach the Slack webhook: .*ECONNREFUSED.*\(gave up after 2 attempts\)/);
  assert.ok(!error.message.includes('secret-token-value'));
  assert.equal(delays.waits.length, 1);
});

test('a webhook that never answers times out once and is not retried: it may have posted', {
  timeout: 30_000,
}, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond({ status: 0, hang: true });
  const error = await sendError(
    createSlackNotifier(options(slack.url, { timeoutSeconds: 0.2, retries: 3 }), fakeDelays()).send(
      changesNotification(),
    ),
  );
  assert.ok(error instanceof MaybeDeliveredError, 'a timeout after the body was sent is "maybe delivered"');
  assert.match(
    error.message,
    /timed out after 0.2 s after the request was sent; it may have been delivered \(not retried\)/,
  );
  assert.equal(slack.requests.length, 1, 'one POST, no blind retry');
});

test('a Slack that answers 200 after the timeout gets one copy, not one per retry', { timeout: 30_000 }, async (t) => {
  const slack = await startSlackStub();
  t.after(() => slack.close());
  slack.respond({ status: 200, delayMs: 1500 });
  const error = await sendError(
    createSlackNotifier(options(slack.url, { timeoutSeconds: 0.3, retries: 4 }), fakeDelays()).send(
      changesNotification(),
    ),
  );
  assert.ok(error instanceof MaybeDeliveredError);
  assert.equal(slack.requests.length, 1);
});

test('a refused connection is still retried: nothing was sent', { timeout: 30_000 }, async () => {
  const slack = await startSlackStub();
  const url = slack.url;
  await slack.close();
  const error = await sendError(
    createSlackNotifier(options(url, { timeoutSeconds: 0.5, retries: 2 }), fakeDelays()).send(changesNotification()),
  );
  assert.ok(!(error instanceof MaybeDeliveredError));
  assert.match(error.message, /gave up after 3 attempts/);
});
