import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { undiciParts } from './undici.js';

test('each undici part required on its own is the object the package exports', () => {
  const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
  assert.equal(undiciParts.Agent(), undici.Agent);
  assert.equal(undiciParts.EnvHttpProxyAgent(), undici.EnvHttpProxyAgent);
  assert.equal(undiciParts.retryInterceptor(), undici.interceptors.retry);
  // The request API the package's index puts on every dispatcher is there without it too.
  const api = createRequire(import.meta.url)('undici/lib/api/index.js') as Record<string, unknown>;
  for (const [name, fn] of Object.entries(api))
    assert.equal((undici.Dispatcher.prototype as unknown as Record<string, unknown>)[name], fn, name);
});
