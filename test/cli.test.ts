/** The command-line contract scripts rely on: help, JSON shapes, exit codes, clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { main } from '../cli/main.js';
import { StringSink } from '../cli/io.js';
import { runCli } from './helpers/cli-run.js';

const COMMANDS = ['parse', 'diff', 'run', 'watch', 'serve', 'history', 'show', 'lookup', 'export', 'backfill'];

const cli = (cwd: string, ...args: string[]) => runCli(args, { cwd });

const OLD = [
  '## Portal access',
  '',
  'Open **outbound port 443** for:',
  '',
  '|----|----|',
  '|US1 data center|13.91.91.243|',
  '|EU1 data center|52.174.56.180|',
  '',
].join('\n');
const NEW = [
  '## Portal access',
  '',
  'Open **outbound port 443** for:',
  '',
  '|----|----|',
  '|US1 data center|13.91.91.243|',
  '|EU1 data center|52.174.56.180<br/>52.174.56.181|',
  '',
].join('\n');

test('every command answers --help with its usage and exit 0', { timeout: 120_000 }, async () => {
  const top = await cli(tmpdir(), '--help');
  assert.equal(top.code, 0);
  for (const command of COMMANDS) {
    assert.match(top.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), `${command} listed in the top-level help`);
    const help = await cli(tmpdir(), command, '--help');
    assert.equal(help.code, 0, command);
    assert.match(help.stdout, new RegExp(`^Usage: endpoint-watch ${command}`, 'm'));
  }
});

test('usage mistakes exit 2 with a message on stderr', { timeout: 120_000 }, async () => {
  const unknown = await cli(tmpdir(), 'frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const missing = await cli(tmpdir(), 'parse');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing required argument 'document'/);
  const dir = await mkdtemp(join(tmpdir(), 'ew-cli-'));
  try {
    const noConfig = await cli(dir, 'run');
    assert.equal(noConfig.code, 2);
    assert.match(noConfig.stderr, /endpoint-watch\.yaml.*not found/);
    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      'sources:\n  - id: a\n    url: ./a.md\n    schedule: "every tuesday"\n',
    );
    const badCron = await cli(dir, 'run');
    assert.equal(badCron.code, 2);
    assert.match(badCron.stderr, /sources\[0\]\.schedule/);
    await writeFile(join(dir, 'endpoint-watch.yaml'), 'sources:\n  - id: a\n    url: ./a.md\n');
    const noSource = await cli(dir, 'run', '--source', 'b');
    assert.equal(noSource.code, 2);
    assert.match(noSource.stderr, /no source "b" in the config \(sources: a\)/);
    const acceptAll = await cli(dir, 'run', '--accept');
    assert.equal(acceptAll.code, 2);
    const badWait = await cli(dir, 'run', '--wait', 'soon');
    assert.equal(badWait.code, 2);
    assert.match(badWait.stderr, /--wait takes a number of seconds/);
    const missingFile = await cli(dir, 'run');
    assert.equal(missingFile.code, 1, 'a source that cannot be read is a failure, not a usage error');
    assert.match(missingFile.stderr, /a: FAILED: .*a\.md/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('run waits for the snapshot lock of a live process, and with --wait 0 says who holds it', {
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-cli-lock-'));
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await once(holder, 'spawn');
    await writeFile(join(dir, 'a.md'), OLD);
    await writeFile(join(dir, 'endpoint-watch.yaml'), 'sources:\n  - id: a\n    url: ./a.md\n');
    await mkdir(join(dir, 'snapshots'), { recursive: true });
    await writeFile(join(dir, 'snapshots', '.lock'), `${holder.pid}\n`);
    const refused = await cli(dir, 'run', '--wait', '0');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`another endpoint-watch \\(pid ${holder.pid}\\) is using`));
    const stdout = new StringSink();
    const stderr = new StringSink();
    const waiting = main(['run'], { stdout, stderr, env: {}, cwd: dir });
    // It says whom it waits for; once the holder is gone it goes ahead and records the baseline.
    while (!stderr.toString().includes(`waiting for endpoint-watch pid ${holder.pid}`))
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(stdout.toString(), '', 'nothing ran while the lock was held');
    holder.kill();
    assert.equal(await waiting, 0, stderr.toString());
    assert.match(stdout.toString(), /a: baseline, now tracking 2 endpoints/);
  } finally {
    holder.kill();
    await rm(dir, { recursive: true, force: true });
  }
});

test('one failing source does not stop the others; the run exits 1 and says which failed', {
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-cli-'));
  try {
    await writeFile(join(dir, 'good.md'), OLD);
    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      'sources:\n  - id: broken\n    url: ./missing.md\n  - id: good\n    url: ./good.md\n',
    );
    const run = await cli(dir, 'run', '--json');
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      results: Array<{ source: string; status: string; error?: { code: string; message: string } }>;
    };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.results.map((r) => [r.source, r.status]),
      [
        ['broken', 'failed'],
        ['good', 'baseline'],
      ],
    );
    assert.equal(report.results[0]!.error?.code, 'FETCH');
    assert.match(report.results[0]!.error?.message ?? '', /missing\.md/);
    // Console alerts go to stderr in --json mode, so stdout stays one JSON document.
    assert.match(run.stderr, /good: now tracking 2 endpoints/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('before the first run, the reading commands say there is nothing yet and create no snapshot repository', {
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-cli-'));
  try {
    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      'snapshotDir: ./snapshots\nsources:\n  - id: vendor\n    url: ./vendor.md\n',
    );
    const history = await cli(dir, 'history');
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /no snapshot commits yet/);
    const show = await cli(dir, 'show', '--source', 'vendor');
    assert.equal(show.code, 2);
    assert.match(show.stderr, /no snapshot of vendor yet: run `endpoint-watch run` first/);
    const stored = await cli(dir, 'diff', '--source', 'vendor', '--from', '2024-01-01');
    assert.equal(stored.code, 2);
    assert.match(stored.stderr, /no snapshot of vendor yet/);
    const lookup = await cli(dir, 'lookup', '13.64.196.27');
    assert.equal(lookup.code, 2);
    assert.match(lookup.stderr, /no snapshot yet: run `endpoint-watch run` first/);
    const exported = await cli(dir, 'export', '--format', 'cidr');
    assert.equal(exported.code, 2);
    assert.match(exported.stderr, /no snapshot yet/);
    assert.equal(existsSync(join(dir, 'snapshots')), false, 'no snapshot directory was created');
    // A snapshot directory made by hand but not in a git work tree yet is not turned into one.
    await mkdir(join(dir, 'snapshots'));
    assert.equal((await cli(dir, 'history')).code, 0);
    assert.equal((await cli(dir, 'show', '--source', 'vendor')).code, 2);
    assert.deepEqual(await readdir(join(dir, 'snapshots')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('run --accept with nothing withheld does not wave through a broken version nobody has seen', {
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-cli-'));
  const AUTH = [
    '## Authentication gateway',
    '',
    '|----|----|',
    '|US1 data center|52.183.75.62|',
    '|EU1 data center|13.80.125.22|',
    '',
  ].join('\n');
  try {
    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      'snapshotDir: ./snapshots\nsources:\n  - id: vendor\n    url: ./vendor.md\n',
    );
    await writeFile(join(dir, 'vendor.md'), `${OLD}\n${AUTH}`);
    assert.equal((await cli(dir, 'run')).code, 0);
    // The next version lost a table; the first run to see it is an --accept.
    await writeFile(join(dir, 'vendor.md'), OLD);
    const blind = await cli(dir, 'run', '--accept', '--source', 'vendor');
    assert.equal(blind.code, 0, blind.stderr);
    assert.match(blind.stderr, /vendor: nothing withheld to accept; running it as usual/);
    assert.match(
      blind.stdout,
      /vendor: no change committed; WITHHELD 2 removals .*section "Authentication gateway" is gone/,
    );
    assert.doesNotMatch(blind.stdout, /IP removed/);
    assert.deepEqual(JSON.parse((await cli(dir, 'show', '--source', 'vendor', '--json')).stdout).entries.length, 4);
    // The preview shows what is withheld; it commits nothing.
    const preview = await cli(dir, 'run', '--dry-run', '--accept', '--source', 'vendor');
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /IP removed: 52\.183\.75\.62 \(confirmed, withheld since/);
    assert.deepEqual(JSON.parse((await cli(dir, 'show', '--source', 'vendor', '--json')).stdout).entries.length, 4);
    // Now it has been announced and looked at: --accept takes it.
    const accepted = await cli(dir, 'run', '--accept', '--source', 'vendor');
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.match(accepted.stdout, /IP removed: 52\.183\.75\.62/);
    assert.match(accepted.stdout, /vendor: 2 withheld removal\(s\) confirmed and committed/);
    assert.deepEqual(JSON.parse((await cli(dir, 'show', '--source', 'vendor', '--json')).stdout).entries.length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('parse --json and diff --json print the documented shapes; --exit-code reports changes', {
  timeout: 120_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-cli-'));
  try {
    await writeFile(join(dir, 'old.md'), OLD);
    await writeFile(join(dir, 'new.md'), NEW);
    const parsed = await cli(dir, 'parse', 'old.md', '--json');
    assert.equal(parsed.code, 0, parsed.stderr);
    const { entries } = JSON.parse(parsed.stdout) as { entries: Array<Record<string, unknown>> };
    assert.equal(entries.length, 2);
    for (const key of ['kind', 'value', 'section', 'region', 'group', 'ports', 'required'])
      assert.ok(key in entries[0]!, key);
    assert.deepEqual(
      entries.map((e) => [e.kind, e.value, e.section, e.region]),
      [
        ['ip', '52.174.56.180', 'Portal access', 'EU1'],
        ['ip', '13.91.91.243', 'Portal access', 'US1'],
      ],
    );
    assert.deepEqual(entries[0]!.ports, { tcp: [], udp: [], any: ['443'], custom: false });

    const human = await cli(dir, 'parse', 'old.md');
    assert.match(human.stdout, /2 endpoints \(markdown\)/);

    const diff = await cli(dir, 'diff', 'old.md', 'new.md', '--json');
    assert.equal(diff.code, 0);
    const { changes } = JSON.parse(diff.stdout) as { changes: Array<Record<string, unknown>> };
    assert.equal(changes.length, 1);
    assert.deepEqual(
      {
        type: changes[0]!.type,
        kind: changes[0]!.kind,
        value: changes[0]!.value,
        section: changes[0]!.section,
        region: changes[0]!.region,
        group: changes[0]!.group,
        fields: changes[0]!.fields,
      },
      {
        type: 'added',
        kind: 'ip',
        value: '52.174.56.181',
        section: 'Portal access',
        region: 'EU1',
        group: null,
        fields: [],
      },
    );
    assert.match(String(changes[0]!.message), /EU1/);
    assert.match(String(changes[0]!.message), /52\.174\.56\.181/);

    const exit = await cli(dir, 'diff', 'old.md', 'new.md', '--exit-code');
    assert.equal(exit.code, 1);
    assert.match(exit.stdout, /EU1 Portal access: IP added: 52\.174\.56\.181/);
    const same = await cli(dir, 'diff', 'old.md', 'old.md', '--exit-code');
    assert.equal(same.code, 0);
    assert.match(same.stdout, /no endpoint change/);
    // Trouble is 2, as with diff(1): with --exit-code, 1 must only ever mean "changes".
    const missing = await cli(dir, 'diff', 'old.md', 'gone.md', '--exit-code');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /gone\.md: cannot read: file not found/);
    assert.equal(missing.stdout, '');
    await writeFile(join(dir, 'error-page.html'), '<html><body><h1>503 Service Unavailable</h1></body></html>');
    const unreadable = await cli(dir, 'diff', 'error-page.html', 'new.md', '--exit-code');
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /error-page\.html: no endpoint found/);

    // A catalog.json (as stored in a snapshot) is accepted on either side.
    await writeFile(
      join(dir, 'catalog.json'),
      JSON.stringify({
        source: 'old',
        format: 'markdown',
        entries: JSON.parse(parsed.stdout).entries,
        shape: JSON.parse(parsed.stdout).shape,
      }),
    );
    const fromCatalog = await cli(dir, 'diff', 'catalog.json', 'new.md', '--json');
    assert.equal((JSON.parse(fromCatalog.stdout) as { changes: unknown[] }).changes.length, 1);

    await writeFile(join(dir, 'empty.md'), '# Nothing here\n\nJust prose.\n');
    const empty = await cli(dir, 'parse', 'empty.md');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /no endpoint found/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the binary runs as a process: --version and exit codes', { timeout: 120_000 }, () => {
  const bin = new URL('../cli/bin.ts', import.meta.url).pathname;
  const version = spawnSync(process.execPath, ['--import', 'tsx', bin, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', bin, 'parse', '/nonexistent/doc.md'], {
    encoding: 'utf8',
  });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /\/nonexistent\/doc\.md/);
});
