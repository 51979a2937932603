import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { once } from 'node:events';
import { SnapshotStore } from './snapshots.js';
import { Outbox } from './outbox.js';
import { acquireLock } from './lock.js';
import type { Catalog, CatalogEntry } from '../catalog/model.js';
import { emptyPorts } from '../catalog/model.js';
import { buildCatalog } from '../catalog/canonical.js';

function entry(value: string, region: string): CatalogEntry {
  return {
    kind: 'ip',
    value,
    section: 'Portal access',
    region,
    group: null,
    groupKey: null,
    ports: { ...emptyPorts(), any: ['443'] },
    required: null,
    expressRoute: null,
    role: 'destination',
    provenance: { line: 1 },
  };
}

function catalogOf(...values: Array<[string, string]>): Catalog {
  return buildCatalog('cas', {
    entries: values.map(([v, r]) => entry(v, r)),
    shape: {
      format: 'markdown',
      tables: 1,
      rows: values.length,
      columns: [['Data center', 'IP addresses']],
      entriesPerSection: {},
    },
    warnings: [],
  });
}

const meta = {
  source: 'cas',
  location: 'https://docs.example/cas.md',
  format: 'markdown',
  contentType: 'text/markdown',
  etag: '"v1"',
  lastModified: null,
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
}

test('a fresh directory becomes a git repository; one commit per state; identical state makes no commit', {
  timeout: 30_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-store-'));
  try {
    const store = await SnapshotStore.open(join(dir, 'snapshots'));
    assert.equal(await store.latest('cas'), null);
    const first = await store.commit(
      'cas',
      { catalog: catalogOf(['13.91.91.243', 'US1']), document: Buffer.from('v1'), meta },
      'cas: baseline',
    );
    assert.match(first ?? '', /^[0-9a-f]{40}$/);
    const again = await store.commit(
      'cas',
      { catalog: catalogOf(['13.91.91.243', 'US1']), document: Buffer.from('v1'), meta },
      'cas: nothing',
    );
    assert.equal(again, null, 'identical state must not create a commit');
    const second = await store.commit(
      'cas',
      {
        catalog: catalogOf(['13.91.91.243', 'US1'], ['52.174.56.180', 'EU1']),
        document: Buffer.from('v2'),
        meta: { ...meta, etag: '"v2"' },
      },
      'cas: +1 IP',
      { date: '2020-01-02T03:04:05Z' },
    );
    assert.ok(second && second !== first);
    const latest = await store.latest('cas');
    assert.equal(latest?.commit, second);
    assert.deepEqual(
      latest?.catalog.entries.map((e) => `${e.region} ${e.value}`),
      ['EU1 52.174.56.180', 'US1 13.91.91.243'],
    );
    assert.equal(latest?.meta?.etag, '"v2"');
    assert.equal(latest?.meta?.documentFile, 'document.md');
    assert.equal(await readFile(join(dir, 'snapshots', 'cas', 'document.md'), 'utf8'), 'v2');
    const log = await store.log('cas');
    assert.deepEqual(
      log.map((c) => c.subject),
      ['cas: +1 IP', 'cas: baseline'],
    );
    assert.match(log[0]!.date, /^2020-01-02T03:04:05/);
    assert.equal(await store.resolveRevision('cas', '2020-01-02'), second);
    assert.equal((await store.at('cas', first!))?.catalog.entries.length, 1);
    assert.deepEqual(await store.sources(), ['cas']);
    // One entry per line in catalog.json, so that `git log -p` shows the added endpoint as one line.
    assert.match(
      git(join(dir, 'snapshots'), 'show', '--format=', second!, '--', 'cas/catalog.json'),
      /^\+\s+\{"ip":"52\.174\.56\.180",.*\},$/m,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a snapshot folder the enclosing work tree ignores gets a repository of its own', {
  timeout: 30_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-store-ignored-'));
  try {
    // The tool's own clone: snapshots/README.md tracked, the rest of snapshots/ ignored.
    git(dir, 'init', '-q', '-b', 'main');
    await mkdir(join(dir, 'snapshots'));
    await writeFile(join(dir, '.gitignore'), '/snapshots/*\n!/snapshots/README.md\n');
    await writeFile(join(dir, 'snapshots', 'README.md'), 'snapshots go here\n');
    git(dir, 'add', '.');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'tool');
    assert.equal(
      await SnapshotStore.find(join(dir, 'snapshots')),
      null,
      'no repository of its own yet: nothing to read',
    );
    const store = await SnapshotStore.open(join(dir, 'snapshots'));
    assert.equal(realpathSync(store.repo.root), realpathSync(join(dir, 'snapshots')));
    await store.commit(
      'cas',
      { catalog: catalogOf(['13.91.91.243', 'US1']), document: Buffer.from('v1'), meta },
      'cas: baseline',
    );
    assert.deepEqual(git(join(dir, 'snapshots'), 'log', '--format=%s').trim().split('\n'), ['cas: baseline']);
    assert.deepEqual(git(dir, 'log', '--format=%s').trim().split('\n'), ['tool'], "the tool's clone got no commit");
    assert.equal(git(dir, 'status', '--porcelain'), '', "the tool's clone stays clean");
    const found = await SnapshotStore.find(join(dir, 'snapshots'));
    assert.equal((await found?.latest('cas'))?.catalog.entries[0]?.value, '13.91.91.243');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('inside an existing work tree, only the snapshot files are committed; other staged work is left alone', {
  timeout: 30_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-store-'));
  try {
    git(dir, 'init', '-q', '-b', 'main');
    await writeFile(join(dir, 'unrelated.txt'), 'work in progress');
    git(dir, 'add', 'unrelated.txt');
    const store = await SnapshotStore.open(join(dir, 'snapshots'));
    assert.equal(store.repo.root, dir);
    await store.commit(
      'cas',
      { catalog: catalogOf(['13.91.91.243', 'US1']), document: Buffer.from('v1'), meta },
      'cas: baseline',
    );
    const files = git(dir, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n');
    assert.deepEqual(files.sort(), [
      'snapshots/.gitignore',
      'snapshots/cas/catalog.json',
      'snapshots/cas/document.md',
      'snapshots/cas/meta.json',
    ]);
    assert.match(git(dir, 'status', '--porcelain'), /^A {2}unrelated\.txt$/m, 'the unrelated staged file stays staged');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the outbox keeps entries in creation order and survives a reload', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-outbox-'));
  try {
    const outbox = Outbox.forSnapshotDir(dir);
    const a = await outbox.create({
      source: 'a',
      state: 'ready',
      catalogSha256: null,
      notification: { type: 'health', source: 'a', location: 'x', problems: ['p'] },
      pending: ['console', 'slack'],
    });
    const b = await outbox.create({
      source: 'b',
      state: 'prepared',
      catalogSha256: 'abc',
      notification: { type: 'health', source: 'b', location: 'y', problems: [] },
      pending: ['slack'],
    });
    const listed = await new Outbox(outbox.dir).list();
    assert.deepEqual(
      listed.map((e) => e.id),
      [a.id, b.id],
    );
    assert.deepEqual(listed[0]!.pending, ['console', 'slack']);
    await outbox.remove(a.id);
    assert.deepEqual(
      (await outbox.list()).map((e) => e.id),
      [b.id],
    );
    assert.equal(await readFile(join(outbox.dir, '.gitignore'), 'utf8'), '*\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the lock refuses a second live holder and takes over a stale one', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lock-'));
  try {
    const lock = await acquireLock(dir);
    // Our own pid holds it: a second acquire from "another" process is simulated with pid 1 (always alive).
    await lock.release();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.lock'), '1\n');
    await assert.rejects(acquireLock(dir), /another endpoint-watch \(pid 1\)/);
    await writeFile(join(dir, '.lock'), '999999999\n');
    const taken = await acquireLock(dir);
    await taken.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lock held by a live process is waited for, and taken once that process is gone', {
  timeout: 30_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lock-wait-'));
  // A real other process as the holder: a node that idles until it is killed.
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await once(holder, 'spawn');
    await writeFile(join(dir, '.lock'), `${holder.pid}\n`);
    await assert.rejects(acquireLock(dir), new RegExp(`another endpoint-watch \\(pid ${holder.pid}\\)`));
    const waitedFor: number[] = [];
    const pending = acquireLock(dir, { waitMs: 600_000, onWait: (pid) => waitedFor.push(pid) });
    // The waiter says whom it waits for before the holder goes away.
    while (waitedFor.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    holder.kill();
    await once(holder, 'exit');
    const lock = await pending;
    assert.deepEqual(waitedFor, [holder.pid]);
    assert.equal(JSON.parse(await readFile(join(dir, '.lock'), 'utf8')).pid, process.pid);
    await lock.release();
  } finally {
    holder.kill();
    await rm(dir, { recursive: true, force: true });
  }
});
