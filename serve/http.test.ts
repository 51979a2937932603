import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { HttpProblem, etagMatches, flag, hasBearerToken, onlyParams } from './http.js';

const withAuthorization = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

test('hasBearerToken: only "Bearer <the token>" passes', () => {
  const token = 'trigger-token-0123456789abcdef';
  assert.equal(hasBearerToken(withAuthorization(`Bearer ${token}`), token), true);
  assert.equal(hasBearerToken(withAuthorization(`bearer  ${token} `), token), true);
  for (const header of [
    undefined,
    '',
    token,
    `Basic ${token}`,
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token} extra`,
    'Bearer ',
  ]) {
    assert.equal(hasBearerToken(withAuthorization(header), token), false, String(header));
  }
});

test('etagMatches: strong and weak forms, lists, *', () => {
  assert.equal(etagMatches('"abc"', '"abc"'), true);
  assert.equal(etagMatches('W/"abc"', '"abc"'), true);
  assert.equal(etagMatches('"x", "abc"', '"abc"'), true);
  assert.equal(etagMatches('*', '"abc"'), true);
  assert.equal(etagMatches('"abd"', '"abc"'), false);
  assert.equal(etagMatches(undefined, '"abc"'), false);
});

test('flag and onlyParams refuse what they do not understand', () => {
  const params = new URLSearchParams('a=1&b=no&c&d=maybe');
  assert.equal(flag(params, 'a'), true);
  assert.equal(flag(params, 'b'), false);
  assert.equal(flag(params, 'c'), true);
  assert.equal(flag(params, 'missing'), false);
  assert.throws(
    () => flag(params, 'd'),
    (err: unknown) => err instanceof HttpProblem && err.status === 400,
  );
  assert.throws(
    () => onlyParams(params, ['a', 'b', 'c']),
    (err: unknown) => err instanceof HttpProblem && /unknown query parameter "d"/.test(err.message),
  );
});
