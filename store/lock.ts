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

/** Takes <snapshotDir>/.lock; a lock left by a process that no longer exists is taken over. */
export async function acquireLock(snapshotDir: string): Promise<Lock> {
  await mkdir(snapshotDir, { recursive: true });
  const path = join(snapshotDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
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
        throw new StoreError(`another endpoint-watch (pid ${owner}) is using ${snapshotDir}; try again when it has finished`);
      }
      await rm(path, { force: true });
    }
  }
  throw new StoreError(`cannot take the lock ${path}`);
}
