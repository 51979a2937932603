/**
 * Delivering outbox entries to the notifiers, now (after a commit) or at a later run (after an
 * outage or a crash). See store/outbox.ts for the order of writes that makes alerts exactly-once;
 * pipeline/dispatch.ts sends them (one lane per notifier, a budget for the backlog, digests).
 *
 * - Each notifier is crossed off, and the entry saved, the moment it accepted: a notifier that
 *   hangs, or a kill, does not make the others receive the alert again. What is left is a kill
 *   between a notifier accepting and that save (milliseconds).
 * - A notifier whose answer timed out after the message was sent (MaybeDeliveredError) may have
 *   posted it: it is not retried in the run; the next run sends it once more, titled "re-sent,
 *   may be a duplicate"; if that also times out it is crossed off with an error saying so.
 * - A pending notifier id the config no longer has (a channel added, recipients reordered,
 *   an explicit `id:` renamed) goes to its successor: the one configured notifier of the same
 *   type that the entry was not written for. Without exactly one, the entry is kept and every run
 *   fails saying how to deliver or drop it: never dropped silently.
 */
import { faultPoint } from '../app/fault-points.js';
import type { Notification, Notifier } from '../notify/types.js';
import { FailureStore } from '../store/failures.js';
import type { Outbox, OutboxEntry } from '../store/outbox.js';
import { sha256 } from '../store/snapshots.js';
import { WithheldStore } from '../store/withheld.js';
import { Dispatcher } from './dispatch.js';
import type { PipelineContext } from './types.js';

export function commitLink(template: string | null | undefined, commit: string | null): string | null {
  if (!template || !commit) return null;
  return template.replaceAll('{commit}', commit);
}

export function withheldStoreOf(ctx: PipelineContext): WithheldStore {
  return ctx.withheld ?? WithheldStore.forSnapshotDir(ctx.store.dir);
}

export function failureStoreOf(ctx: PipelineContext): FailureStore {
  return ctx.failures ?? FailureStore.forSnapshotDir(ctx.store.dir);
}

/** The type of a notifier, or of an id an entry names ("slack:#netsec" -> "slack"). */
export function notifierType(notifier: Pick<Notifier, 'id' | 'type'>): string {
  return notifier.type ?? notifier.id.split(':')[0]!;
}

/** The recipient fields of a new outbox entry: every configured notifier, with its type, and the run's time. */
export function recipientsOf(
  ctx: Pick<PipelineContext, 'notifiers' | 'now'>,
): Pick<OutboxEntry, 'pending' | 'notifiers' | 'types' | 'queuedAt'> {
  const ids = ctx.notifiers.map((n) => n.id);
  return {
    pending: ids,
    notifiers: [...ids],
    types: Object.fromEntries(ctx.notifiers.map((n) => [n.id, notifierType(n)])),
    queuedAt: (ctx.now ? ctx.now() : new Date()).toISOString(),
  };
}

function typeOfPending(entry: OutboxEntry, id: string): string {
  return entry.types?.[id] ?? notifierType({ id });
}

/**
 * The notifier that replaced `id` in the config: the only configured notifier of its type that
 * the entry was not written for, when `id` is the only id of that type gone missing.
 */
function successorOf(entry: OutboxEntry, id: string, notifiers: Notifier[]): Notifier | null {
  const type = typeOfPending(entry, id);
  const configured = new Set(notifiers.map((n) => n.id));
  const known = new Set(entry.notifiers ?? entry.pending);
  const orphans = entry.pending.filter((p) => !configured.has(p) && typeOfPending(entry, p) === type);
  const candidates = notifiers.filter((n) => notifierType(n) === type && !known.has(n.id));
  return orphans.length === 1 && candidates.length === 1 ? candidates[0]! : null;
}

function orphanMessage(outbox: Outbox, entry: OutboxEntry, id: string, notifiers: Notifier[]): string {
  const type = typeOfPending(entry, id);
  const sameType = notifiers.filter((n) => notifierType(n) === type).map((n) => n.id);
  const which = sameType.length
    ? `the ${type} notifiers configured now (${sameType.join(', ')}) cannot say which one replaced it`
    : `no ${type} notifier is configured now`;
  return (
    `notifier "${id}" is no longer in the config and ${which}; the alert of ${entry.createdAt} is kept. ` +
    `Give the notifier that should deliver it \`id: ${id}\` in the config, or delete ${outbox.entryLocation(entry.id)} to drop it`
  );
}

/**
 * Maps the pending ids of `entry` the config no longer has onto their successors (saved before
 * anything is sent, so a kill now still finds the alert addressed to the successor); returns
 * the orphans that have none, with the message that says how to deliver or drop them.
 */
async function addressEntry(
  outbox: Outbox,
  entry: OutboxEntry,
  notifiers: Notifier[],
): Promise<Record<string, string>> {
  const configured = new Set(notifiers.map((n) => n.id));
  const orphans: Record<string, string> = {};
  let changed = false;
  for (const id of [...entry.pending]) {
    if (configured.has(id)) continue;
    const successor = successorOf(entry, id, notifiers);
    if (!successor) {
      orphans[id] = orphanMessage(outbox, entry, id, notifiers);
      entry.errors[id] = orphans[id]!;
      changed = true;
      continue;
    }
    entry.pending = entry.pending.map((p) => (p === id ? successor.id : p));
    entry.notifiers = [...(entry.notifiers ?? []), successor.id];
    entry.types = { ...entry.types, [successor.id]: notifierType(successor) };
    if (entry.uncertain?.[id]) entry.uncertain = { ...entry.uncertain, [successor.id]: entry.uncertain[id]! };
    delete entry.errors[id];
    changed = true;
  }
  if (changed) await outbox.persist(entry);
  return orphans;
}

/** The run's dispatcher, or a new one for a caller outside a run. */
function dispatcherOf(ctx: PipelineContext): Dispatcher {
  return (
    ctx.dispatcher ??
    new Dispatcher(ctx.outbox, ctx.notifiers, {
      ...(ctx.deliveryBudgetMs !== undefined ? { budgetMs: ctx.deliveryBudgetMs } : {}),
      ...(ctx.now ? { now: ctx.now } : {}),
    })
  );
}

/**
 * Hands an alert this run just queued to the notifiers (pipeline/dispatch.ts). Within a run
 * (runSources), it is not waited for: the failures are collected and reported with the source
 * when the run ends, and the next source is fetched meanwhile. With a git remote the push of the
 * delivery state must follow the delivery, so it is waited for. Outside a run, it is delivered
 * now and the failures returned.
 */
export async function submitAlert(ctx: PipelineContext, entry: OutboxEntry): Promise<Record<string, string>> {
  const orphans = await addressEntry(ctx.outbox, entry, ctx.notifiers);
  const tag = { source: entry.source };
  const dispatcher = dispatcherOf(ctx);
  for (const [id, message] of Object.entries(orphans)) dispatcher.fail(tag, entry, id, message);
  const delivered = dispatcher.submit(entry, tag, true);
  if (ctx.dispatcher && !ctx.sync) return {};
  await delivered;
  if (!ctx.dispatcher) await dispatcher.finish();
  return ctx.dispatcher ? {} : dispatcher.failuresOfSource(entry.source);
}

/** Finishes the crossing off of digests accepted by a run that was killed before it was done. */
async function settleReceipts(outbox: Outbox): Promise<void> {
  const receipts = await outbox.receipts();
  if (receipts.length === 0) return;
  const entries = new Map((await outbox.list()).map((entry) => [entry.id, entry]));
  for (const receipt of receipts) {
    for (const id of receipt.entries) {
      const entry = entries.get(id);
      if (!entry?.pending.includes(receipt.notifier)) continue;
      entry.pending = entry.pending.filter((p) => p !== receipt.notifier);
      delete entry.errors[receipt.notifier];
      await outbox.persist(entry);
    }
    await outbox.removeReceipt(receipt.id);
  }
}

/** What delivering a source-health entry records in the failure state (before it is sent). */
async function recordSourceFailure(ctx: PipelineContext, entry: OutboxEntry): Promise<void> {
  const marker = entry.sourceFailure;
  if (!marker) return;
  const store = failureStoreOf(ctx);
  if (marker.kind === 'failing') await store.markAlerted(marker.state);
  else await store.markRecovered(entry.source, marker.since);
}

/**
 * Hands the alerts left in the outbox by an earlier run (a notifier outage, a crash) to the
 * run's dispatcher; their delivery goes on while the sources run. Entries prepared for a commit
 * that never happened are dropped: their change will be found again. A withheld alert records
 * its removals as announced before it is delivered, so a run that died before writing the
 * withheld state does not announce them a second time; a source-health alert records the
 * failure state it was sent for the same way.
 */
export async function queueBacklog(ctx: PipelineContext, dispatcher: Dispatcher): Promise<void> {
  await settleReceipts(ctx.outbox);
  for (const entry of await ctx.outbox.list()) {
    if (entry.state === 'prepared') {
      const head = await ctx.store.repo.show('HEAD', ctx.store.repoPath(entry.source, 'catalog.json'));
      if (head === null || sha256(head) !== entry.catalogSha256) {
        await ctx.outbox.remove(entry.id);
        continue;
      }
      const latest = await ctx.store.latest(entry.source);
      if (latest && 'commit' in entry.notification) {
        entry.notification = {
          ...entry.notification,
          commit: latest.commit,
          commitUrl: commitLink(ctx.commitUrl, latest.commit),
        } as Notification;
      }
      entry.state = 'ready';
    }
    if (entry.withheld) {
      const { removals, ...details } = entry.withheld;
      await withheldStoreOf(ctx).markAnnounced(entry.source, removals, details);
    }
    await recordSourceFailure(ctx, entry);
    faultPoint('flush:state-recorded');
    const tag = { backlog: true } as const;
    for (const [id, message] of Object.entries(await addressEntry(ctx.outbox, entry, ctx.notifiers)))
      dispatcher.fail(tag, entry, id, message);
    // Not waited for: the lanes work while the sources are fetched (pipeline/dispatch.ts).
    void dispatcher.submit(entry, tag, false);
  }
}
