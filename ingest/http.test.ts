import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpFetcher } from './http.js';
import type { FetchOptions } from './types.js';
import { fetched, fetchError } from '../test/helpers/fetch-outcome.js';
import { reply, startDocServer, type DocServer } from '../test/helpers/doc-server.js';

// Tiny backoff so retry tests do not sleep; the delays themselves are unit-tested below.
const fetcher = createHttpFetcher({ retry: { baseDelayMs: 1, maxDelayMs: 5, retryAfterCapMs: 5 } });
const options: FetchOptions = { timeoutMs: 5_000, retries: 2 };

let site: DocServer;
before(async () => {
  site = await startDocServer();
});
after(async () => {
  await site.close();
});
beforeEach(() => site.resetCounts());

test('200: body, content type without parameters, ETag and Last-Modified, request headers', {
  timeout: 30_000,
}, async () => {
  site.set(
    '/doc.md',
    reply.document('| Host | Port |\n|---|---|\n| a.example.com | 443 |\n', {
      contentType: 'Text/Markdown; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Tue, 01 Apr 2025 10:00:00 GMT',
    }),
  );
  const doc = fetched(await fetcher.fetch(site.url('/doc.md'), options));
  assert.equal(doc.body.toString('utf8'), '| Host | Port |\n|---|---|\n| a.example.com | 443 |\n');
  assert.equal(doc.contentType, 'text/markdown');
  assert.equal(doc.etag, '"v1"');
  assert.equal(doc.lastModified, 'Tue, 01 Apr 2025 10:00:00 GMT');
  assert.equal(doc.location, site.url('/doc.md'));
  const seen = site.lastRequest('/doc.md');
  assert.match(String(seen?.headers['user-agent']), /^endpoint-watch\/\d+\.\d+\.\d+/);
  assert.ok(seen?.headers.accept, 'an Accept header is sent');
  assert.equal(seen?.headers['if-none-match'], undefined);
});

test('a response without Content-Type gives contentType null', { timeout: 30_000 }, async () => {
  site.set('/plain', reply.document('hello', { contentType: null }));
  assert.equal(fetched(await fetcher.fetch(site.url('/plain'), options)).contentType, null);
});

test('conditional request: the stored ETag turns the second fetch into a 304 / not-modified', {
  timeout: 30_000,
}, async () => {
  site.set('/cond.md', reply.document('v1 body', { etag: '"abc"' }));
  const first = fetched(await fetcher.fetch(site.url('/cond.md'), options));
  const second = await fetcher.fetch(site.url('/cond.md'), { ...options, conditions: { etag: first.etag } });
  assert.deepEqual(second, { status: 'not-modified', location: site.url('/cond.md') });
  assert.equal(site.lastRequest('/cond.md')?.headers['if-none-match'], '"abc"');
  assert.equal(site.requestCount('/cond.md'), 2);

  // A new version of the page (new ETag) is fetched again with the old validator.
  site.set('/cond.md', reply.document('v2 body', { etag: '"def"' }));
  const third = fetched(await fetcher.fetch(site.url('/cond.md'), { ...options, conditions: { etag: first.etag } }));
  assert.equal(third.body.toString(), 'v2 body');
  assert.equal(third.etag, '"def"');
});

test('conditional request by Last-Modified sends If-Modified-Since', { timeout: 30_000 }, async () => {
  const lastModified = 'Wed, 02 Apr 2025 08:00:00 GMT';
  site.set('/lm.md', reply.document('body', { lastModified }));
  const outcome = await fetcher.fetch(site.url('/lm.md'), { ...options, conditions: { lastModified } });
  assert.equal(outcome.status, 'not-modified');
  assert.equal(site.lastRequest('/lm.md')?.headers['if-modified-since'], lastModified);
});

test('429 with Retry-After: 0, then 200: fetched after 2 requests', { timeout: 30_000 }, async () => {
  site.set('/busy.md', reply.status(429, { retryAfter: '0' }), reply.document('finally'));
  const doc = fetched(await fetcher.fetch(site.url('/busy.md'), options));
  assert.equal(doc.body.toString(), 'finally');
  assert.equal(site.requestCount('/busy.md'), 2);
});

test('a Retry-After far in the future is capped instead of stalling the run', { timeout: 30_000 }, async () => {
  site.set('/slow-down.md', reply.status(429, { retryAfter: '3600' }), reply.document('ok'));
  const doc = fetched(await fetcher.fetch(site.url('/slow-down.md'), options));
  assert.equal(doc.body.toString(), 'ok');
  assert.equal(site.requestCount('/slow-down.md'), 2);
});

test('500 on every attempt: FetchError with status, URL and attempt count after retries+1 requests', {
  timeout: 30_000,
}, async () => {
  site.set('/broken.md', reply.status(500));
  const err = await fetchError(fetcher.fetch(site.url('/broken.md'), options));
  assert.equal(err.status, 500);
  assert.equal(err.message, `GET ${site.url('/broken.md')}: HTTP 500 Internal Server Error after 3 attempts`);
  assert.equal(site.requestCount('/broken.md'), 3);
});

test('retries: 0 means one request', { timeout: 30_000 }, async () => {
  site.set('/broken-once.md', reply.status(503));
  const err = await fetchError(fetcher.fetch(site.url('/broken-once.md'), { ...options, retries: 0 }));
  assert.equal(err.status, 503);
  assert.match(err.message, /HTTP 503 Service Unavailable after 1 attempt$/);
  assert.equal(site.requestCount('/broken-once.md'), 1);
});

test('502 then 200 recovers', { timeout: 30_000 }, async () => {
  site.set('/flaky.md', reply.status(502), reply.document('back'));
  assert.equal(fetched(await fetcher.fetch(site.url('/flaky.md'), options)).body.toString(), 'back');
  assert.equal(site.requestCount('/flaky.md'), 2);
});

test('404: FetchError at once, no retry', { timeout: 30_000 }, async () => {
  site.set('/gone.md', reply.status(404));
  const err = await fetchError(fetcher.fetch(site.url('/gone.md'), options));
  assert.equal(err.status, 404);
  assert.equal(err.message, `GET ${site.url('/gone.md')}: HTTP 404 Not Found`);
  assert.equal(site.requestCount('/gone.md'), 1);
});

test('a server that accepts and never answers: FetchError naming the timeout, retried', {
  timeout: 30_000,
}, async () => {
  site.set('/hang.md', reply.hang());
  const err = await fetchError(fetcher.fetch(site.url('/hang.md'), { timeoutMs: 200, retries: 1 }));
  assert.match(err.message, /timed out after 0\.2 s/);
  assert.match(err.message, /2 attempts/);
  assert.equal(err.status, null);
  assert.equal(site.requestCount('/hang.md'), 2);
});

test('connection refused is a FetchError, not a crash', { timeout: 30_000 }, async () => {
  const closed = await startDocServer();
  const url = closed.url('/x.md');
  await closed.close();
  const err = await fetchError(fetcher.fetch(url, { ...options, retries: 1 }));
  assert.match(err.message, /ECONNREFUSED/);
  assert.match(err.message, /gave up after 2 attempts/);
});

test('empty body: FetchError "empty document"', { timeout: 30_000 }, async () => {
  site.set('/empty.md', reply.document(''));
  const err = await fetchError(fetcher.fetch(site.url('/empty.md'), options));
  assert.match(err.message, /empty document/);
  assert.equal(site.requestCount('/empty.md'), 1);
});

test('a body over the size limit is refused, whether or not Content-Length announces it', {
  timeout: 30_000,
}, async () => {
  const small = createHttpFetcher({ maxBytes: 1024 });
  site.set('/big.md', reply.document(Buffer.alloc(4096, 'a')));
  const announced = await fetchError(small.fetch(site.url('/big.md'), options));
  assert.match(announced.message, /over the 1024-byte limit \(maxDocumentBytes\)/);

  site.set('/big-chunked.md', reply.document(Buffer.alloc(4096, 'a'), { chunked: true }));
  const streamed = await fetchError(small.fetch(site.url('/big-chunked.md'), options));
  assert.match(streamed.message, /over the 1024-byte limit \(maxDocumentBytes\)/);

  site.set('/fits.md', reply.document(Buffer.alloc(1024, 'a'), { chunked: true }));
  assert.equal(fetched(await small.fetch(site.url('/fits.md'), options)).body.length, 1024);
});

test('an HTML error page served with 200 is fetched as is (the parser decides it holds nothing)', {
  timeout: 30_000,
}, async () => {
  site.set('/maintenance.md', reply.errorPage());
  const doc = fetched(await fetcher.fetch(site.url('/maintenance.md'), options));
  assert.equal(doc.contentType, 'text/html');
  assert.match(doc.body.toString(), /something went wrong/);
});

test('redirects are followed; the document keeps the requested location', { timeout: 30_000 }, async () => {
  site.set('/old.md', reply.redirect('/moved.md', 301));
  site.set('/moved.md', reply.redirect(site.url('/new.md'), 307));
  site.set('/new.md', reply.document('here now', { etag: '"n"' }));
  const doc = fetched(await fetcher.fetch(site.url('/old.md'), options));
  assert.equal(doc.body.toString(), 'here now');
  assert.equal(doc.etag, '"n"');
  assert.equal(doc.location, site.url('/old.md'));
  assert.deepEqual(
    site.requests.map((r) => r.path),
    ['/old.md', '/moved.md', '/new.md'],
  );
});

test('more than 5 redirects: FetchError, no retry', { timeout: 30_000 }, async () => {
  site.set('/loop.md', reply.redirect('/loop.md'));
  const err = await fetchError(fetcher.fetch(site.url('/loop.md'), options));
  assert.match(err.message, /too many redirects \(more than 5\)/);
  assert.equal(site.requestCount('/loop.md'), 6);
});

test('credentials in the URL are sent as Basic auth and never appear in messages or the location', {
  timeout: 30_000,
}, async () => {
  const secret = 's3cr3t-Pa55';
  const withCredentials = (path: string) => site.url(path).replace('http://', `http://reader:${secret}@`);

  site.set('/private.md', reply.document('private'));
  const doc = fetched(await fetcher.fetch(withCredentials('/private.md'), options));
  assert.equal(doc.location, site.url('/private.md'));
  assert.equal(
    site.lastRequest('/private.md')?.headers.authorization,
    `Basic ${Buffer.from(`reader:${secret}`).toString('base64')}`,
  );

  site.set('/private-missing.md', reply.status(404));
  site.set('/private-broken.md', reply.status(500));
  site.set('/private-hang.md', reply.hang());
  const errors = [
    await fetchError(fetcher.fetch(withCredentials('/private-missing.md'), options)),
    await fetchError(fetcher.fetch(withCredentials('/private-broken.md'), { ...options, retries: 0 })),
    await fetchError(fetcher.fetch(withCredentials('/private-hang.md'), { timeoutMs: 100, retries: 0 })),
    await fetchError(fetcher.fetch(`http://reader:${secret}@127.0.0.1:1/refused.md`, { ...options, retries: 0 })),
  ];
  for (const err of errors) {
    assert.ok(!err.message.includes(secret), err.message);
    assert.ok(!err.message.includes('reader'), err.message);
    assert.ok(!String(err.cause ?? '').includes(secret));
  }
});

test('credential-like query parameters are sent but never appear in messages or the location', {
  timeout: 30_000,
}, async () => {
  const secret = 'PASSWORD123';
  site.set('/signed.md', reply.document('signed'));
  const doc = fetched(await fetcher.fetch(site.url(`/signed.md?token=${secret}&v=2`), options));
  assert.equal(site.lastRequest('/signed.md')?.search, `?token=${secret}&v=2`, 'the server gets the real token');
  assert.equal(doc.location, site.url('/signed.md?token=REDACTED&v=2'));

  site.set('/signed-missing.md', reply.status(404));
  const errors = [
    await fetchError(fetcher.fetch(site.url(`/signed-missing.md?sig=${secret}`), options)),
    await fetchError(fetcher.fetch(`http://127.0.0.1:1/refused.md?api_key=${secret}`, { ...options, retries: 0 })),
  ];
  for (const err of errors) {
    assert.ok(!err.message.includes(secret), err.message);
    assert.match(err.message, /REDACTED/);
    assert.ok(!String(err.cause ?? '').includes(secret));
  }
  // Parameters that are no credential stay, so the message still says which URL failed.
  const plain = await fetchError(fetcher.fetch(site.url('/signed-missing.md?clientrequestid=e7600a1a'), options));
  assert.match(plain.message, /clientrequestid=e7600a1a/);
});

test('credentials are not forwarded when a redirect leaves the origin', { timeout: 30_000 }, async () => {
  const other = await startDocServer();
  try {
    other.set('/target.md', reply.document('elsewhere'));
    site.set('/hop.md', reply.redirect(other.url('/target.md')));
    const url = site.url('/hop.md').replace('http://', 'http://reader:pw@');
    fetched(await fetcher.fetch(url, options));
    assert.ok(site.lastRequest('/hop.md')?.headers.authorization, 'sent to the origin it was written for');
    assert.equal(other.lastRequest('/target.md')?.headers.authorization, undefined);
  } finally {
    await other.close();
  }
});

test('an aborted signal stops the fetch without retrying', { timeout: 30_000 }, async () => {
  site.set('/abort.md', reply.hang());
  const controller = new AbortController();
  const pending = fetcher.fetch(site.url('/abort.md'), { timeoutMs: 5_000, retries: 3, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const err = await fetchError(pending);
  assert.match(err.message, /aborted/);
  assert.equal(site.requestCount('/abort.md'), 1);
});

test('an abort during the wait before a retry ends the fetch at once', { timeout: 10_000 }, async () => {
  const patient = createHttpFetcher({ retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, retryAfterCapMs: 60_000 } });
  site.set('/later.md', reply.status(429, { retryAfter: '60' }), reply.document('too late'));
  const controller = new AbortController();
  const pending = patient.fetch(site.url('/later.md'), { timeoutMs: 5_000, retries: 3, signal: controller.signal });
  while (site.requestCount('/later.md') === 0) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  const err = await fetchError(pending);
  assert.match(err.message, /aborted/);
  assert.equal(site.requestCount('/later.md'), 1);
});

test('the http fetcher handles http(s) URLs only', { timeout: 30_000 }, () => {
  assert.equal(fetcher.handles('https://learn.microsoft.com/x'), true);
  assert.equal(fetcher.handles('HTTP://example.com/x'), true);
  assert.equal(fetcher.handles('file:///tmp/x.md'), false);
  assert.equal(fetcher.handles('./docs/x.md'), false);
  assert.equal(fetcher.handles('ftp://example.com/x'), false);
});

test('doc-server: close() ends a hung connection, so the waiting fetch fails instead of hanging', {
  timeout: 30_000,
}, async () => {
  const short = await startDocServer();
  short.set('/hang.md', reply.hang());
  const pending = fetcher.fetch(short.url('/hang.md'), { timeoutMs: 60_000, retries: 0 });
  while (short.requestCount('/hang.md') === 0) await new Promise((r) => setTimeout(r, 5));
  await short.close();
  const err = await fetchError(pending);
  assert.doesNotMatch(err.message, /timed out/);
  assert.equal(short.requestCount('/hang.md'), 1);
});

test('a redirect to a non-http URL is not followed', { timeout: 30_000 }, async () => {
  site.set('/to-file.md', reply.redirect('file:///etc/passwd'));
  const err = await fetchError(fetcher.fetch(site.url('/to-file.md'), options));
  assert.match(err.message, /redirected to a file: URL, which is not followed/);
  assert.equal(site.requestCount('/to-file.md'), 1);
});
