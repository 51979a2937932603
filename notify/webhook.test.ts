import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { NotifyError } from '../errors/index.js';
import { startSlackStub } from '../test/helpers/slack-stub.js';
import { rejection } from '../test/helpers/rejection.js';
import type { PostDelays } from './post-json.js';
import {
  SIGNATURE_HEADER,
  WEBHOOK_SCHEMA,
  createWebhookNotifier,
  webhookOptionsSchema,
  webhookPayload,
} from './webhook.js';
import { changesNotification, manyAdds } from './__fixtures__/notifications.js';

function fakeDelays(): PostDelays & { waits: number[] } {
  const waits: number[] = [];
  return { waits, baseDelayMs: 5, maxDelayMs: 2000, sleep: async (ms) => void waits.push(ms) };
}

function options(url: string, extra: Record<string, unknown> = {}) {
  return webhookOptionsSchema.parse({ type: 'webhook', url, ...extra });
}

const SECRET = 'a-shared-secret-of-some-length';

test('posts the change set as versioned JSON, signed with HMAC-SHA256, with custom headers', {
  timeout: 30_000,
}, async (t) => {
  const hook = await startSlackStub();
  t.after(() => hook.close());
  const notifier = createWebhookNotifier(
    options(hook.url, { secret: SECRET, headers: { Authorization: 'Bearer receiver-token-123' } }),
    fakeDelays(),
  );
  await notifier.send(changesNotification());
  const request = hook.requests[0]!;
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers.authorization, 'Bearer receiver-token-123');
  assert.equal(request.headers['x-endpoint-watch-event'], 'changes');
  const expected = `sha256=${createHmac('sha256', SECRET).update(request.raw).digest('hex')}`;
  assert.equal(request.headers[SIGNATURE_HEADER], expected);

  const body = request.body as {
    schema: string;
    type: string;
    id: string;
    source: string;
    commit: string;
    summary: { added: number };
    changes: Array<{
      type: string;
      value: string;
      region: string | null;
      severity: string;
      ports: { tcp: string[] };
      required: boolean;
    }>;
    truncated: number;
  };
  assert.equal(body.schema, WEBHOOK_SCHEMA);
  assert.equal(body.type, 'changes');
  assert.equal(body.source, 'cloud-app-security');
  assert.equal(body.changes.length, 5);
  const added = body.changes.find((c) => c.value === '13.95.30.47');
  assert.deepEqual(
    {
      type: added?.type,
      region: added?.region,
      severity: added?.severity,
      tcp: added?.ports.tcp,
      required: added?.required,
    },
    { type: 'added', region: 'EU1', severity: 'action', tcp: ['443'], required: true },
  );
  assert.equal(body.truncated, 0);

  // The same alert sent again carries the same id, so a receiver can drop the duplicate.
  await notifier.send(changesNotification());
  assert.equal((hook.requests[1]!.body as { id: string }).id, body.id);
});

test('no secret: no signature header; maxChanges caps the list and says how many were left out', {
  timeout: 30_000,
}, async (t) => {
  const hook = await startSlackStub();
  t.after(() => hook.close());
  await createWebhookNotifier(options(hook.url, { maxChanges: 100 }), fakeDelays()).send(
    changesNotification(manyAdds(250, 2)),
  );
  const request = hook.requests[0]!;
  assert.equal(request.headers[SIGNATURE_HEADER], undefined);
  const body = request.body as { changes: unknown[]; truncated: number; summary: { added: number } };
  assert.equal(body.changes.length, 100);
  assert.equal(body.truncated, 150);
  assert.equal(body.summary.added, 250);
});

test('429, 500, then 200: one delivery; 500s and timeouts give up with an error naming neither URL nor secrets', {
  timeout: 30_000,
}, async (t) => {
  const hook = await startSlackStub();
  t.after(() => hook.close());
  hook.respond({ status: 429, headers: { 'retry-after': '0' } }, { status: 500 });
  const delays = fakeDelays();
  await createWebhookNotifier(options(hook.url), delays).send(changesNotification());
  assert.deepEqual(
    hook.requests.map((r) => r.status),
    [429, 500, 200],
  );
  assert.deepEqual(delays.waits, [0, 10]);

  hook.respond({ status: 500, body: `echo ${SECRET}` }, { status: 500, body: `echo ${SECRET}` });
  const failed = await rejection(
    createWebhookNotifier(options(hook.url, { retries: 1, secret: SECRET }), fakeDelays()).send(changesNotification()),
    NotifyError,
  );
  assert.match(failed.message, /webhook kept failing: HTTP 500 echo \*\*\* \(gave up after 2 attempts\)/);
  assert.ok(!failed.message.includes(hook.secretPath));

  hook.respond({ status: 0, hang: true });
  const hung = await rejection(
    createWebhookNotifier(options(hook.url, { retries: 0, timeoutSeconds: 0.2 }), fakeDelays()).send(
      changesNotification(),
    ),
    NotifyError,
  );
  assert.match(hung.message, /cannot reach the webhook: timed out after 0\.2 s/);
});

test('options: a short secret and a bad header name are rejected', () => {
  assert.equal(
    webhookOptionsSchema.safeParse({ type: 'webhook', url: 'https://x.example/h', secret: 'short' }).success,
    false,
  );
  assert.equal(
    webhookOptionsSchema.safeParse({ type: 'webhook', url: 'https://x.example/h', headers: { 'bad header': 'x' } })
      .success,
    false,
  );
});

test('a failing source and its recovery are posted with every field a receiver needs', () => {
  const failing = webhookPayload({
    type: 'source-failing',
    source: 'cas',
    location: 'https://docs.example.com/cas.md',
    error: { code: 'FETCH', message: 'HTTP 500' },
    since: '2024-05-01T10:00:00Z',
    failures: 3,
    at: '2024-05-01T13:00:00Z',
    reminder: false,
  });
  assert.equal(failing.type, 'source-failing');
  assert.deepEqual(failing.error, { code: 'FETCH', message: 'HTTP 500' });
  assert.equal(failing.failures, 3);
  assert.equal(typeof failing.id, 'string');
  const recovered = webhookPayload({
    type: 'source-recovered',
    source: 'cas',
    location: 'https://docs.example.com/cas.md',
    since: '2024-05-01T10:00:00Z',
    recoveredAt: '2024-05-02T10:00:00Z',
    failures: 8,
    lastError: 'HTTP 500',
  });
  assert.equal(recovered.recoveredAt, '2024-05-02T10:00:00Z');
  assert.equal(recovered.lastError, 'HTTP 500');
});
