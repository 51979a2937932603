/**
 * Delivering outbox entries to the notifiers, now (after a commit) or at a later run (after an
 * outage or a crash). See store/outbox.ts for the order of writes that makes alerts exactly-once.
 *
 * - Each notifier is crossed off, and the entry saved, the moment it accepted: a later notifier
 *   that hangs, or a kill, does not make the earlier ones receive the alert again. What is left is
 *   a kill between a notifier accepting and that save (milliseconds).
 * - A notifier whose answer timed out after the message was sent (MaybeDeliveredError) may have
 *   posted it: it is not retried in the run; the next run sends it once more, titled "re-sent,
 *   may be a duplicate"; if that also times out it is crossed off with an error saying so.
 * - A pending notifier id the config no longer has (a channel added, recipients reordered,
 *   an explicit `id:` renamed) goes to its successor: the one configured notifier of the same
 *   type that the entry was not written for. Without exactly one, the entry is kept and every run
 *   fails saying how to deliver or drop it: never dropped silently.
 */
import { faultPoint } from '../app/fault-points.js';
import { errorMessage } from '../errors/index.js';
import { MaybeDeliveredError, type Notification, type Notifier } from '../notify/types.js';
import { FailureStore } from '../store/failures.js';
import type { Outbox, OutboxEntry } from '../store/outbox.js';
import { sha256 } from '../store/snapshots.js';
import { WithheldStore } from '../store/withheld.js';
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

/** The recipient fields of a new outbox entry: every configured notifier, with its type. */
export function recipientsOf(notifiers: Notifier[]): Pick<OutboxEntry, 'pending' | 'notifiers' | 'types'> {
  const ids = notifiers.map((n) => n.id);
  return {
    pending: ids,
    notifiers: [...ids],
    types: Object.fromEntries(notifiers.map((n) => [n.id, notifierType(n)])),
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

async function persist(outbox: Outbox, entry: OutboxEntry): Promise<void> {
  if (entry.pending.length === 0) await outbox.remove(entry.id);
  else await outbox.save(entry);
}

/** Delivers an outbox entry to the notifiers still pending; returns the failures by notifier id. */
export async function deliver(
  outbox: Outbox,
  entry: OutboxEntry,
  notifiers: Notifier[],
): Promise<Record<string, string>> {
  const byId = new Map(notifiers.map((n) => [n.id, n]));
  const failures: Record<string, string> = {};
  for (const pendingId of [...entry.pending]) {
    let id = pendingId;
    let notifier = byId.get(id);
    if (!notifier) {
      const successor = successorOf(entry, id, notifiers);
      if (!successor) {
        failures[id] = orphanMessage(outbox, entry, id, notifiers);
        entry.errors[id] = failures[id]!;
        await persist(outbox, entry);
        continue;
      }
      // Recorded before sending, so a kill now still finds the alert addressed to the successor.
      entry.pending = entry.pending.map((p) => (p === id ? successor.id : p));
      entry.notifiers = [...(entry.notifiers ?? []), successor.id];
      entry.types = { ...entry.types, [successor.id]: notifierType(successor) };
      if (entry.uncertain?.[id]) entry.uncertain = { ...entry.uncertain, [successor.id]: entry.uncertain[id]! };
      delete entry.errors[id];
      await persist(outbox, entry);
      id = successor.id;
      notifier = successor;
    }
    const uncertainSince = entry.uncertain?.[id];
    const notification: Notification = uncertainSince
      ? { ...entry.notification, possibleDuplicate: true }
      : entry.notification;
    try {
      await notifier.send(notification);
      faultPoint(`accepted:${id}`);
      entry.pending = entry.pending.filter((p) => p !== id);
      delete entry.errors[id];
      if (entry.uncertain) delete entry.uncertain[id];
    } catch (err) {
      const message = errorMessage(err);
      if (err instanceof MaybeDeliveredError && uncertainSince) {
        // The second attempt that may have arrived: sending again would risk a third copy.
        entry.pending = entry.pending.filter((p) => p !== id);
        delete entry.uncertain![id];
        failures[id] =
          `${message}; it was re-sent once already after a timeout on ${uncertainSince}, so it is not sent again: check that it arrived`;
      } else if (err instanceof MaybeDeliveredError) {
        entry.uncertain = { ...entry.uncertain, [id]: new Date().toISOString() };
        failures[id] = `${message}; the next run sends it once more, marked as a possible duplicate`;
        entry.errors[id] = failures[id]!;
      } else {
        failures[id] = message;
        entry.errors[id] = message;
      }
    }
    // Crossed off now, not after the other notifiers: a hang or a kill later re-sends to none of them.
    await persist(outbox, entry);
    faultPoint(`crossed-off:${id}`);
  }
  return failures;
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
 * Re-sends alerts left in the outbox by an earlier run (a notifier outage, a crash). Entries
 * prepared for a commit that never happened are dropped: their change will be found again. A
 * withheld alert records its removals as announced before it is delivered, so a run that died
 * before writing the withheld state does not announce them a second time; a source-health alert
 * records the failure state it was sent for the same way.
 */
export async function flushOutbox(ctx: PipelineContext): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
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
    const failed = await deliver(ctx.outbox, entry, ctx.notifiers);
    for (const [id, message] of Object.entries(failed)) failures[`${entry.source}/${id}`] = message;
  }
  return failures;
}
