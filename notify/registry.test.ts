import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ConfigError, NotifyError } from '../errors/index.js';
import { createNotifiers, defaultNotifiers, notifierModules } from './registry.js';
import type { NotifierContext } from './types.js';
import { changesNotification } from './__fixtures__/notifications.js';
import { startSlackStub } from '../test/helpers/slack-stub.js';
import { startSmtpStub } from '../test/helpers/smtp-stub.js';

/** A stdout stand-in that keeps what was written. */
function bufferContext(): NotifierContext & { output: () => string } {
  const chunks: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stdout, output: () => chunks.join('') };
}

/** The smallest valid config of each registered type. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  console: { type: 'console' },
  slack: { type: 'slack', webhookUrl: 'https://example.com/services/T1/B2/abc' },
  email: {
    type: 'email',
    smtpUrl: 'smtp://mail.example.com:25',
    from: 'watch@example.com',
    to: ['netsec@example.com'],
  },
  teams: { type: 'teams', webhookUrl: 'https://example.webhook.office.com/workflows/abc' },
  webhook: { type: 'webhook', url: 'https://soar.example.com/hooks/endpoint-watch' },
};

/** One invalid config per type, and the key its error must name. */
const INVALID: Record<string, { config: Record<string, unknown>; key: string }> = {
  console: { config: { type: 'console', colour: true }, key: 'colour' },
  slack: { config: { type: 'slack', webhookUrl: 'not a url' }, key: 'webhookUrl' },
  email: {
    config: { type: 'email', smtpUrl: 'smtp://mail.example.com', from: 'watch@example.com', to: ['not-an-email'] },
    key: 'to.0',
  },
  teams: { config: { type: 'teams', webhookUrl: 'ftp://x' }, key: 'webhookUrl' },
  webhook: { config: { type: 'webhook', url: 'https://x.example/h', secret: 'short' }, key: 'secret' },
};

/** A real peer for each registered type, and how to read what it received. */
async function peerFor(
  type: string,
): Promise<{ config: Record<string, unknown>; received: () => string; close: () => Promise<void> }> {
  if (type === 'slack') {
    const slack = await startSlackStub();
    return {
      config: { type, webhookUrl: slack.url, retries: 0 },
      received: () => JSON.stringify(slack.delivered()),
      close: () => slack.close(),
    };
  }
  if (type === 'teams' || type === 'webhook') {
    const hook = await startSlackStub();
    return {
      config: { type, [type === 'teams' ? 'webhookUrl' : 'url']: hook.url, retries: 0 },
      received: () => JSON.stringify(hook.delivered()),
      close: () => hook.close(),
    };
  }
  if (type === 'email') {
    const smtp = await startSmtpStub();
    return {
      config: { ...MINIMAL.email, smtpUrl: smtp.url(), retries: 0 },
      received: () => smtp.messages.map((m) => `${m.subject}\n${m.text}`).join('\n'),
      close: () => smtp.close(),
    };
  }
  return { config: { type }, received: () => '', close: async () => {} };
}

test('every registered type has a schema, builds from a minimal config, delivers to a real peer, and rejects an invalid one naming the key', {
  timeout: 30_000,
}, async () => {
  // Every registered type has its minimal and invalid config here, and nothing else does.
  assert.deepEqual(Object.keys(MINIMAL).sort(), [...notifierModules.keys()].sort());
  assert.deepEqual(Object.keys(INVALID).sort(), [...notifierModules.keys()].sort());
  for (const [type, module] of notifierModules) {
    assert.equal(module.type, type);
    assert.ok(module.description.length > 0);
    const minimal = MINIMAL[type];
    assert.ok(minimal, `no minimal config for ${type} in this test`);
    assert.equal(module.options.safeParse(minimal).success, true, `${type}: minimal config rejected`);

    const peer = await peerFor(type);
    const context = bufferContext();
    try {
      const [notifier] = createNotifiers([peer.config as { type: string }], context);
      assert.ok(notifier, `${type}: nothing built`);
      await notifier.send(changesNotification());
      // What a person receives names the change: the added EU1 connector address.
      const received = type === 'console' ? context.output() : peer.received();
      assert.match(received, /13\.95\.30\.47/, `${type}: the delivered alert does not name the added IP`);
    } finally {
      await peer.close();
    }

    const invalid = INVALID[type]!;
    assert.throws(
      () => createNotifiers([invalid.config as { type: string }], bufferContext()),
      (error: unknown) =>
        error instanceof ConfigError && error.message.includes(invalid.key) && error.message.includes('notifiers[0]'),
      `${type}: error does not name ${invalid.key}`,
    );
  }
});

test('ids: console, slack / slack:<channel>, email:<first recipient>', () => {
  const notifiers = createNotifiers(
    [
      MINIMAL.console!,
      MINIMAL.slack!,
      { ...MINIMAL.slack!, channel: '#netsec' },
      { ...MINIMAL.email!, to: ['a@example.com', 'b@example.com'] },
    ] as Array<{ type: string }>,
    bufferContext(),
  );
  assert.deepEqual(
    notifiers.map((n) => n.id),
    ['console', 'slack', 'slack:#netsec', 'email:a@example.com'],
  );
});

test('defaults are applied from the schemas', () => {
  const slack = notifierModules.get('slack')!.options.parse(MINIMAL.slack) as {
    timeoutSeconds: number;
    retries: number;
  };
  assert.equal(slack.timeoutSeconds, 10);
  assert.equal(slack.retries, 3);
});

test('unknown type: ConfigError naming the type and the known ones', () => {
  assert.throws(
    () => createNotifiers([{ type: 'pager' }], bufferContext()),
    (error: unknown) =>
      error instanceof ConfigError &&
      /unknown notifier type "pager"/.test(error.message) &&
      error.message.includes([...notifierModules.keys()].join(', ')),
  );
  assert.throws(() => createNotifiers([{} as { type: string }], bufferContext()), /type is missing/);
});

test('a misspelt key is reported, not ignored', () => {
  assert.throws(
    () =>
      createNotifiers([{ type: 'slack', webhookURL: 'https://example.com/x' } as { type: string }], bufferContext()),
    (error: unknown) =>
      error instanceof ConfigError && error.message.includes('webhookURL') && error.message.includes('webhookUrl'),
  );
});

test('two notifiers with the same id are a config error (the outbox tracks deliveries by id)', () => {
  assert.throws(
    () => createNotifiers([MINIMAL.slack!, MINIMAL.slack!] as Array<{ type: string }>, bufferContext()),
    (error: unknown) =>
      error instanceof ConfigError &&
      /notifiers\[1\]: notifier id "slack" is already used by notifiers\[0\]/.test(error.message),
  );
});

test('default notifiers: the console, which prints the plain-text alert', async () => {
  const context = bufferContext();
  const notifiers = defaultNotifiers(context);
  assert.deepEqual(
    notifiers.map((n) => n.id),
    ['console'],
  );
  await notifiers[0]!.send(changesNotification());
  assert.match(
    context.output(),
    /^cloud-app-security: \+1 IP, \+1 host, -2 IPs, ~1 ports in App connector access, Portal access \(action needed\)\n/,
  );
  assert.match(context.output(), /\n {2}\+ IP added: 13\.95\.30\.47 \(TCP 443\)\n/);
});

test('console: a failing stream is a NotifyError', async () => {
  const stdout = new Writable({
    write(_chunk, _encoding, callback) {
      callback(new Error('EPIPE: broken pipe'));
    },
  });
  stdout.on('error', () => {});
  const [console] = defaultNotifiers({ stdout });
  await assert.rejects(
    console!.send(changesNotification()),
    (error: unknown) => error instanceof NotifyError && /broken pipe/.test(error.message),
  );
});
