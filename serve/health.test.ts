/** What /healthz and /metrics count as undelivered: alerts waiting for their digest are not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../store/outbox.js';
import { outboxDepth } from './health.js';

test('an alert held for a digest is counted apart; one whose digest failed is undelivered', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-health-'));
  try {
    const outbox = new Outbox(join(dir, '.outbox'));
    const entry = (pending: string[]) =>
      outbox.create({
        source: 'portal',
        state: 'ready',
        catalogSha256: null,
        notification: { type: 'baseline', source: 'portal', location: './x.md', entryCount: 1, commit: null },
        pending,
      });
    await entry(['slack-daily']);
    const failed = await entry(['slack-daily', 'email:netsec@example.com']);
    failed.errors['slack-daily'] = 'Slack answered 500';
    await outbox.persist(failed);
    await entry(['email:netsec@example.com']);

    const ids = ['slack-daily', 'email:netsec@example.com', 'console'];
    const depth = await outboxDepth(outbox, ids, ['slack-daily']);
    assert.equal(depth.total, 2, 'the failed digest item and the plain pending email');
    assert.deepEqual(depth.byNotifier, { 'slack-daily': 1, 'email:netsec@example.com': 2, console: 0 });
    assert.deepEqual(depth.awaitingDigest, { 'slack-daily': 1 });
    assert.equal(depth.oldest, failed.createdAt);

    // Without the digest ids (an older caller), every pending alert counts, as before.
    const plain = await outboxDepth(outbox, ids);
    assert.equal(plain.total, 3);
    assert.deepEqual(plain.awaitingDigest, {});
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
