import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from './redact.js';

test('redact removes secrets in raw and URL-encoded forms, longest first', () => {
  const url = 'https://example.com/services/T1/B2/abcdef';
  const text = `POST ${url} failed; path /services/T1/B2/abcdef; encoded ${encodeURIComponent(url)}`;
  const out = redact(text, [url, '/services/T1/B2/abcdef']);
  assert.equal(out, 'POST *** failed; path ***; encoded ***');
  assert.equal(redact('login p@ss/word or p%40ss%2Fword', ['p@ss/word']), 'login *** or ***');
  assert.equal(redact('nothing here', [null, undefined, '']), 'nothing here');
});
