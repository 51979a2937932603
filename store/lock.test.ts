import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { acquireLock, readLockHolder } from './lock.js';

const racer = join(import.meta.dirname, '..', 'test', 'helpers', 'lock-racer.ts');

/** A pid that no process has: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

function lockText(host: string, pid: number, token = 'stale-token'): string {
  return `${JSON.stringify({ host, pid, token, since: '2024-05-01T10:00:00.000Z' })}\n`;
}

async function setAge(path: string, seconds: number): Promise<void> {
  const then = new Date(Date.now() - seconds * 1000);
  await utimes(path, then, then);
}

test('the lock records host, pid and token, and its heartbeat is refreshed while held', {
  timeout: 30_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lock-beat-'));
  try {
    const lock = await acquireLock(dir, { heartbeatMs: 20 });
    const holder = await readLockHolder(join(dir, '.lock'));
    assert.equal(holder?.host, hostname());
    assert.equal(holder?.pid, process.pid);
    assert.match(holder?.token ?? '', /^[0-9a-f-]{36}$/);
    await setAge(join(dir, '.lock'), 3600);
    // The holder refreshes its heartbeat: the file's mtime comes back to now.
    while (((await readLockHolder(join(dir, '.lock')))?.ageMs ?? 0) > 60_000)
      await new Promise((r) => setTimeout(r, 20));
    // A second acquirer in this same process waits for it: our pid is live for a lock we hold.
    await assert.rejects(acquireLock(dir), new RegExp(`another endpoint-watch \\(pid ${process.pid}\\)`));
    await lock.release();
    assert.deepEqual(await readdir(dir), [], 'release leaves nothing behind');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a dead pid of this host, or our own pid not held here, is taken over at once', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lock-dead-'));
  try {
    const path = join(dir, '.lock');
    const reasons: string[] = [];
    await writeFile(path, lockText(hostname(), await deadPid()));
    await (await acquireLock(dir, { onTakeover: (why) => reasons.push(why) })).release();
    // pid 1 of a restarted container: the same pid as ours, but this process holds no such lock.
    await writeFile(path, lockText(hostname(), process.pid));
    const taken = await acquireLock(dir, { onTakeover: (why) => reasons.push(why) });
    assert.match(reasons[0] ?? '', /its process \(pid \d+\) is gone/);
    assert.match(reasons[1] ?? '', /left by an earlier process with our pid/);
    await taken.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("another host's lock is taken over only once its heartbeat is stale; so is a reused live pid", {
  timeout: 30_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lock-host-'));
  try {
    const path = join(dir, '.lock');
    // A killed container's pid 1 on a shared volume: pid 1 means nothing on this host.
    await writeFile(path, lockText('ew-runner-7f9c4', 1));
    await assert.rejects(
      acquireLock(dir, { staleMs: 60_000 }),
      /another endpoint-watch \(pid 1\) .*on host ew-runner-7f9c4/,
    );
    await setAge(path, 120);
    const reasons: string[] = [];
    const taken = await acquireLock(dir, { staleMs: 60_000, onTakeover: (why) => reasons.push(why) });
    assert.match(reasons[0] ?? '', /stopped refreshing it 1\d\d s ago/);
    assert.equal((await readLockHolder(path))?.host, hostname());
    await taken.release();
    // A live pid of this host that stopped refreshing (the pid was reused by an unrelated process).
    await writeFile(path, lockText(hostname(), 1));
    await assert.rejects(acquireLock(dir), /another endpoint-watch \(pid 1\)/);
    await setAge(path, 120);
    await (await acquireLock(dir, { staleMs: 60_000 })).release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

interface Racer {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

async function startRacer(dir: string): Promise<Racer> {
  const child = spawn(process.execPath, ['--import', 'tsx', racer, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'ready');
  return { child, lines };
}

test('processes racing on a stale lock: exactly one takes it over, every time', { timeout: 240_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lock-race-'));
  const racers: Racer[] = [];
  try {
    const trials = 4;
    const contenders = 4;
    for (let trial = 0; trial < trials; trial++) {
      const lockDir = join(dir, `trial-${trial}`);
      await mkdir(lockDir);
      const racing = await Promise.all(Array.from({ length: contenders }, () => startRacer(lockDir)));
      racers.push(...racing);
      // The lock of a dead process of this host, then the stale lock of another host, alternately.
      const stale = trial % 2 === 0 ? lockText(hostname(), await deadPid()) : lockText('gone-host', 1);
      await writeFile(join(lockDir, '.lock'), stale);
      if (trial % 2 === 1) await setAge(join(lockDir, '.lock'), 3600);
      for (const r of racing) r.child.stdin!.write('go\n');
      const outcomes = await Promise.all(racing.map(async (r) => String((await r.lines.next()).value)));
      const winners = outcomes.filter((o) => o === 'won');
      assert.equal(winners.length, 1, `trial ${trial}: ${outcomes.join(' | ')}`);
      const winner = racing[outcomes.indexOf('won')]!;
      const holder = await readLockHolder(join(lockDir, '.lock'));
      assert.equal(holder?.pid, winner.child.pid, 'the lock names the winner');
      for (const o of outcomes.filter((x) => x !== 'won'))
        assert.match(o, new RegExp(`^busy another endpoint-watch \\(pid ${winner.child.pid}\\)`));
      for (const r of racing) {
        r.child.stdin!.end();
        await once(r.child, 'exit');
      }
      assert.deepEqual(await readdir(lockDir), [], `trial ${trial}: no lock, guard or temporary file left`);
    }
  } finally {
    for (const r of racers) {
      r.child.stdin!.end();
      r.child.kill();
    }
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lock file that is not ours is never removed by release', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-lock-release-'));
  try {
    const path = join(dir, '.lock');
    const lock = await acquireLock(dir);
    // Someone judged us stale and took over: our release must leave their lock alone.
    await writeFile(path, lockText('other-host', 4242, 'their-token'));
    await lock.release();
    assert.equal(JSON.parse(await readFile(path, 'utf8')).token, 'their-token');
    assert.ok((await stat(path)).isFile());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
