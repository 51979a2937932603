/**
 * Delivery during one run: one lane per notifier, all lanes at once.
 *
 * - Each lane sends its notifier's entries one at a time, oldest first (the backlog of earlier
 *   runs, then this run's alerts as they are committed). Lanes do not wait for each other: SMTP
 *   hanging, or Slack's Retry-After, delays that notifier's lane only.
 * - The backlog runs while the sources are fetched, and is bounded: a lane starts no further
 *   backlog attempt once `budgetMs` has passed since the run began (an attempt under way is
 *   finished, never abandoned: its answer decides what is crossed off). This run's own alerts
 *   are always attempted. What was not attempted stays pending, reported, for the next run.
 * - Crossing off is unchanged (see pipeline/deliver.ts): the entry is saved the moment its
 *   notifier accepted, before that lane's next send. Saves of one entry are chained in the
 *   Outbox, so lanes finishing together never interleave their writes.
 * - A notifier with `digest:` holds its change and baseline alerts (still pending for it).
 *   After the lanes are done, one digest goes out when an item was queued at or before the
 *   last digest time (notify/digest-schedule.ts), with every item held; accepted, a receipt
 *   is written first, then each item is crossed off (a kill in between: the next run finishes
 *   the crossing off from the receipt, it does not send the digest again).
 */
import { deliveryUnderWay, faultPoint } from '../app/fault-points.js';
import { errorMessage } from '../errors/index.js';
import { lastDigestTime } from '../notify/digest-schedule.js';
import { MaybeDeliveredError, type Notification, type Notifier } from '../notify/types.js';
import type { Outbox, OutboxEntry } from '../store/outbox.js';

/** Default `deliveryBudgetSeconds`: how long a run spends on alerts left by earlier runs. */
export const DEFAULT_DELIVERY_BUDGET_MS = 120_000;

/**
 * Alert kinds a digest notifier collects. The others go at once: a failing source, a recovery,
 * removals withheld as breakage and parser-health problems ask somebody to look now (and
 * withheld removals are confirmed after `confirmAfter`, which a weekly digest would outlast).
 */
export const DIGEST_KINDS: ReadonlySet<Notification['type']> = new Set(['changes', 'baseline']);

/** Which part of the run an entry belongs to: the backlog, or the source whose run queued it. */
export type DeliveryTag = { backlog: true } | { source: string };

interface Job {
  entry: OutboxEntry;
  fresh: boolean;
}

function crossOff(entry: OutboxEntry, id: string): void {
  entry.pending = entry.pending.filter((p) => p !== id);
  delete entry.errors[id];
  if (entry.uncertain) delete entry.uncertain[id];
}

function queuedAt(entry: OutboxEntry): number {
  return Date.parse(entry.queuedAt ?? entry.createdAt);
}

/**
 * Sends `entries` to `notifier` as one message and records the outcome on each: crossed off
 * when accepted; marked uncertain after a timeout once sent (re-sent once, marked, at a later
 * run); kept with its error otherwise. Returns the failure message, or null.
 */
async function attempt(
  outbox: Outbox,
  notifier: Notifier,
  entries: OutboxEntry[],
  send: (possibleDuplicate: boolean) => Promise<void>,
  now: () => Date,
): Promise<string | null> {
  const done = deliveryUnderWay(notifier.id);
  try {
    return await attemptOnce(outbox, notifier, entries, send, now);
  } finally {
    done();
  }
}

async function attemptOnce(
  outbox: Outbox,
  notifier: Notifier,
  entries: OutboxEntry[],
  send: (possibleDuplicate: boolean) => Promise<void>,
  now: () => Date,
): Promise<string | null> {
  const id = notifier.id;
  const uncertainSince = entries.map((entry) => entry.uncertain?.[id]).find(Boolean);
  let failure: string | null = null;
  try {
    await send(Boolean(uncertainSince));
  } catch (err) {
    const message = errorMessage(err);
    if (err instanceof MaybeDeliveredError && uncertainSince) {
      // The second attempt that may have arrived: sending again would risk a third copy.
      for (const entry of entries) crossOff(entry, id);
      failure = `${message}; it was re-sent once already after a timeout on ${uncertainSince}, so it is not sent again: check that it arrived`;
    } else if (err instanceof MaybeDeliveredError) {
      failure = `${message}; the next run sends it once more, marked as a possible duplicate`;
      const at = new Date().toISOString();
      for (const entry of entries) {
        entry.uncertain = { ...entry.uncertain, [id]: at };
        entry.errors[id] = failure;
      }
    } else {
      failure = message;
      for (const entry of entries) entry.errors[id] = message;
    }
    await Promise.all(entries.map((entry) => outbox.persist(entry)));
    return failure;
  }
  faultPoint(`accepted:${id}`);
  // Accepted: crossed off now, before this lane sends anything else.
  const receipt =
    entries.length > 1
      ? await outbox.saveReceipt({ notifier: id, entries: entries.map((e) => e.id), acceptedAt: now().toISOString() })
      : null;
  for (const entry of entries) crossOff(entry, id);
  await Promise.all(entries.map((entry) => outbox.persist(entry)));
  faultPoint(`crossed-off:${id}`);
  if (receipt) await outbox.removeReceipt(receipt.id);
  return null;
}

class Lane {
  private tail: Promise<void> = Promise.resolve();
  /** Entries a digest notifier holds, in the order they were queued. */
  readonly held: OutboxEntry[] = [];

  constructor(
    readonly notifier: Notifier,
    private readonly dispatcher: Dispatcher,
  ) {}

  enqueue(job: Job, onFailure: (message: string) => void): Promise<void> {
    this.tail = this.tail.then(async () => {
      try {
        const failure = await this.process(job);
        if (failure) onFailure(failure);
      } catch (err) {
        onFailure(errorMessage(err));
      }
    });
    return this.tail;
  }

  idle(): Promise<void> {
    return this.tail;
  }

  private async process({ entry, fresh }: Job): Promise<string | null> {
    const { notifier } = this;
    const { outbox } = this.dispatcher;
    if (!entry.pending.includes(notifier.id)) return null;
    if (notifier.digest && DIGEST_KINDS.has(entry.notification.type)) {
      if (notifier.route && notifier.route(entry.notification) === null) {
        // Nothing of it for this notifier: "delivered" by sending nothing, as at once.
        crossOff(entry, notifier.id);
        await outbox.persist(entry);
      } else this.held.push(entry);
      return null;
    }
    if (!fresh && this.dispatcher.budgetSpent()) {
      const seconds = Math.round(this.dispatcher.budgetMs / 1000);
      return `not attempted in this run: the ${seconds} s delivery budget for earlier alerts was used up (deliveryBudgetSeconds); the next run tries again`;
    }
    const notification: Notification = entry.uncertain?.[notifier.id]
      ? { ...entry.notification, possibleDuplicate: true }
      : entry.notification;
    return attempt(outbox, notifier, [entry], () => notifier.send(notification), this.dispatcher.now);
  }

  /** The digest, when one is due now: every held item, as one message. */
  async sendDigestIfDue(): Promise<string | null> {
    const { notifier } = this;
    const schedule = notifier.digest;
    const items = this.held.filter((entry) => entry.pending.includes(notifier.id));
    if (!schedule || items.length === 0) return null;
    const last = lastDigestTime(schedule, this.dispatcher.now()).getTime();
    if (!items.some((entry) => queuedAt(entry) <= last)) return null;
    if (!notifier.sendDigest) return `notifier "${notifier.id}" cannot send a digest`;
    const since = new Date(Math.min(...items.map(queuedAt))).toISOString();
    const send = notifier.sendDigest.bind(notifier);
    return attempt(
      this.dispatcher.outbox,
      notifier,
      items,
      (possibleDuplicate) =>
        send({
          items: items.map((entry) => entry.notification),
          schedule,
          since,
          ...(possibleDuplicate ? { possibleDuplicate } : {}),
        }),
      this.dispatcher.now,
    );
  }
}

export interface DispatcherOptions {
  budgetMs?: number;
  /** The run's time, for digest schedules (ENDPOINT_WATCH_NOW). */
  now?: () => Date;
}

export class Dispatcher {
  readonly budgetMs: number;
  readonly now: () => Date;
  private readonly started = Date.now();
  private readonly lanes = new Map<string, Lane>();
  private readonly backlogFailures: Record<string, string> = {};
  private readonly sourceFailures = new Map<string, Record<string, string>>();

  constructor(
    readonly outbox: Outbox,
    readonly notifiers: Notifier[],
    options: DispatcherOptions = {},
  ) {
    this.budgetMs = options.budgetMs ?? DEFAULT_DELIVERY_BUDGET_MS;
    this.now = options.now ?? (() => new Date());
    for (const notifier of notifiers) this.lanes.set(notifier.id, new Lane(notifier, this));
  }

  budgetSpent(): boolean {
    return Date.now() - this.started >= this.budgetMs;
  }

  /** Records a failure of `id` for an entry of `tag` (several of one source are joined). */
  fail(tag: DeliveryTag, entry: OutboxEntry, id: string, message: string): void {
    if ('backlog' in tag) {
      this.backlogFailures[`${entry.source}/${id}`] = message;
      return;
    }
    const failures = this.sourceFailures.get(tag.source) ?? {};
    failures[id] = failures[id] ? `${failures[id]}; ${message}` : message;
    this.sourceFailures.set(tag.source, failures);
  }

  /**
   * Hands `entry` to the lane of every notifier it is pending for (pipeline/deliver.ts has
   * already mapped renamed notifiers); resolves when each lane has dealt with it. `fresh`:
   * queued by this run (never held back by the budget).
   */
  submit(entry: OutboxEntry, tag: DeliveryTag, fresh: boolean): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const id of entry.pending) {
      const lane = this.lanes.get(id);
      if (lane) jobs.push(lane.enqueue({ entry, fresh }, (message) => this.fail(tag, entry, id, message)));
    }
    return Promise.all(jobs).then(() => undefined);
  }

  /** Resolves when every lane has sent what it was given so far. */
  async idle(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.idle()));
  }

  /** Waits for every lane, then sends the digests that are due; the held entries' failures go to the backlog's. */
  async finish(): Promise<void> {
    await this.idle();
    await Promise.all(
      [...this.lanes.values()].map(async (lane) => {
        const failure = await lane.sendDigestIfDue().catch((err: unknown) => errorMessage(err));
        if (failure) this.backlogFailures[`digest/${lane.notifier.id}`] = failure;
      }),
    );
  }

  failuresOfBacklog(): Record<string, string> {
    return { ...this.backlogFailures };
  }

  failuresOfSource(source: string): Record<string, string> {
    return { ...this.sourceFailures.get(source) };
  }
}
