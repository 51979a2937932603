// Every registered notifier type, found in the registry: nothing here names a type, so a new one
// is checked as soon as it is registered. What each entry needs is read from its own schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { ConfigError, NotifyError } from '../errors/index.js';
import {
  createNotifiers,
  defaultNotifiers,
  notifierModules,
  notifierSchemas,
  notifiersFromEntries,
  validateNotifierEntries,
} from './registry.js';
import type { NotifierContext } from './types.js';
import { changesNotification } from './__fixtures__/notifications.js';
import { startSlackStub } from '../test/helpers/slack-stub.js';
import { startSmtpStub } from '../test/helpers/smtp-stub.js';

const TYPES = [...notifierModules.keys()];

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

function shapeOf(type: string): Record<string, z.ZodType> {
  const schema = notifierModules.get(type)!.options;
  assert.ok(schema instanceof z.ZodObject, `${type}: options must be an object schema`);
  return schema.shape as Record<string, z.ZodType>;
}

/** The keys an entry of `type` must give: neither optional nor defaulted in its schema. */
function requiredKeys(type: string): string[] {
  return Object.entries(shapeOf(type))
    .filter(([key, field]) => key !== 'type' && !field.safeParse(undefined).success)
    .map(([key]) => key);
}

const isUrlKey = (key: string) => /url$/i.test(key);

/** A value for each required key: URLs point at `peerUrl` (or a valid stand-in); anything else this test must learn. */
function minimalEntry(type: string, peerUrl?: string): Record<string, unknown> {
  const entry: Record<string, unknown> = { type };
  for (const key of requiredKeys(type)) {
    if (isUrlKey(key))
      entry[key] = peerUrl || (/^smtp/i.test(key) ? 'smtp://mail.example.com:25' : 'https://hooks.example.com/x');
    else if (key === 'from') entry[key] = 'watch@example.com';
    else if (key === 'to') entry[key] = ['netsec@example.com'];
    else assert.fail(`${type}: required key "${key}" has no test value; add one to minimalEntry`);
  }
  return entry;
}

/** A real peer for `type`, chosen by what its entry needs: an SMTP server, an HTTP server, or stdout. */
async function peerFor(type: string) {
  const keys = requiredKeys(type);
  if (keys.some((key) => /^smtp/i.test(key))) {
    const smtp = await startSmtpStub();
    return {
      url: smtp.url(),
      received: (_context: { output: () => string }) => smtp.messages.map((m) => `${m.subject}\n${m.text}`).join('\n'),
      close: () => smtp.close(),
    };
  }
  if (keys.some(isUrlKey)) {
    const http = await startSlackStub();
    return {
      url: http.url,
      received: (_context: { output: () => string }) => JSON.stringify(http.delivered()),
      close: () => http.close(),
    };
  }
  return { url: '', received: (context: { output: () => string }) => context.output(), close: async () => {} };
}

test('the registry knows types, and the config schema is handed exactly their schemas', () => {
  assert.ok(TYPES.length > 0);
  assert.deepEqual([...notifierSchemas.keys()], TYPES);
  for (const [type, module] of notifierModules) {
    assert.equal(module.type, type);
    assert.ok(module.description.length > 0, `${type}: no description`);
    assert.equal(notifierSchemas.get(type), module.options, `${type}: the config validates with another schema`);
    // Every type takes the routing keys, id included, from the one routing shape.
    for (const key of ['id', 'sources', 'regions', 'severities', 'summaryOnly'])
      assert.ok(key in shapeOf(type), `${type}: no "${key}"`);
  }
});

for (const type of TYPES) {
  test(`${type}: builds from its minimal entry, delivers to a real peer, and has a derived id of its type`, {
    timeout: 30_000,
  }, async () => {
    const peer = await peerFor(type);
    const context = bufferContext();
    try {
      // No retries where a type has them: a failed delivery fails this test at once.
      const entry = { ...minimalEntry(type, peer.url), ...('retries' in shapeOf(type) ? { retries: 0 } : {}) };
      const [notifier] = notifiersFromEntries([entry], context);
      assert.ok(notifier, `${type}: nothing built`);
      // The outbox falls back to the id's first part for the type; both must agree.
      assert.equal(notifier.type, type);
      assert.ok(notifier.id === type || notifier.id.startsWith(`${type}:`), `${type}: derived id ${notifier.id}`);
      await notifier.send(changesNotification());
      // What a person receives names the change: the added EU1 connector address.
      assert.match(peer.received(context), /13\.95\.30\.47/, `${type}: the delivered alert does not name the added IP`);

      // The derived id may be written as it is, and any id keeps the type.
      const [explicit] = notifiersFromEntries([{ ...entry, id: notifier.id }], bufferContext());
      assert.equal(explicit!.id, notifier.id);
      const [renamed] = notifiersFromEntries([{ ...entry, id: `${type}-eu` }], bufferContext());
      assert.equal(renamed!.id, `${type}-eu`);
      assert.equal(renamed!.type, type);
      // Two of a kind need ids of their own: the outbox tracks deliveries by id.
      assert.throws(
        () => notifiersFromEntries([entry, entry], bufferContext()),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.includes(`notifiers[1]: notifier id "${notifier.id}" is already used by notifiers[0]`),
      );
      assert.equal(notifiersFromEntries([entry, { ...entry, id: `${type}-2` }], bufferContext()).length, 2);
    } finally {
      await peer.close();
    }
  });

  test(`${type}: an invalid entry is rejected naming the key`, () => {
    const entry = minimalEntry(type);
    const invalid: Array<[Record<string, unknown>, string]> = [
      [{ ...entry, colour: true }, 'notifiers[0].colour: unknown key'],
      ...requiredKeys(type).map((key): [Record<string, unknown>, string] => [
        Object.fromEntries(Object.entries(entry).filter(([k]) => k !== key)),
        `notifiers[0].${key}: `,
      ]),
      ...requiredKeys(type)
        .filter(isUrlKey)
        .map((key): [Record<string, unknown>, string] => [{ ...entry, [key]: 'not a url' }, `notifiers[0].${key}: `]),
      [{ ...entry, severities: ['urgent'] }, 'notifiers[0].severities[0]: '],
    ];
    for (const [config, message] of invalid) {
      assert.throws(
        () => validateNotifierEntries([config]),
        (error: unknown) => error instanceof ConfigError && error.message.includes(message),
        `${type}: expected "${message}" for ${JSON.stringify(config)}`,
      );
    }
  });
}

test('defaults are applied once, by the validation the config uses', () => {
  for (const type of TYPES) {
    const [settings] = validateNotifierEntries([minimalEntry(type)]);
    assert.equal(settings!.summaryOnly, false, type);
    if ('retries' in shapeOf(type)) assert.equal(typeof settings!.retries, 'number', type);
  }
});

test('unknown or missing type: ConfigError naming the known types', () => {
  assert.throws(
    () => validateNotifierEntries([{ type: 'pager' }]),
    (error: unknown) =>
      error instanceof ConfigError &&
      /notifiers\[0\]\.type: unknown notifier type "pager"/.test(error.message) &&
      error.message.includes(TYPES.join(', ')),
  );
  assert.throws(() => validateNotifierEntries([{}]), /notifiers\[0\]\.type: is required/);
});

test('every problem of every entry is reported in one error', () => {
  assert.throws(
    () => validateNotifierEntries([{ type: 'pager' }, { type: TYPES[0], colour: 1 }]),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes('notifiers[0].type') &&
      error.message.includes('notifiers[1].colour'),
  );
});

test('createNotifiers builds one notifier per validated entry, in order', () => {
  const settings = validateNotifierEntries(TYPES.map((type) => minimalEntry(type)));
  const notifiers = createNotifiers(settings, bufferContext());
  assert.deepEqual(
    notifiers.map((n) => n.type),
    TYPES,
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
