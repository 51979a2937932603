import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotifyError } from '../errors/index.js';
import { startSmtpStub } from '../test/helpers/smtp-stub.js';
import { createEmailNotifier, emailOptionsSchema, type EmailDelays } from './email.js';
import type { Notification } from './types.js';
import { LOCATION, SOURCE, changesNotification } from './__fixtures__/notifications.js';
import { rejection } from '../test/helpers/rejection.js';

const PASSWORD = 'pa:ss@w0rd/s3cr3t';
const LOGIN = { user: 'alerts@example.com', pass: PASSWORD };

function fakeDelays(): EmailDelays & { waits: number[]; warnings: string[] } {
  const waits: number[] = [];
  const warnings: string[] = [];
  return {
    waits,
    warnings,
    baseDelayMs: 5,
    maxDelayMs: 1000,
    sleep: async (ms) => void waits.push(ms),
    warn: (line) => void warnings.push(line),
  };
}

function options(smtpUrl: string, extra: Record<string, unknown> = {}) {
  return emailOptionsSchema.parse({
    type: 'email',
    smtpUrl,
    from: 'endpoint-watch@example.com',
    to: ['netsec@example.com', 'firewall@example.com'],
    timeoutSeconds: 5,
    ...extra,
  });
}

function sendError(promise: Promise<unknown>): Promise<NotifyError> {
  return rejection(promise, NotifyError);
}

function assertNoPassword(error: NotifyError): void {
  for (const form of [PASSWORD, encodeURIComponent(PASSWORD), 's3cr3t']) {
    assert.ok(!error.message.includes(form), `password (${form}) in: ${error.message}`);
    assert.ok(!String(error.stack).includes(form));
  }
  assert.equal(error.cause, undefined);
}

test('delivers one message with subject, text and HTML parts, logging in with the URL credentials', {
  timeout: 30_000,
}, async (t) => {
  const smtp = await startSmtpStub({ users: { [LOGIN.user]: PASSWORD } });
  t.after(() => smtp.close());
  const notifier = createEmailNotifier(options(smtp.url(LOGIN)), fakeDelays());
  assert.equal(notifier.id, 'email:netsec@example.com');

  await notifier.send(changesNotification());

  assert.equal(smtp.messages.length, 1);
  const mail = smtp.messages[0]!;
  assert.deepEqual(mail.envelope, {
    from: 'endpoint-watch@example.com',
    to: ['netsec@example.com', 'firewall@example.com'],
  });
  assert.deepEqual(mail.auth, { username: LOGIN.user, password: PASSWORD });
  assert.equal(
    mail.subject,
    '[endpoint-watch] cloud-app-security: +1 IP, +1 host, -2 IPs, ~1 ports in App connector access, Portal access (action needed)',
  );
  assert.ok(mail.text, 'no text part');
  assert.match(
    mail.text,
    /^cloud-app-security: \+1 IP, \+1 host, -2 IPs, ~1 ports in App connector access, Portal access \(action needed\)\n/,
  );
  assert.match(mail.text, /\n {2}\+ IP added: 13\.95\.30\.47 \(TCP 443\)\n/);
  assert.ok(mail.html, 'no HTML part');
  assert.match(mail.html, /<li>\+ IP added: <code>13\.95\.30\.47<\/code> \(TCP 443\)<\/li>/);
  assert.match(mail.html, /<h3>EU1 · App connector access<\/h3>/);
});

test('custom subject prefix, and a health notice', { timeout: 30_000 }, async (t) => {
  const smtp = await startSmtpStub();
  t.after(() => smtp.close());
  const notification: Notification = {
    type: 'health',
    source: SOURCE,
    location: LOCATION,
    problems: ['tables: 3 -> 0 <lost>'],
  };
  await createEmailNotifier(options(smtp.url(), { subjectPrefix: '[netsec]' }), fakeDelays()).send(notification);
  const mail = smtp.messages[0]!;
  assert.equal(mail.subject, '[netsec] cloud-app-security: parser-health problem, new version held');
  assert.match(mail.text!, /- tables: 3 -> 0 <lost>/);
  assert.match(mail.html!, /<li>tables: 3 -&gt; 0 &lt;lost&gt;<\/li>/);
  assert.match(mail.text!, /endpoint-watch run --accept --source cloud-app-security/);
});

test('451 then accepted: delivered once after one retry', { timeout: 30_000 }, async (t) => {
  const smtp = await startSmtpStub();
  t.after(() => smtp.close());
  smtp.rejectNext(1, 451);
  const delays = fakeDelays();
  await createEmailNotifier(options(smtp.url()), delays).send(changesNotification());
  assert.equal(smtp.attempts, 2);
  assert.equal(smtp.messages.length, 1);
  assert.deepEqual(delays.waits, [5]);
});

test('451 every time: NotifyError after 1 + retries attempts', { timeout: 30_000 }, async (t) => {
  const smtp = await startSmtpStub();
  t.after(() => smtp.close());
  smtp.rejectNext(5, 451, 'Mailbox busy, try later');
  const error = await sendError(
    createEmailNotifier(options(smtp.url(LOGIN), { retries: 2 }), fakeDelays()).send(changesNotification()),
  );
  assert.equal(smtp.attempts, 3);
  assert.equal(smtp.messages.length, 0);
  assert.equal(error.notifier, 'email');
  assert.match(error.message, /kept deferring the message: 451 Mailbox busy, try later \(gave up after 3 attempts\)/);
  assertNoPassword(error);
});

test('550 is permanent: NotifyError at once, no retry, no password', { timeout: 30_000 }, async (t) => {
  const smtp = await startSmtpStub();
  t.after(() => smtp.close());
  smtp.rejectNext(1, 550, 'Relaying denied');
  const delays = fakeDelays();
  const error = await sendError(createEmailNotifier(options(smtp.url(LOGIN)), delays).send(changesNotification()));
  assert.equal(smtp.attempts, 1);
  assert.deepEqual(delays.waits, []);
  assert.match(
    error.message,
    new RegExp(
      `SMTP server 127\\.0\\.0\\.1:${smtp.port} refused the message: 550 Relaying denied \\(permanent, not retried\\)`,
    ),
  );
  assertNoPassword(error);
});

test('wrong password: rejected login is permanent and the message does not contain the password', {
  timeout: 30_000,
}, async (t) => {
  const smtp = await startSmtpStub({ users: { [LOGIN.user]: 'the-right-one' } });
  t.after(() => smtp.close());
  const error = await sendError(
    createEmailNotifier(options(smtp.url(LOGIN)), fakeDelays()).send(changesNotification()),
  );
  assert.equal(smtp.logins.length, 1);
  assert.match(error.message, /rejected the login: .*535/);
  assertNoPassword(error);
});

test('server down: retried, then a clear NotifyError; back up: delivered', { timeout: 30_000 }, async (t) => {
  const smtp = await startSmtpStub();
  t.after(() => smtp.close());
  await smtp.outage();
  const delays = fakeDelays();
  const notifier = createEmailNotifier(options(smtp.url(LOGIN), { retries: 1 }), delays);
  const error = await sendError(notifier.send(changesNotification()));
  assert.match(
    error.message,
    new RegExp(
      `cannot deliver through SMTP server 127\\.0\\.0\\.1:${smtp.port}: .*ECONNREFUSED.* \\(gave up after 2 attempts\\)`,
    ),
  );
  assert.equal(delays.waits.length, 1);
  assertNoPassword(error);

  await smtp.recover();
  await notifier.send(changesNotification());
  assert.equal(smtp.messages.length, 1);
});

test('options: smtp(s) URL, email addresses and at least one recipient are required', { timeout: 30_000 }, () => {
  assert.equal(
    emailOptionsSchema.safeParse({
      type: 'email',
      smtpUrl: 'http://mail.example.com',
      from: 'a@example.com',
      to: ['b@example.com'],
    }).success,
    false,
  );
  assert.equal(
    emailOptionsSchema.safeParse({
      type: 'email',
      smtpUrl: 'smtps://u:p@mail.example.com:465',
      from: 'a@example.com',
      to: [],
    }).success,
    false,
  );
  assert.equal(
    emailOptionsSchema.safeParse({
      type: 'email',
      smtpUrl: 'smtp://mail.example.com',
      from: 'not-an-address',
      to: ['b@example.com'],
    }).success,
    false,
  );
  const parsed = emailOptionsSchema.parse({
    type: 'email',
    smtpUrl: 'smtp://mail.example.com',
    from: 'a@example.com',
    to: ['b@example.com'],
  });
  assert.equal(parsed.subjectPrefix, '[endpoint-watch]');
  assert.equal(parsed.retries, 2);
});

test('from: a display name with the address is accepted and sent as given; a bad address is not', {
  timeout: 30_000,
}, async (t) => {
  const parse = (from: string) =>
    emailOptionsSchema.safeParse({ type: 'email', smtpUrl: 'smtp://127.0.0.1:1', from, to: ['a@example.com'] });
  assert.equal(parse('Endpoint Watch <ew@example.com>').success, true);
  assert.equal(parse('"Endpoint Watch" <ew@example.com>').success, true);
  assert.equal(parse('Endpoint Watch <nope>').success, false);
  assert.equal(parse('not an address').success, false);
  const smtp = await startSmtpStub();
  t.after(() => smtp.close());
  await createEmailNotifier(options(smtp.url(), { from: 'Endpoint Watch <ew@example.com>' }), fakeDelays()).send(
    changesNotification(),
  );
  assert.equal(smtp.messages.length, 1);
  assert.equal(smtp.messages[0]!.envelope.from, 'ew@example.com');
  assert.equal(smtp.messages[0]!.headers.from, 'Endpoint Watch <ew@example.com>');
});
