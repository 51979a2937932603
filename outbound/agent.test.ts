/**
 * Every outbound call through a real loopback proxy: documents over plain HTTP (forwarded) and
 * HTTPS (CONNECT), Slack, NO_PROXY, a `proxy:` setting over the environment, refusing proxies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, FetchError, NotifyError } from '../errors/index.js';
import { createHttpFetcher } from '../ingest/http.js';
import { createSlackNotifier, slackOptionsSchema } from '../notify/slack.js';
import { changesNotification } from '../notify/__fixtures__/notifications.js';
import { fetched } from '../test/helpers/fetch-outcome.js';
import { reply, startDocServer } from '../test/helpers/doc-server.js';
import { startProxy } from '../test/helpers/proxy.js';
import { rejection } from '../test/helpers/rejection.js';
import { startSlackStub } from '../test/helpers/slack-stub.js';
import { selfSignedCertificate, startTlsDocServer } from '../test/helpers/tls-server.js';
import { createOutboundAgent, describeRoute, proxyRoute } from './agent.js';

const fetcher = createHttpFetcher({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
const DOC = '| Host | Port |\n|---|---|\n| a.example.com | 443 |\n';

test('proxyRoute: lower-case variables first, HTTPS_PROXY falls back to HTTP_PROXY, proxy: wins', () => {
  assert.deepEqual(proxyRoute({}), { http: null, https: null, noProxy: '' });
  assert.deepEqual(proxyRoute({ HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2', NO_PROXY: 'corp' }), {
    http: 'http://lower:2',
    https: 'http://lower:2',
    noProxy: 'corp',
  });
  assert.deepEqual(proxyRoute({ HTTP_PROXY: 'http://a:1', HTTPS_PROXY: 'http://b:2' }), {
    http: 'http://a:1',
    https: 'http://b:2',
    noProxy: '',
  });
  const env = { HTTPS_PROXY: 'http://env:1', NO_PROXY: 'env.example' };
  assert.deepEqual(proxyRoute(env, { url: 'http://config:3', noProxy: null }), {
    http: 'http://config:3',
    https: 'http://config:3',
    noProxy: 'env.example',
  });
  assert.deepEqual(proxyRoute(env, { url: null, noProxy: 'x' }), { http: null, https: null, noProxy: 'x' });
  // An empty variable means none, as in curl.
  assert.deepEqual(proxyRoute({ HTTPS_PROXY: ' ' }), { http: null, https: null, noProxy: '' });
});

test('a proxy URL that is not one is a ConfigError naming the variable, without its credentials', () => {
  assert.throws(
    () => proxyRoute({ HTTPS_PROXY: 'ftp://user:Sekr1t@proxy.corp:21' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      /^HTTPS_PROXY: ftp:\/\/proxy\.corp(:21)?\/? is not a proxy URL/.test(err.message) &&
      !err.message.includes('Sekr1t'),
  );
  assert.throws(
    () => proxyRoute({}, { url: 'proxy.corp:3128', noProxy: null }),
    /^ConfigError: proxy: proxy\.corp:3128 is not a proxy URL/,
  );
  assert.equal(
    describeRoute(proxyRoute({ HTTPS_PROXY: 'http://u:Sekr1t@proxy.corp:3128', NO_PROXY: 'localhost' })),
    'http through none, https through http://proxy.corp:3128/, except localhost',
  );
  assert.equal(describeRoute(proxyRoute({})), 'direct (no proxy)');
});

test('plain HTTP goes to the proxy as an absolute-URI request; the document arrives unchanged', {
  timeout: 15_000,
}, async (t) => {
  const site = await startDocServer();
  const proxy = await startProxy();
  const agent = createOutboundAgent(proxyRoute({ HTTP_PROXY: proxy.url }));
  t.after(() => Promise.all([site.close(), proxy.close(), agent.close()]));
  site.set('/doc.md', reply.document(DOC, { etag: '"v1"' }));

  const doc = fetched(await fetcher.fetch(site.url('/doc.md'), { timeoutMs: 5000, retries: 0, dispatcher: agent }));
  assert.equal(doc.body.toString(), DOC);
  assert.equal(doc.etag, '"v1"');
  assert.deepEqual(
    proxy.seen.map((r) => [r.kind, r.method, r.target]),
    [['forward', 'GET', site.url('/doc.md')]],
  );
  assert.equal(site.requestCount('/doc.md'), 1);
});

test('retries and Retry-After work through the proxy: 503, then the document', { timeout: 15_000 }, async (t) => {
  const site = await startDocServer();
  const proxy = await startProxy();
  const agent = createOutboundAgent(proxyRoute({ http_proxy: proxy.url }));
  t.after(() => Promise.all([site.close(), proxy.close(), agent.close()]));
  site.set('/busy.md', reply.status(503, { retryAfter: '0' }), reply.document(DOC));
  const doc = fetched(await fetcher.fetch(site.url('/busy.md'), { timeoutMs: 5000, retries: 2, dispatcher: agent }));
  assert.equal(doc.body.toString(), DOC);
  assert.equal(proxy.seen.length, 2);
  assert.equal(site.requestCount('/busy.md'), 2);
});

test('HTTPS goes through a CONNECT tunnel to host:port; TLS runs end to end', { timeout: 15_000 }, async (t) => {
  const certificate = selfSignedCertificate();
  if (!certificate) {
    t.skip('openssl is not installed: no certificate for a local HTTPS server');
    return;
  }
  const site = await startTlsDocServer(certificate, DOC);
  const proxy = await startProxy();
  const agent = createOutboundAgent(proxyRoute({ HTTPS_PROXY: proxy.url }), { ca: certificate.cert });
  t.after(() => Promise.all([site.close(), proxy.close(), agent.close()]));

  const doc = fetched(
    await fetcher.fetch(`${site.origin}/secure.md`, { timeoutMs: 5000, retries: 0, dispatcher: agent }),
  );
  assert.equal(doc.body.toString(), DOC);
  assert.deepEqual(
    proxy.seen.map((r) => [r.kind, r.target]),
    [['connect', site.origin.replace('https://', '')]],
  );
  assert.deepEqual(site.paths, ['/secure.md']);
});

test('NO_PROXY: a listed host is reached directly, the proxy sees nothing', { timeout: 15_000 }, async (t) => {
  const site = await startDocServer();
  const proxy = await startProxy({ refuse: 403 });
  const agent = createOutboundAgent(proxyRoute({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost, 127.0.0.1' }));
  t.after(() => Promise.all([site.close(), proxy.close(), agent.close()]));
  site.set('/doc.md', reply.document(DOC));
  fetched(await fetcher.fetch(site.url('/doc.md'), { timeoutMs: 5000, retries: 0, dispatcher: agent }));
  assert.equal(proxy.seen.length, 0);
  assert.equal(site.requestCount('/doc.md'), 1);
});

test('a proxy refusing the CONNECT: one clear FetchError, not retried, no proxy password in it', {
  timeout: 15_000,
}, async (t) => {
  const proxy = await startProxy({ refuse: 403 });
  const withPassword = proxy.url.replace('http://', 'http://svc-watch:Pr0xy-Sekr1t@');
  const agent = createOutboundAgent(proxyRoute({ HTTPS_PROXY: withPassword }));
  t.after(() => Promise.all([proxy.close(), agent.close()]));

  const err = await rejection(
    fetcher.fetch('https://docs.example.com/network.md', { timeoutMs: 5000, retries: 3, dispatcher: agent }),
    FetchError,
  );
  assert.equal(
    err.message,
    'GET https://docs.example.com/network.md: the proxy refused to connect to the server (HTTP 403 Forbidden); check HTTPS_PROXY, HTTP_PROXY, NO_PROXY or proxy: in the config',
  );
  assert.equal(proxy.seen.length, 1, 'a refusal is final');
  assert.equal(proxy.seen[0]?.target, 'docs.example.com:443');
  // The credentials went to the proxy, and nowhere else.
  assert.equal(proxy.seen[0]?.proxyAuthorization, `Basic ${Buffer.from('svc-watch:Pr0xy-Sekr1t').toString('base64')}`);
  assert.ok(!err.message.includes('Sekr1t') && !String(err.cause).includes('Sekr1t'));
});

test('a proxy that wants credentials (407) says so; with them in the URL the request goes through', {
  timeout: 15_000,
}, async (t) => {
  const site = await startDocServer();
  const proxy = await startProxy({ credentials: { user: 'svc', password: 'pw-1' } });
  const bare = createOutboundAgent(proxyRoute({ HTTP_PROXY: proxy.url }));
  const withCredentials = createOutboundAgent(proxyRoute({ HTTP_PROXY: proxy.url.replace('//', '//svc:pw-1@') }));
  t.after(() => Promise.all([site.close(), proxy.close(), bare.close(), withCredentials.close()]));
  site.set('/doc.md', reply.document(DOC));

  const err = await rejection(
    fetcher.fetch(site.url('/doc.md'), { timeoutMs: 5000, retries: 2, dispatcher: bare }),
    FetchError,
  );
  assert.match(err.message, /the proxy asks for credentials \(HTTP 407 Proxy Authentication Required\)/);
  assert.equal(site.requestCount('/doc.md'), 0);

  fetched(await fetcher.fetch(site.url('/doc.md'), { timeoutMs: 5000, retries: 0, dispatcher: withCredentials }));
  assert.equal(site.requestCount('/doc.md'), 1);
});

test('a proxy that is not listening: a network error naming its address, retried like any other', {
  timeout: 15_000,
}, async (t) => {
  const proxy = await startProxy();
  const url = proxy.url;
  await proxy.close();
  const agent = createOutboundAgent(proxyRoute({ HTTP_PROXY: url }));
  t.after(() => agent.close());
  const err = await rejection(
    fetcher.fetch('http://docs.example.com/network.md', { timeoutMs: 5000, retries: 1, dispatcher: agent }),
    FetchError,
  );
  assert.match(err.message, new RegExp(`ECONNREFUSED ${url.replace('http://', '')}.*gave up after 2 attempts`));
});

test('Slack posts go through the same proxy, and so do their retries', { timeout: 15_000 }, async (t) => {
  const slack = await startSlackStub();
  const proxy = await startProxy();
  const agent = createOutboundAgent(proxyRoute({ HTTP_PROXY: proxy.url }));
  t.after(() => Promise.all([slack.close(), proxy.close(), agent.close()]));
  slack.respond({ status: 429, headers: { 'retry-after': '0' } });

  const waits: number[] = [];
  const notifier = createSlackNotifier(slackOptionsSchema.parse({ type: 'slack', webhookUrl: slack.url }), {
    dispatcher: agent,
    sleep: async (ms) => void waits.push(ms),
  });
  await notifier.send(changesNotification());
  assert.equal(slack.delivered().length, 1);
  assert.deepEqual(
    proxy.seen.map((r) => [r.kind, r.method, r.target]),
    [
      ['forward', 'POST', slack.url],
      ['forward', 'POST', slack.url],
    ],
  );
  assert.deepEqual(waits, [0]);
  assert.match(String(slack.requests[1]?.headers['user-agent']), /^endpoint-watch\/\d+\.\d+\.\d+$/);
});

test('Slack behind a refusing proxy: a NotifyError about the proxy, without the webhook URL', {
  timeout: 15_000,
}, async (t) => {
  const proxy = await startProxy({ refuse: 403 });
  const agent = createOutboundAgent(proxyRoute({ HTTPS_PROXY: proxy.url }));
  t.after(() => Promise.all([proxy.close(), agent.close()]));
  const webhookUrl = 'https://hooks.example.com/services/T1/B2/Zq9secretwebhook';
  const notifier = createSlackNotifier(slackOptionsSchema.parse({ type: 'slack', webhookUrl }), {
    dispatcher: agent,
    sleep: async () => {},
  });
  const err = await rejection(notifier.send(changesNotification()), NotifyError);
  assert.match(err.message, /^cannot reach the Slack webhook: the proxy refused to connect to the server \(HTTP 403/);
  assert.doesNotMatch(err.message, /Zq9secret/);
  assert.equal(proxy.seen.length, 1);
});
