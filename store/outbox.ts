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
  /**
   * The run's time when the alert was queued (ENDPOINT_WATCH_NOW in tests): a digest notifier
   * holds it until the first digest time after it (pipeline/digests.ts). Absent: `createdAt`.
   */
  queuedAt?: string;
}

/**
 * Written the moment a notifier accepted a digest, before the entries it held are crossed off
 * one file at a time: a kill in between finds the receipt and finishes the crossing off, so the
 * digest is not sent again (the duplicate window stays one file write wide).
 */
export interface DigestReceipt {
  id: string;
  notifier: string;
  entries: string[];
  acceptedAt: string;
}

const RECEIPT_SUFFIX = '.digest-receipt';

export class Outbox {
  /**
   * Writes of one entry file, chained: notifiers delivering in parallel (pipeline/dispatch.ts)
   * cross themselves off the same entry, and each write must land whole and in order. Each write
   * serializes the entry as it is when the write starts, so the last one holds every change.
   */
  private readonly writes = new Map<string, Promise<void>>();
  private writeCount = 0;

  constructor(readonly dir: string) {}

  private serialized(id: string, write: () => Promise<void>): Promise<void> {
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous.then(write, write);
    const settled = next.catch(() => undefined);
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return next;
  }

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

  save(entry: OutboxEntry): Promise<void> {
    return this.serialized(entry.id, () => this.write(this.path(entry.id), () => JSON.stringify(entry, null, 2)));
  }

  /** Saves the entry, or removes it once no notifier is pending: the state as it is when the write runs. */
  persist(entry: OutboxEntry): Promise<void> {
    return this.serialized(entry.id, () =>
      entry.pending.length === 0
        ? rm(this.path(entry.id), { force: true })
        : this.write(this.path(entry.id), () => JSON.stringify(entry, null, 2)),
    );
  }

  private async write(path: string, text: () => string): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      // Keep delivery state out of the snapshot history even when snapshotDir is a shared repo.
      await writeFile(join(this.dir, '.gitignore'), '*\n');
      this.writeCount += 1;
      const tmp = `${path}.tmp-${process.pid}-${this.writeCount}`;
      await writeFile(tmp, `${text()}\n`);
      await rename(tmp, path);
    } catch (err) {
      throw new StoreError(`cannot write outbox entry in ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Records an accepted digest (see DigestReceipt); one atomic file write. */
  async saveReceipt(fields: Omit<DigestReceipt, 'id'>): Promise<DigestReceipt> {
    const receipt: DigestReceipt = { id: `${Date.now()}-${randomUUID().slice(0, 8)}`, ...fields };
    await this.write(join(this.dir, `${receipt.id}${RECEIPT_SUFFIX}`), () => JSON.stringify(receipt, null, 2));
    return receipt;
  }

  async removeReceipt(id: string): Promise<void> {
    await rm(join(this.dir, `${id}${RECEIPT_SUFFIX}`), { force: true });
  }

  /** Digest receipts a killed run left behind, oldest first. */
  async receipts(): Promise<DigestReceipt[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const receipts: DigestReceipt[] = [];
    for (const name of names.filter((n) => n.endsWith(RECEIPT_SUFFIX)).sort()) {
      try {
        receipts.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as DigestReceipt);
      } catch (err) {
        throw new StoreError(
          `digest receipt ${join(this.dir, name)} is unreadable: ${(err as Error).message}; move it away to continue`,
          { cause: err },
        );
      }
    }
    return receipts;
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

  remove(id: string): Promise<void> {
    return this.serialized(id, () => rm(this.path(id), { force: true }));
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
