import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  loadConfig,
  parseConfig,
  resolveNotifiers,
  substituteEnv,
  formatKeyPath,
  type ParseConfigOptions,
} from './load.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/project/', import.meta.url));
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Stand-ins for the notifier option schemas the CLI takes from notify/registry.ts: config/ only
// knows "a zod schema per type", so these exercise exactly that contract.
const notifierSchemas = new Map<string, z.ZodType>([
  ['console', z.strictObject({ type: z.literal('console') })],
  [
    'slack',
    z.strictObject({
      type: z.literal('slack'),
      webhookUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
      channel: z.string().optional(),
      retries: z.number().int().min(0).default(3),
    }),
  ],
  [
    'email',
    z.strictObject({
      type: z.literal('email'),
      smtpUrl: z.string().regex(/^smtps?:\/\//, { error: 'must be an smtp:// or smtps:// URL' }),
      from: z.email({ error: 'invalid email' }),
      to: z.array(z.email({ error: 'invalid email' })).min(1),
    }),
  ],
]);
const formats = ['markdown', 'html-rows', 'm365-json'];
const env = {
  SLACK_WEBHOOK_URL: 'https://hooks.example.com/services/T000/B000/XXXXsecretXXXX',
  SMTP_URL: 'smtp://mailer:hunter2-pass@mail.example.com:587',
};

function parse(yaml: string, overrides: Partial<ParseConfigOptions> = {}) {
  return parseConfig(yaml, {
    file: 'test.yaml',
    baseDir: '/etc/endpoint-watch',
    env,
    formats,
    notifierSchemas,
    ...overrides,
  });
}

/** The ConfigError `fn` throws (synchronously or not); fails the test when it does not throw one. */
async function configError(fn: () => unknown): Promise<ConfigError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG');
    return err;
  }
  assert.fail('expected a ConfigError');
}

const oneSource = 'sources:\n  - id: a\n    url: https://docs.example.com/a.md\n';

test('a minimal config gets the defaults, and paths are resolved against the config file', async () => {
  const { proxy, serve, ...config } = await loadConfig(join(fixtures, 'endpoint-watch.yaml'), {
    env: {},
    formats,
    notifierSchemas,
  });
  assert.equal(proxy.resolve(), null);
  assert.deepEqual(serve.resolve(), { port: 8080, host: '127.0.0.1', token: null });
  assert.deepEqual(config, {
    snapshotDir: join(fixtures, 'snapshots'),
    commitUrl: null,
    deliveryBudgetMs: null,
    historyUrl: null,
    concurrency: 4,
    git: null,
    sources: [
      {
        id: 'local-doc',
        url: join(fixtures, 'docs/network.md'),
        schedule: '0 * * * *',
        format: null,
        timeoutSeconds: 30,
        retries: 2,
      },
      {
        id: 'vendor-page',
        url: 'https://docs.example.com/network-requirements',
        schedule: '0 * * * *',
        format: null,
        timeoutSeconds: 30,
        retries: 2,
      },
    ],
    notifiers: [],
  });
});

test('explicit values are kept, notifiers are validated by their own schema (defaults included)', async () => {
  const config = await loadConfig(join(fixtures, 'full.yaml'), { env, formats, notifierSchemas });
  assert.equal(config.snapshotDir, resolve(fixtures, '../history'));
  assert.equal(config.commitUrl, 'https://github.com/acme/allowlist-history/commit/{commit}');
  assert.deepEqual(config.sources[0], {
    id: 'cloud-app-security',
    url: 'https://docs.example.com/cas.md',
    schedule: '*/15 * * * *',
    format: 'markdown',
    timeoutSeconds: 10,
    retries: 0,
  });
  assert.equal(config.sources[1]?.url, 'file:///srv/docs/network.md');
  assert.deepEqual(resolveNotifiers(config), [
    { type: 'slack', webhookUrl: env.SLACK_WEBHOOK_URL, retries: 3 },
    { type: 'email', smtpUrl: env.SMTP_URL, from: 'endpoint-watch@example.com', to: ['netsec@example.com'] },
  ]);
});

test('a relative config path resolves against its own directory, not twice', async () => {
  const relative = join(fixtures, 'endpoint-watch.yaml').slice(process.cwd().length + 1);
  assert.ok(!relative.startsWith('/'), 'the fixture lives under the working directory');
  const config = await loadConfig(relative, { env: {}, formats, notifierSchemas });
  assert.equal(config.sources[0]?.url, join(fixtures, 'docs/network.md'));
});

test('${VAR} is substituted anywhere in a string; $${VAR} stays literal; the env is the one passed in', () => {
  const config = parse(
    [
      'snapshotDir: ${STATE_DIR}/snapshots',
      'commitUrl: https://git.example.com/$${ORG}/commit/{commit}',
      'sources:',
      '  - id: a',
      '    url: https://${DOCS_HOST}/network.md',
      'notifiers:',
      '  - type: slack',
      '    webhookUrl: ${SLACK_WEBHOOK_URL}',
    ].join('\n'),
    { env: { ...env, STATE_DIR: '/var/lib/ew', DOCS_HOST: 'docs.example.com' } },
  );
  assert.equal(config.snapshotDir, '/var/lib/ew/snapshots');
  assert.equal(config.commitUrl, 'https://git.example.com/${ORG}/commit/{commit}');
  assert.equal(config.sources[0]?.url, 'https://docs.example.com/network.md');
  assert.equal(config.notifiers[0]?.resolve().webhookUrl, env.SLACK_WEBHOOK_URL);
});

test('an unset variable is a ConfigError naming the file, the key and the variable; every one is listed', async () => {
  const inSource = await configError(() =>
    parse('sources:\n  - id: a\n    url: https://${DOCS_HOST}/a.md\n', { env: {} }),
  );
  assert.equal(inSource.message, 'test.yaml: sources[0].url: environment variable DOCS_HOST is not set');

  // In a notifier the variable is needed only when the notifiers are built.
  const yaml = `${oneSource}notifiers:\n  - type: slack\n    webhookUrl: \${SLACK_WEBHOOK_URL}\n`;
  const config = parse(yaml, { env: {} });
  assert.equal(config.notifiers[0]?.type, 'slack');
  const single = await configError(() => resolveNotifiers(config));
  assert.equal(single.message, 'test.yaml: notifiers[0].webhookUrl: environment variable SLACK_WEBHOOK_URL is not set');

  const both = await configError(() =>
    resolveNotifiers(
      parse(
        `${oneSource}notifiers:\n  - type: email\n    smtpUrl: \${SMTP_URL}\n    from: \${MAIL_FROM}\n    to: [a@example.com]\n  - type: slack\n    webhookUrl: \${HOOK}\n`,
        { env: {} },
      ),
    ),
  );
  assert.match(both.message, /^test\.yaml: 3 problems:/);
  assert.match(both.message, /notifiers\[0\]\.smtpUrl: environment variable SMTP_URL is not set/);
  assert.match(both.message, /notifiers\[0\]\.from: environment variable MAIL_FROM is not set/);
  assert.match(both.message, /notifiers\[1\]\.webhookUrl: environment variable HOOK is not set/);
});

test('${VAR:-default}: the default when VAR is unset or empty, VAR otherwise', () => {
  const yaml = [
    'snapshotDir: ${STATE:-/var/lib/ew}/snapshots',
    'sources:',
    '  - id: a',
    '    url: https://${HOST:-docs.example.com}/a.md',
    '    schedule: "${CRON:-*/5 * * * *}"',
    'notifiers:',
    '  - type: slack',
    '    webhookUrl: ${HOOK:-https://hooks.example.com/services/T/B/default}',
    '    channel: "#${CHANNEL:-}netsec"',
  ].join('\n');
  const unset = parse(yaml, { env: { HOST: '' } });
  assert.equal(unset.snapshotDir, '/var/lib/ew/snapshots');
  assert.equal(unset.sources[0]?.url, 'https://docs.example.com/a.md');
  assert.equal(unset.sources[0]?.schedule, '*/5 * * * *');
  assert.deepEqual(resolveNotifiers(unset)[0], {
    type: 'slack',
    webhookUrl: 'https://hooks.example.com/services/T/B/default',
    channel: '#netsec',
    retries: 3,
  });
  const set = parse(yaml, { env: { STATE: '/srv', HOST: 'docs.internal', HOOK: 'https://hooks.example.com/x' } });
  assert.equal(set.snapshotDir, '/srv/snapshots');
  assert.equal(set.sources[0]?.url, 'https://docs.internal/a.md');
  assert.equal(resolveNotifiers(set)[0]?.webhookUrl, 'https://hooks.example.com/x');
});

test('<key>File reads a secret from a file (relative to the config), never showing its contents', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'slack'), 'https://hooks.example.com/services/T1/B2/Zq9fromfile\n');
  await writeFile(join(dir, 'not-a-url'), 'Zq9secret not a url\n');
  await writeFile(join(dir, 'empty'), '\n');
  const entry = (line: string) => `${oneSource}notifiers:\n  - type: slack\n    ${line}\n`;
  const load = (line: string) => parse(entry(line), { baseDir: dir, env: { SECRETS: dir } });

  assert.equal(
    load('webhookUrlFile: slack').notifiers[0]?.resolve().webhookUrl,
    'https://hooks.example.com/services/T1/B2/Zq9fromfile',
  );
  assert.equal(
    load('webhookUrlFile: ${SECRETS}/slack').notifiers[0]?.resolve().webhookUrl,
    'https://hooks.example.com/services/T1/B2/Zq9fromfile',
  );

  const missing = await configError(() => resolveNotifiers(load('webhookUrlFile: /run/secrets/none')));
  assert.equal(
    missing.message,
    'test.yaml: notifiers[0].webhookUrlFile: cannot read /run/secrets/none: file not found',
  );
  const empty = await configError(() => resolveNotifiers(load('webhookUrlFile: empty')));
  assert.equal(empty.message, `test.yaml: notifiers[0].webhookUrlFile: ${join(dir, 'empty')} is empty`);
  const invalid = await configError(() => resolveNotifiers(load('webhookUrlFile: not-a-url')));
  assert.match(invalid.message, /^test\.yaml: notifiers\[0\]\.webhookUrl: must be an https URL/);
  assert.doesNotMatch(invalid.message, /Zq9/);
  const both = await configError(() =>
    resolveNotifiers(
      parse(entry('webhookUrl: https://hooks.example.com/a\n    webhookUrlFile: slack'), { baseDir: dir }),
    ),
  );
  assert.equal(both.message, 'test.yaml: notifiers[0]: give webhookUrl or webhookUrlFile, not both');
  // A *File key for a key the notifier does not have is an unknown key, found when the file is read.
  const unknown = await configError(() => parse(entry('webhookURLFile: slack'), { baseDir: dir }));
  assert.equal(unknown.message, 'test.yaml: notifiers[0].webhookURLFile: unknown key');
});

test('a malformed ${...} reference is an error naming the key', async () => {
  const err = await configError(() => parse('sources:\n  - id: a\n    url: https://${DOCS-HOST}/x.md\n'));
  assert.match(err.message, /^test\.yaml: sources\[0\]\.url: malformed variable reference "\$\{DOCS"/);
});

test('values from the environment never appear in an error message, even when they are invalid', async () => {
  const secrets = {
    SLACK_WEBHOOK_URL: 'http://not-https.example.com/hook/Zq9secret-token-1',
    SMTP_URL: 'imap://mailer:Zq9secret-pass-2@mail.example.com',
    MAIL_TO: 'Zq9secret-not-an-address',
    FORMAT: 'Zq9secret-format',
    SCHEDULE: 'Zq9secret cron',
  };
  const yaml = [
    'sources:',
    '  - id: a',
    '    url: https://docs.example.com/a.md',
    '    format: ${FORMAT}',
    '    schedule: ${SCHEDULE}',
    'notifiers:',
    '  - type: slack',
    '    webhookUrl: ${SLACK_WEBHOOK_URL}',
    '  - type: email',
    '    smtpUrl: ${SMTP_URL}',
    '    from: ew@example.com',
    '    to: ["${MAIL_TO}"]',
  ].join('\n');
  const err = await configError(() => parse(yaml, { env: secrets }));
  assert.doesNotMatch(err.message, /Zq9secret/);
  assert.match(err.message, /sources\[0\]\.format: unknown format "\$\{FORMAT\}"/);
  assert.match(err.message, /sources\[0\]\.schedule: invalid cron expression "\$\{SCHEDULE\}"/);
  assert.equal(err.cause, undefined, 'no cause that could carry the values');

  const withValidSource = yaml.replace('    format: ${FORMAT}\n    schedule: ${SCHEDULE}\n', '');
  const notifiers = await configError(() => resolveNotifiers(parse(withValidSource, { env: secrets })));
  assert.doesNotMatch(notifiers.message, /Zq9secret/);
  assert.match(notifiers.message, /notifiers\[0\]\.webhookUrl: must be an https URL/);
  assert.match(notifiers.message, /notifiers\[1\]\.smtpUrl: must be an smtp:\/\/ or smtps:\/\/ URL/);
  assert.match(notifiers.message, /notifiers\[1\]\.to\[0\]: invalid email/);
  assert.equal(notifiers.cause, undefined);
});

test('serve: defaults, a port from the environment, a token inline or from a file, read only when used', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-serve-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'token'), 'Zq9-token-from-a-file-0123456789\n');
  const serve = (yaml: string, env: Record<string, string> = {}) =>
    parse(`${oneSource}serve:\n${yaml}`, { baseDir: dir, env }).serve;

  assert.deepEqual(parse(oneSource).serve.resolve(), { port: 8080, host: '127.0.0.1', token: null });
  assert.deepEqual(serve('  port: ${PORT:-9090}\n  host: 0.0.0.0\n').resolve(), {
    port: 9090,
    host: '0.0.0.0',
    token: null,
  });
  assert.equal(serve('  port: ${PORT}\n', { PORT: '8181' }).resolve().port, 8181);
  assert.equal(serve('  tokenFile: token\n').resolve().token, 'Zq9-token-from-a-file-0123456789');

  // An unset token variable is no problem until serve runs.
  const unset = serve('  token: ${EW_TOKEN}\n');
  assert.match(
    (await configError(() => unset.resolve())).message,
    /^test\.yaml: serve\.token: environment variable EW_TOKEN is not set$/,
  );
  const short = await configError(() => serve('  token: ${EW_TOKEN}\n', { EW_TOKEN: 'Zq9short' }).resolve());
  assert.equal(short.message, 'test.yaml: serve.token: must be at least 16 characters (use a random string)');
  assert.match((await configError(() => serve('  port: 70000\n').resolve())).message, /^test\.yaml: serve\.port: /);
  assert.equal(
    (await configError(() => serve('  prot: 8080\n'))).message,
    'test.yaml: serve.prot: unknown key (allowed: port, host, token)',
  );
});

test('proxy: a URL, "direct", or url + noProxy; checked at load, read when something goes out', async () => {
  const proxy = (yaml: string, env: Record<string, string> = {}) =>
    parse(`${oneSource}proxy: ${yaml}\n`, { env }).proxy;
  assert.equal(parse(oneSource).proxy.resolve(), null);
  assert.deepEqual(proxy('http://proxy.corp:3128').resolve(), { url: 'http://proxy.corp:3128', noProxy: null });
  assert.deepEqual(proxy('direct').resolve(), { url: null, noProxy: null });
  assert.deepEqual(proxy('{url: "${P:-http://proxy.corp:3128}", noProxy: [localhost, .corp.example]}').resolve(), {
    url: 'http://proxy.corp:3128',
    noProxy: 'localhost,.corp.example',
  });
  const unset = proxy('http://svc:${PROXY_PASSWORD}@proxy.corp:3128');
  assert.equal(
    (await configError(() => unset.resolve())).message,
    'test.yaml: proxy: environment variable PROXY_PASSWORD is not set',
  );
  assert.equal(
    (await configError(() => proxy('{url: http://p:1, no_proxy: x}'))).message,
    'test.yaml: proxy.no_proxy: unknown key (allowed: url, noProxy)',
  );
  assert.match((await configError(() => proxy('""').resolve())).message, /^test\.yaml: proxy: /);
});

test('a malformed ${...} in a notifier, proxy or serve is reported at load, before any secret is needed', async () => {
  const err = await configError(() =>
    parse(`${oneSource}proxy: http://\${PROXY-HOST}:3128\nnotifiers:\n  - type: slack\n    webhookUrl: \${HOOK\n`),
  );
  assert.match(err.message, /proxy: malformed variable reference "\$\{PROXY"/);
  assert.match(err.message, /notifiers\[0\]\.webhookUrl: malformed variable reference "\$\{HOOK"/);
});

test('a missing config file says how to fix it', async () => {
  const err = await configError(() =>
    loadConfig('./no-such-endpoint-watch.yaml', { env: {}, formats, notifierSchemas }),
  );
  assert.equal(err.message, 'config file ./no-such-endpoint-watch.yaml not found; create one or pass --config');
  const dir = await configError(() => loadConfig(fixtures, { env: {}, formats, notifierSchemas }));
  assert.match(dir.message, /is a directory/);
});

test('a YAML syntax error names the file, line and column', async () => {
  const err = await configError(() => parse('sources:\n  - id: a\n    url: "https://docs.example.com/a.md\n'));
  assert.match(err.message, /^test\.yaml: line \d+, column \d+: YAML syntax error: /);
  const flow = await configError(() => parse('sources: [\n  {id: a, url: x}\nnotifiers: []\n'));
  assert.match(flow.message, /^test\.yaml: line 3, column 1: YAML syntax error/);
  const duplicateKey = await configError(() => parse(`${oneSource}sources: []\n`));
  assert.match(duplicateKey.message, /^test\.yaml: line 4, column 1: YAML syntax error: Map keys must be unique/);
});

test('an empty file or a top level that is not a mapping is a clear error', async () => {
  assert.match((await configError(() => parse(''))).message, /^test\.yaml: the file is empty/);
  assert.match((await configError(() => parse('# only a comment\n'))).message, /^test\.yaml: the file is empty/);
  assert.match((await configError(() => parse('- id: a\n'))).message, /^test\.yaml: the top level must be a mapping/);
});

test('unknown keys are rejected, at the top level and in a source', async () => {
  const top = await configError(() => parse(`${oneSource}snapshotdir: ./x\n`));
  assert.equal(
    top.message,
    'test.yaml: snapshotdir: unknown key (allowed: snapshotDir, commitUrl, historyUrl, confirmAfter, failureAlertAfter, failureRepeatAfter, parseTimeoutSeconds, parseMemoryMb, deliveryBudgetSeconds, concurrency, maxDocumentBytes, maxNestingDepth, sources, notifiers, proxy, serve, git)',
  );
  const inSource = await configError(() => parse(`${oneSource}    timeout: 10\n`));
  assert.match(
    inSource.message,
    /^test\.yaml: sources\[0\]\.timeout: unknown key \(allowed: id, url, schedule, format, timeoutSeconds, retries, confirmAfter, failureAlertAfter, failureRepeatAfter, parseTimeoutSeconds, parseMemoryMb, maxDocumentBytes, maxNestingDepth, include, exclude, pageUrl\)$/,
  );
  const inNotifier = await configError(() =>
    parse(`${oneSource}notifiers:\n  - type: slack\n    webhookUrl: https://hooks.example.com/x\n    chanel: x\n`),
  );
  assert.equal(inNotifier.message, 'test.yaml: notifiers[0].chanel: unknown key');
});

test('sources: required, non-empty, unique slug ids, usable locations', async () => {
  assert.equal(
    (await configError(() => parse('snapshotDir: ./s\n'))).message,
    'test.yaml: sources: is required: list the documents to watch',
  );
  assert.equal(
    (await configError(() => parse('sources: []\n'))).message,
    'test.yaml: sources: list at least one source',
  );

  const duplicate = await configError(() =>
    parse(`${oneSource}  - id: b\n    url: ./b.md\n  - id: a\n    url: ./c.md\n`),
  );
  assert.equal(duplicate.message, 'test.yaml: sources[2].id: duplicate source id "a" (also sources[0].id)');

  assert.match(
    (await configError(() => parse('sources:\n  - id: Cloud_Apps\n    url: ./a.md\n'))).message,
    /^test\.yaml: sources\[0\]\.id: must be a lower-case slug/,
  );
  assert.equal(
    (await configError(() => parse('sources:\n  - id: a\n'))).message,
    'test.yaml: sources[0].url: is required',
  );
  assert.equal(
    (await configError(() => parse('sources:\n  - id: a\n    url: ftp://docs.example.com/a.md\n'))).message,
    'test.yaml: sources[0].url: unsupported scheme "ftp:" (use an http(s) URL or a local path)',
  );
  assert.match(
    (await configError(() => parse('sources:\n  - id: a\n    url: "https://"\n'))).message,
    /sources\[0\]\.url: (not a valid URL|the URL has no host)/,
  );
});

test('an invalid cron schedule names the key and why', async () => {
  const err = await configError(() => parse(`${oneSource}    schedule: "61 * * * *"\n`));
  assert.match(err.message, /^test\.yaml: sources\[0\]\.schedule: invalid cron expression "61 \* \* \* \*": .*minute/);
  const fields = await configError(() => parse(`${oneSource}    schedule: hourly\n`));
  assert.match(fields.message, /sources\[0\]\.schedule: invalid cron expression "hourly"/);
});

test('format must be one of the ids the caller registered', async () => {
  const err = await configError(() => parse(`${oneSource}    format: markdwon\n`));
  assert.equal(
    err.message,
    'test.yaml: sources[0].format: unknown format "markdwon" (known: markdown, html-rows, m365-json)',
  );
  assert.equal(parse(`${oneSource}    format: m365-json\n`).sources[0]?.format, 'm365-json');
  await configError(() => parse(`${oneSource}    format: m365-json\n`, { formats: ['markdown'] }));
});

test('timeoutSeconds and retries are range-checked', async () => {
  assert.match(
    (await configError(() => parse(`${oneSource}    timeoutSeconds: 0\n`))).message,
    /^test\.yaml: sources\[0\]\.timeoutSeconds: /,
  );
  assert.match(
    (await configError(() => parse(`${oneSource}    retries: 1.5\n`))).message,
    /^test\.yaml: sources\[0\]\.retries: /,
  );
  assert.match(
    (await configError(() => parse(`${oneSource}    retries: "2"\n`))).message,
    /sources\[0\]\.retries: .*expected number/,
  );
});

test('commitUrl must contain {commit}', async () => {
  const err = await configError(() => parse(`commitUrl: https://github.com/acme/x/commit/\n${oneSource}`));
  assert.equal(err.message, 'test.yaml: commitUrl: must contain {commit}, where the snapshot commit id goes');
});

test('notifiers: unknown type names the known types; issue paths are prefixed with the entry', async () => {
  const unknown = await configError(() => parse(`${oneSource}notifiers:\n  - type: teams\n    url: x\n`));
  assert.equal(
    unknown.message,
    'test.yaml: notifiers[0].type: unknown notifier type "teams" (known types: console, slack, email)',
  );
  const missingType = await configError(() => parse(`${oneSource}notifiers:\n  - webhookUrl: x\n`));
  assert.equal(missingType.message, 'test.yaml: notifiers[0].type: is required (one of: console, slack, email)');
  const badEmail = await configError(() =>
    resolveNotifiers(
      parse(
        `${oneSource}notifiers:\n  - type: console\n  - type: email\n    smtpUrl: smtp://mail.example.com\n    from: ew@example.com\n    to: [netsec@example.com, not-an-address]\n`,
      ),
    ),
  );
  assert.equal(badEmail.message, 'test.yaml: notifiers[1].to[1]: invalid email');
  const missingKey = await configError(() =>
    resolveNotifiers(
      parse(`${oneSource}notifiers:\n  - type: email\n    from: ew@example.com\n    to: [a@example.com]\n`),
    ),
  );
  assert.equal(missingKey.message, 'test.yaml: notifiers[0].smtpUrl: is required');
  // `notifiers:` with nothing under it means the default.
  assert.deepEqual(parse(`${oneSource}notifiers:\n`).notifiers, []);
});

test('the repository default endpoint-watch.yaml loads', async () => {
  // m365-json is registered by parsers/registry.ts once that parser lands; the default config
  // must validate against the formats the tool ships, listed here so this test does not
  // depend on the parser registry's progress.
  const config = await loadConfig(join(repoRoot, 'endpoint-watch.yaml'), {
    env: {},
    formats: ['markdown', 'm365-json'],
    notifierSchemas,
  });
  assert.deepEqual(
    config.sources.map((s) => [s.id, s.format]),
    [
      ['cloud-app-security', null],
      ['microsoft-365', 'm365-json'],
    ],
  );
  assert.equal(
    config.sources[0]?.url,
    'https://raw.githubusercontent.com/MicrosoftDocs/defender-docs/public/CloudAppSecurityDocs/network-requirements.md',
  );
  assert.match(
    config.sources[1]?.url ?? '',
    /^https:\/\/endpoints\.office\.com\/endpoints\/worldwide\?clientrequestid=[0-9a-f-]{36}$/,
  );
  // The top-level snapshots/ folder, which the clone ignores (but its README): store/git.ts
  // gives it a repository of its own, so snapshots never land in the tool's repository.
  assert.equal(config.snapshotDir, resolve(repoRoot, 'snapshots'));
  const ignore = readFileSync(join(repoRoot, '.gitignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('/snapshots/*') && ignore.includes('!/snapshots/README.md'), ignore.join('|'));
  assert.ok(existsSync(join(repoRoot, 'snapshots', 'README.md')));
  assert.deepEqual(config.notifiers, []);
  assert.equal(config.proxy.resolve(), null);
  const inContainer = await loadConfig(join(repoRoot, 'endpoint-watch.yaml'), {
    env: { EW_SNAPSHOT_DIR: '/data/history' },
    formats: ['markdown', 'm365-json'],
    notifierSchemas,
  });
  assert.equal(inContainer.snapshotDir, '/data/history');
});

test('substituteEnv reports nothing for text without references, and keeps non-strings', () => {
  const input = { a: 'plain $ text', b: ['$$', 'x$'], c: 3, d: true, e: null };
  const out = substituteEnv(input, {});
  assert.deepEqual(out, { value: input, used: [], problems: [] });
});

test('formatKeyPath', () => {
  assert.equal(formatKeyPath([]), '');
  assert.equal(formatKeyPath(['snapshotDir']), 'snapshotDir');
  assert.equal(formatKeyPath(['notifiers', 1, 'to', 0]), 'notifiers[1].to[0]');
});

test('git: a remote with defaults, a relative path resolved against the config, mistakes named', () => {
  const sources = 'sources:\n  - id: a\n    url: ./a.md\n';
  assert.deepEqual(parse(`git:\n  remote: git@git.example.com:netsec/history.git\n${sources}`).git, {
    remote: 'git@git.example.com:netsec/history.git',
    branch: 'main',
    push: true,
  });
  assert.deepEqual(parse(`git:\n  remote: ../history.git\n  branch: snapshots\n  push: false\n${sources}`).git, {
    remote: '/etc/history.git',
    branch: 'snapshots',
    push: false,
  });
  assert.equal(parse(sources).git, null);
  assert.throws(() => parse(`git:\n  remote: origin\n  pushh: true\n${sources}`), /git\.pushh: unknown key/);
  assert.throws(
    () => parse(`git:\n  remote: origin\n  branch: endpoint-watch-state\n${sources}`),
    /git\.branch: .*run state/,
  );
});

test('failure alerts and parse bounds: top level, per source, every form of failureAlertAfter', () => {
  const config = parse(
    [
      'failureAlertAfter: 6h',
      'failureRepeatAfter: 2d',
      'parseTimeoutSeconds: 10',
      'sources:',
      '  - id: a',
      '    url: https://docs.example.com/a.md',
      '  - id: b',
      '    url: https://docs.example.com/b.md',
      '    failureAlertAfter: { runs: 2, time: 1h }',
      '    parseMemoryMb: 256',
      '  - id: c',
      '    url: https://docs.example.com/c.md',
      '    failureAlertAfter: 5',
      '',
    ].join('\n'),
  );
  const [a, b, c] = config.sources;
  assert.deepEqual(a!.failureAlertAfter, { runs: null, ms: 6 * 3_600_000 });
  assert.equal(a!.failureRepeatAfterMs, 2 * 86_400_000);
  assert.equal(a!.parseTimeoutSeconds, 10);
  assert.equal(a!.parseMemoryMb, undefined);
  assert.deepEqual(b!.failureAlertAfter, { runs: 2, ms: 3_600_000 });
  assert.equal(b!.parseMemoryMb, 256);
  assert.deepEqual(c!.failureAlertAfter, { runs: 5, ms: null });
  assert.equal(parse(oneSource).sources[0]!.failureAlertAfter, undefined, 'absent: the pipeline default');
  assert.throws(() => parse(`failureAlertAfter: soon\n${oneSource}`), /failureAlertAfter/);
  assert.throws(() => parse(`parseTimeoutSeconds: 0\n${oneSource}`), /parseTimeoutSeconds/);
});

test('concurrency: sources fetched at once, 4 by default, a whole number from 1 to 64', () => {});

test('include / exclude: one rule or a list, each value one or a list; a rule naming nothing is an error', async () => {
  const config = parse(
    `${oneSource}    include:\n      service: AMAZON\n      region: [eu-west-1, eu-central-1]\n    exclude:\n      - section: 'AzureFrontDoor.*'\n`,
  );
  assert.deepEqual(config.sources[0]!.filter, {
    include: [{ service: ['AMAZON'], region: ['eu-west-1', 'eu-central-1'] }],
    exclude: [{ section: ['AzureFrontDoor.*'] }],
  });
  assert.equal(parse(oneSource).sources[0]!.filter, undefined);
  const empty = await configError(() => parse(`${oneSource}    include: {}\n`));
  assert.match(empty.message, /sources\[0\]\.include.*name at least one of section, region, service/);
  const unknown = await configError(() => parse(`${oneSource}    exclude:\n      colour: red\n`));
  assert.match(unknown.message, /sources\[0\]\.exclude/);
});

test('deliveryBudgetSeconds: seconds, at least 1; absent: the pipeline default', async () => {
  assert.equal((await parse(`${oneSource}deliveryBudgetSeconds: 30\n`)).deliveryBudgetMs, 30_000);
  assert.equal((await parse(oneSource)).deliveryBudgetMs, null);
  assert.match(
    (await configError(() => parse(`${oneSource}deliveryBudgetSeconds: 0\n`))).message,
    /deliveryBudgetSeconds/,
  );
});
