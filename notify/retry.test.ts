import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryFailure, parseRetryAfter, redact, retryDelay, withRetries } from './retry.js';

test('withRetries: stops on success, on a permanent error, or when retries run out', async () => {
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

test('retryDelay doubles from the base and respects the cap', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 5000 };
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelay(policy, n)),
    [1000, 2000, 4000, 5000],
  );
  assert.equal(retryDelay(policy, 1, 0), 0);
});

test('parseRetryAfter: seconds, HTTP date, junk', () => {
  assert.equal(parseRetryAfter('0'), 0);
  assert.equal(parseRetryAfter('30'), 30_000);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter('soon'), null);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0);
});

test('redact removes secrets in raw and URL-encoded forms, longest first', () => {
  const url = 'https://example.com/services/T1/B2/abcdef';
  const text = `POST ${url} failed; path /services/T1/B2/abcdef; encoded ${encodeURIComponent(url)}`;
  const out = redact(text, [url, '/services/T1/B2/abcdef']);
  assert.equal(out, 'POST *** failed; path ***; encoded ***');
  assert.equal(redact('login p@ss/word or p%40ss%2Fword', ['p@ss/word']), 'login *** or ***');
  assert.equal(redact('nothing here', [null, undefined, '']), 'nothing here');
});
