import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryFailure, isRetryableStatus, parseRetryAfter, requestedDelay, retryDelay, withRetries } from './retry.js';

test('withRetries: stops on success, on a permanent error, or when retries run out', { timeout: 30_000 }, async () => {
  const waits: number[] = [];
  const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 250, sleep: async (ms: number) => void waits.push(ms) };

  let calls = 0;
  const value = await withRetries(
    async () => (++calls < 3 ? Promise.reject(new Error('flaky')) : 'done'),
    () => ({ retry: true }),
    policy,
  );
  assert.equal(value, 'done');
  assert.equal(calls, 3);
  assert.deepEqual(waits, [100, 200]);

  waits.length = 0;
  const permanent = await withRetries(
    () => Promise.reject(new Error('bad request')),
    () => ({ retry: false }),
    policy,
  ).catch((e: unknown) => e);
  assert.ok(permanent instanceof RetryFailure);
  assert.equal(permanent.attempts, 1);
  assert.equal(permanent.reason, 'permanent');
  assert.deepEqual(waits, []);

  const exhausted = await withRetries(
    () => Promise.reject(new Error('down')),
    () => ({ retry: true, delayMs: 10_000 }),
    policy,
  ).catch((e: unknown) => e);
  assert.ok(exhausted instanceof RetryFailure);
  assert.equal(exhausted.attempts, 4);
  assert.equal(exhausted.reason, 'exhausted');
  assert.equal((exhausted.lastError as Error).message, 'down');
  // A requested delay is capped like any other.
  assert.deepEqual(waits, [250, 250, 250]);
});

test('retryDelay doubles from the base and respects the cap', { timeout: 30_000 }, () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 5000 };
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelay(policy, n)),
    [1000, 2000, 4000, 5000],
  );
  assert.equal(retryDelay(policy, 1, 0), 0);
  // A server's delay is capped by retryAfterCapMs when given, else by maxDelayMs.
  assert.equal(retryDelay(policy, 1, 30_000), 5000);
  assert.equal(retryDelay({ ...policy, retryAfterCapMs: 60_000 }, 1, 30_000), 30_000);
  assert.equal(retryDelay({ ...policy, retryAfterCapMs: 60_000 }, 1, 3_600_000), 60_000);
});

test('parseRetryAfter: seconds, HTTP date, junk', { timeout: 30_000 }, () => {
  assert.equal(parseRetryAfter('0'), 0);
  assert.equal(parseRetryAfter('30'), 30_000);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter('soon'), null);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter(' 120 ', now), 120_000);
  assert.equal(parseRetryAfter('1.5', now), 1500);
});

test('which answers are retried, and where Retry-After counts', { timeout: 30_000 }, () => {
  assert.deepEqual([200, 304, 400, 404, 429, 500, 502, 503, 504].map(isRetryableStatus), [
    false,
    false,
    false,
    false,
    true,
    true,
    true,
    true,
    true,
  ]);
  assert.equal(requestedDelay(429, '2'), 2000);
  assert.equal(requestedDelay(503, '2'), 2000);
  // A 500 that says Retry-After gets the backoff: the header means "come back then" only on 429 and 503.
  assert.equal(requestedDelay(500, '2'), null);
  assert.equal(requestedDelay(429, undefined), null);
});
