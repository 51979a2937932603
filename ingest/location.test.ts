/** Redacting locations: credential-like query values and `user:password@` never reach a message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, isSecretParam, redactLocation } from './location.js';

test('pass=, access=, jwt= and the other credential names are redacted; other parameters stay', () => {
  const url =
    'https://docs.example.com/a.md?pass=hunter2&access=abc&jwt=eyJ.x.y&password=p&secret=s&sig=g&signature=h&key=k&auth=a&session=z&v=2&clientrequestid=b10c5ed1';
  const shown = redactLocation(url);
  for (const secret of ['hunter2', 'abc', 'eyJ.x.y', '=p&', '=s&', '=g&', '=h&', '=k&', '=a&', '=z&'])
    assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
  assert.match(shown, /[?&]pass=REDACTED&access=REDACTED&jwt=REDACTED&/);
  assert.match(shown, /&v=2&clientrequestid=b10c5ed1$/);
});

test('the last word of a name decides: access_token, X-Amz-Signature, apiKey, client.secret; not clientrequestid', () => {
  for (const name of [
    'access_token',
    'X-Amz-Signature',
    'X-Amz-Security-Token',
    'apiKey',
    'client.secret',
    'PASS',
    'pw',
  ])
    assert.ok(isSecretParam(name), name);
  for (const name of ['clientrequestid', 'v', 'format', 'ServiceAreas', 'keyword', 'passage', 'NoIPv6'])
    assert.ok(!isSecretParam(name), name);
});

test('user:password@ is dropped; a location that is no URL is still cleaned', () => {
  assert.equal(redactLocation('https://me:pw@docs.example.com/a.md'), 'https://docs.example.com/a.md');
  assert.equal(redactLocation('not a url //u:p@host/x?jwt=abc&v=1'), `not a url //host/x?jwt=${REDACTED}&v=1`);
  assert.equal(redactLocation('/srv/docs/a.md'), '/srv/docs/a.md');
});
