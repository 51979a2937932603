/**
 * One writer at a time per snapshot directory: a cron-driven `watch` and a hand-run `run`
 * before a change window must not interleave git commits or send the same alert twice.
 */
import { open, readFile, rm, mkdir } from 'node:fs/promises';
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
}

const POLL_MS = 250;

/**
 * Takes <snapshotDir>/.lock; a lock left by a process that no longer exists is taken over, one
 * held by a live process is waited for up to `waitMs`.
 */
export async function acquireLock(snapshotDir: string, options: LockOptions = {}): Promise<Lock> {
  await mkdir(snapshotDir, { recursive: true });
  const path = join(snapshotDir, '.lock');
  const deadline = Date.now() + (options.waitMs ?? 0);
  let told = false;
  let takeovers = 0;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(`cannot create lock ${path}: ${(err as Error).message}`, { cause: err });
      }
      const owner = parseInt((await readFile(path, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        if (Date.now() >= deadline) {
          const waited = options.waitMs ? ` (waited ${Math.round(options.waitMs / 1000)} s)` : '';
          throw new StoreError(
            `another endpoint-watch (pid ${owner}) is using ${snapshotDir}${waited}; try again when it has finished`,
          );
        }
        if (!told) options.onWait?.(owner);
        told = true;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        continue;
      }
      // Stale (its process is gone) or unreadable: take it over, but do not loop on a lock that keeps coming back.
      takeovers += 1;
      if (takeovers > 2) throw new StoreError(`cannot take the lock ${path}`);
      await rm(path, { force: true });
    }
  }
}
