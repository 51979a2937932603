/**
 * The outbox makes alerts exactly-once across crashes and notifier outages.
 *
 * A notification is written here *before* the snapshot commit that it describes, and each
 * notifier is crossed off only after it delivered. So:
 *  - Slack down after the commit: the entry stays, the next run re-sends it to Slack only
 *    (email, which succeeded, is not sent twice), and the diff itself is not recomputed;
 *  - a crash between writing the entry and committing: the entry says which catalog it
 *    expected; if HEAD does not hold it, the entry is dropped and the next run recomputes the
 *    same change from scratch, so nothing is sent for a state that was never committed.
 * Entries live in <snapshotDir>/.outbox/, ignored by git: they are delivery state, not history.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Notification } from '../notify/types.js';
import { StoreError } from '../errors/index.js';
import type { SourceFailureState } from './failures.js';
import type { WithheldRemoval, WithheldState } from './withheld.js';

export interface OutboxEntry {
  id: string;
  source: string;
  createdAt: string;
  /** 'prepared': written before its commit; 'ready': committed (or needs no commit). */
  state: 'prepared' | 'ready';
  /** sha256 of the catalog.json this notification describes (null when it is not tied to one). */
  catalogSha256: string | null;
  notification: Notification;
  /** Notifier ids that still have to deliver it. */
  pending: string[];
  /** Last delivery error per notifier id, for `run` output. */
  errors: Record<string, string>;
  /**
   * For a withheld alert: the removals it announces. Delivering the entry records them as
   * announced in store/withheld.ts, so a crash between writing this entry and the withheld
   * state neither loses the alert nor repeats it.
   */
  withheld?: { removals: WithheldRemoval[] } & Pick<WithheldState, 'reasons' | 'needsPerson'>;
  /**
   * Every notifier id the entry was written for, and each one's type: a pending id the config
   * no longer has is handed to the one new notifier of its type (pipeline/deliver.ts). Absent in
   * entries written before; `pending` and the id's prefix stand in.
   */
  notifiers?: string[];
  types?: Record<string, string>;
  /**
   * Notifiers whose last attempt may have delivered (the message was sent, the answer timed
   * out), with when: re-sent once at a later run, marked as a possible duplicate.
   */
  uncertain?: Record<string, string>;
  /** For a source-health alert: the failure state it records when delivered (store/failures.ts). */
  sourceFailure?:
    | { kind: 'failing'; state: SourceFailureState & { alertedAt: string } }
    | { kind: 'recovered'; since: string };
}

export class Outbox {
  constructor(readonly dir: string) {}

  static forSnapshotDir(snapshotDir: string): Outbox {
    return new Outbox(join(snapshotDir, '.outbox'));
  }

  private path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /** Where an entry is kept, for messages that tell a person how to drop it. */
  entryLocation(id: string): string {
    return this.path(id);
  }

  async save(entry: OutboxEntry): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      // Keep delivery state out of the snapshot history even when snapshotDir is a shared repo.
      await writeFile(join(this.dir, '.gitignore'), '*\n');
      const tmp = `${this.path(entry.id)}.tmp-${process.pid}`;
      await writeFile(tmp, `${JSON.stringify(entry, null, 2)}\n`);
      await rename(tmp, this.path(entry.id));
    } catch (err) {
      throw new StoreError(`cannot write outbox entry in ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  async create(fields: Omit<OutboxEntry, 'id' | 'createdAt' | 'errors'>): Promise<OutboxEntry> {
    // The real clock, also when ENDPOINT_WATCH_NOW is set: it only orders deliveries.
    const createdAt = new Date().toISOString();
    const entry: OutboxEntry = {
      ...fields,
      id: `${createdAt.replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`,
      createdAt,
      errors: {},
    };
    await this.save(entry);
    return entry;
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  /** Entries oldest first, so alerts reach people in the order the changes happened. */
  async list(): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const entries: OutboxEntry[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      try {
        entries.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as OutboxEntry);
      } catch (err) {
        throw new StoreError(
          `outbox entry ${join(this.dir, name)} is unreadable: ${(err as Error).message}; move it away to continue`,
          { cause: err },
        );
      }
    }
    return entries.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
