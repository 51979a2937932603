/**
 * One writer at a time per snapshot directory: a cron-driven `watch` and a hand-run `run`
 * before a change window must not interleave git commits or send the same alert twice.
 *
 * The lock file `<snapshotDir>/.lock` records who holds it (host, pid, a random token, since
 * when) and its modification time is the holder's heartbeat, refreshed while it is held. It is
 * taken over when its holder cannot be running any more:
 *  - its heartbeat is older than `staleMs` (any host: a killed container, a suspended machine,
 *    a pid reused by an unrelated process);
 *  - it names a pid of this host that is gone, or our own pid while this process does not hold
 *    it (a restarted container is pid 1 again): at once.
 * A lock of another host with a fresh heartbeat is waited for: its pid means nothing here.
 *
 * No window for two writers: a free lock is created with link(2), which fails when the file
 * exists; a stale one is replaced only by the process that created the takeover guard for that
 * very lock instance (mkdir, atomic), and only after reading that the lock is still that
 * instance; then rename(2) puts the new lock in place in one step. A guard left by a process
 * killed mid-takeover ages out into the next guard name, never by deleting it.
 * With a git remote the push is the real guard between machines (see store/remote.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, rm, rmdir, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../errors/index.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Lock {
  release(): Promise<void>;
}

export interface LockOptions {
  /**
   * How long to wait for a live holder to finish (a `watch` run in progress when a person runs
   * `run` before a change window); 0 refuses at once. Runs take seconds, so a short wait is enough.
   */
  waitMs?: number;
  /** Told once, when the lock is held by another process and we start waiting. */
  onWait?: (owner: number) => void;
  /** Told when a stale lock is taken over, with why it was stale. */
  onTakeover?: (reason: string) => void;
  /** A heartbeat older than this means the holder stopped (default 60 s). */
  staleMs?: number;
  /** How often the holder refreshes its heartbeat (default 10 s). */
  heartbeatMs?: number;
}

/** What a lock file says about its holder. */
export interface LockHolder {
  host: string;
  pid: number;
  /** Names this lock instance; an old pid-only lock is named by its text. */
  token: string;
  since: string | null;
  /** Milliseconds since the last heartbeat (the file's mtime). */
  ageMs: number;
}

export const DEFAULT_STALE_MS = 60_000;
export const DEFAULT_HEARTBEAT_MS = 10_000;
const POLL_MS = 250;
/** A takeover guard older than this was left by a process killed in mid-takeover. */
const GUARD_STALE_MS = 10_000;

/** Tokens of the locks this process holds: our own pid in a lock file is live only for these. */
const heldHere = new Set<string>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The holder of the lock at `path`, or null when there is none. */
export async function readLockHolder(path: string): Promise<LockHolder | null> {
  let text: string;
  let mtimeMs: number;
  // Content and age from one open file: a rename between a separate read and stat would pair a
  // stale holder with a fresh age (or a fresh holder with a stale age, and a wrong takeover).
  try {
    const handle = await open(path, 'r');
    try {
      [{ mtimeMs }, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
  const ageMs = Math.max(0, Date.now() - mtimeMs);
  try {
    const record = JSON.parse(text) as Partial<LockHolder>;
    if (typeof record.pid === 'number' && typeof record.host === 'string' && typeof record.token === 'string')
      return { host: record.host, pid: record.pid, token: record.token, since: record.since ?? null, ageMs };
  } catch {
    // An older lock holds a bare pid: it was written on this host.
  }
  const pid = Number.parseInt(text.trim(), 10);
  return {
    host: hostname(),
    pid: Number.isInteger(pid) ? pid : -1,
    token: `pid:${text}:${mtimeMs}`,
    since: null,
    ageMs,
  };
}

/** Why `holder` cannot be running any more, or null when it may be. */
export function staleReason(holder: LockHolder, staleMs: number): string | null {
  if (holder.ageMs > staleMs)
    return `its holder (pid ${holder.pid} on ${holder.host}) stopped refreshing it ${Math.round(holder.ageMs / 1000)} s ago`;
  if (holder.host !== hostname()) return null;
  if (holder.pid <= 0) return 'it names no process';
  if (holder.pid === process.pid)
    return heldHere.has(holder.token) ? null : `it was left by an earlier process with our pid ${holder.pid}`;
  return alive(holder.pid) ? null : `its process (pid ${holder.pid}) is gone`;
}

function record(token: string): string {
  return `${JSON.stringify({ host: hostname(), pid: process.pid, token, since: new Date().toISOString() })}\n`;
}

async function writeNew(path: string, token: string): Promise<string> {
  const tmp = `${path}.${token}.new`;
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(record(token));
  } finally {
    await handle.close();
  }
  return tmp;
}

/**
 * Replaces the stale lock `holder` with ours, atomically; false when another process took it
 * first (or the lock changed under us), and the caller looks again.
 */
async function takeOver(path: string, holder: LockHolder, token: string): Promise<boolean> {
  const instance = createHash('sha256').update(holder.token).digest('hex').slice(0, 16);
  for (let k = 0; ; k++) {
    const guard = `${path}.takeover-${instance}-${k}`;
    try {
      await mkdir(guard);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(guard).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age < GUARD_STALE_MS) return false; // someone is taking it over right now
      continue; // a guard left by a killed takeover: the next name
    }
    try {
      const current = await readLockHolder(path);
      if (current?.token !== holder.token) return false;
      const tmp = await writeNew(path, token);
      await rename(tmp, path);
      return true;
    } finally {
      for (let i = 0; i <= k; i++) await rmdir(`${path}.takeover-${instance}-${i}`).catch(() => undefined);
    }
  }
}

function held(path: string, token: string, heartbeatMs: number): Lock {
  heldHere.add(token);
  const ours = async () => (await readLockHolder(path))?.token === token;
  const timer = setInterval(() => {
    void ours()
      .then((yes) => (yes ? utimes(path, new Date(), new Date()) : undefined))
      .catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      heldHere.delete(token);
      // Never remove a lock someone took over from us (we were stale in their eyes).
      if (await ours()) await rm(path, { force: true });
    },
  };
}

/**
 * Takes <snapshotDir>/.lock; a stale lock (see above) is taken over, one held by a live process
 * is waited for up to `waitMs`.
 */
export async function acquireLock(snapshotDir: string, options: LockOptions = {}): Promise<Lock> {
  await mkdir(snapshotDir, { recursive: true });
  const path = join(snapshotDir, '.lock');
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const deadline = Date.now() + (options.waitMs ?? 0);
  const token = randomUUID();
  let told = false;
  for (;;) {
    let tmp: string;
    try {
      tmp = await writeNew(path, token);
    } catch (err) {
      throw new StoreError(`cannot create lock ${path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      await link(tmp, path);
      return held(path, token, heartbeatMs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new StoreError(`cannot create lock ${path}: ${(err as Error).message}`, { cause: err });
    } finally {
      await rm(tmp, { force: true });
    }
    const holder = await readLockHolder(path);
    if (!holder) continue; // released meanwhile
    const stale = staleReason(holder, staleMs);
    if (stale) {
      if (await takeOver(path, holder, token)) {
        options.onTakeover?.(stale);
        return held(path, token, heartbeatMs);
      }
      await sleep(20);
      continue;
    }
    if (Date.now() >= deadline) {
      const waited = options.waitMs ? ` (waited ${Math.round(options.waitMs / 1000)} s)` : '';
      const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
      throw new StoreError(
        `another endpoint-watch (pid ${holder.pid}) is using ${snapshotDir}${waited}${where}; try again when it has finished (a lock whose holder stops refreshing it is taken over after ${Math.round(staleMs / 1000)} s)`,
      );
    }
    if (!told) options.onWait?.(holder.pid);
    told = true;
    await sleep(POLL_MS);
  }
}
