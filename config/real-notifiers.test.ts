// The config loader with the notifier schemas the CLI really passes (notify/registry.ts), so a
// change there that breaks key paths or leaks a secret into a config error shows up here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/index.js';
import { notifierModules } from '../notify/registry.js';
import { parseConfig, resolveNotifiers } from './load.js';

const notifierSchemas = new Map([...notifierModules].map(([type, module]) => [type, module.options]));
const sources = 'sources:\n  - id: a\n    url: https://docs.example.com/a.md\n';
const parse = (yaml: string, env: Record<string, string>) =>
  parseConfig(yaml, { file: 'ew.yaml', baseDir: '/srv/ew', env, formats: ['markdown'], notifierSchemas });

test('slack and email entries from ${VAR} validate against the real notifier schemas', () => {
  const env = {
    SLACK_WEBHOOK_URL: 'https://hooks.example.com/services/T1/B2/abcdef',
    SMTP_URL: 'smtp://user:pw-123@mail.example.com:587',
  };
  const config = parse(
    `${sources}notifiers:\n  - type: slack\n    webhookUrl: \${SLACK_WEBHOOK_URL}\n  - type: email\n    smtpUrl: \${SMTP_URL}\n    from: ew@example.com\n    to: [netsec@example.com]\n`,
    env,
  );
  assert.deepEqual(
    config.notifiers.map((n) => n.type),
    ['slack', 'email'],
  );
  const [slack, email] = resolveNotifiers(config);
  assert.equal(slack?.webhookUrl, env.SLACK_WEBHOOK_URL);
  assert.equal(email?.smtpUrl, env.SMTP_URL);
});

test('invalid secrets are reported by key, never by value', () => {
  const env = {
    SLACK_WEBHOOK_URL: 'ftp://Qx7-webhook-secret',
    SMTP_URL: 'imap://user:Qx7-smtp-secret@mail.example.com',
  };
  assert.throws(
    () =>
      resolveNotifiers(
        parse(
          `${sources}notifiers:\n  - type: slack\n    webhookUrl: \${SLACK_WEBHOOK_URL}\n  - type: email\n    smtpUrl: \${SMTP_URL}\n    from: ew@example.com\n    to: [netsec@example.com, nobody]\n`,
          env,
        ),
      ),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.doesNotMatch(err.message, /Qx7/);
      assert.match(err.message, /notifiers\[0\]\.webhookUrl: /);
      assert.match(err.message, /notifiers\[1\]\.smtpUrl: /);
      assert.match(err.message, /notifiers\[1\]\.to\[1\]: /);
      return true;
    },
  );
});
