/**
 * Per-source failure state: how long a source has been failing, and whether people were told.
 *
 * One file per failing source, <snapshotDir>/.failures/<source>.json, ignored by git (run state,
 * not history); a source that works has none. pipeline/source-failures.ts decides when to alert.
 * An alert's outbox entry is written before this state (and carries what it records), so a crash
 * in between neither loses the alert nor sends it twice: delivering the entry from the outbox
 * records it here (`markAlerted`, `markRecovered`), as store/withheld.ts does for withheld alerts.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors/index.js';
import { stateFilePath, stateFileSources, writeStateFile } from './state-files.js';

export interface SourceFailureState {
  source: string;
  /** Consecutive failed runs. */
  failures: number;
  /** ISO time of the first failure of this streak. */
  since: string;
  /** ISO time of the latest failure. */
  lastFailureAt: string;
  lastError: { code: string; message: string };
  /** ISO time of the last `source-failing` alert queued for this streak; null: nobody was told yet. */
  alertedAt: string | null;
}

export class FailureStore {
  constructor(readonly dir: string) {}

  static forSnapshotDir(snapshotDir: string): FailureStore {
    return new FailureStore(join(snapshotDir, '.failures'));
  }

  private path(source: string): string {
    return stateFilePath(this.dir, source);
  }

  async read(source: string): Promise<SourceFailureState | null> {
    let text: string;
    try {
      text = await readFile(this.path(source), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreError(`cannot read ${this.path(source)}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return JSON.parse(text) as SourceFailureState;
    } catch (err) {
      throw new StoreError(
        `${this.path(source)} is unreadable: ${(err as Error).message}; delete it to start the failure count again`,
        { cause: err },
      );
    }
  }

  async write(state: SourceFailureState): Promise<void> {
    try {
      await writeStateFile(this.dir, state.source, state);
    } catch (err) {
      throw new StoreError(`cannot write ${this.path(state.source)}: ${(err as Error).message}`, { cause: err });
    }
  }

  async clear(source: string): Promise<void> {
    await rm(this.path(source), { force: true });
  }

  /** Every failing source's state, by source id. */
  async list(): Promise<SourceFailureState[]> {
    const states: SourceFailureState[] = [];
    for (const source of await stateFileSources(this.dir)) {
      const state = await this.read(source);
      if (state) states.push(state);
    }
    return states;
  }

  /**
   * Records that a failing alert was queued (called again when an outbox entry of it is
   * delivered later): a state written before the crash is updated, a missing one is rebuilt.
   */
  async markAlerted(alert: Omit<SourceFailureState, 'alertedAt'> & { alertedAt: string }): Promise<void> {
    const stored = await this.read(alert.source);
    if (stored && stored.since !== alert.since) return; // a later streak: this alert was about an older one
    if (stored?.alertedAt && stored.alertedAt >= alert.alertedAt) return;
    await this.write({ ...(stored ?? alert), alertedAt: alert.alertedAt });
  }

  /** The streak that began at `since` ended (its recovery notice is in the outbox). */
  async markRecovered(source: string, since: string): Promise<void> {
    const stored = await this.read(source);
    if (stored && stored.since === since) await this.clear(source);
  }
}
