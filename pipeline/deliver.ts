/**
 * Delivering outbox entries to the notifiers, now (after a commit) or at a later run (after an
 * outage or a crash). See store/outbox.ts for the order of writes that makes alerts exactly-once.
 */
import { errorMessage } from '../errors/index.js';
import type { Notification, Notifier } from '../notify/types.js';
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

/** Delivers an outbox entry to the notifiers still pending; returns the failures by notifier id. */
export async function deliver(
  outbox: Outbox,
  entry: OutboxEntry,
  notifiers: Notifier[],
): Promise<Record<string, string>> {
  const byId = new Map(notifiers.map((n) => [n.id, n]));
  const failures: Record<string, string> = {};
  for (const id of [...entry.pending]) {
    const notifier = byId.get(id);
    if (!notifier) {
      // The notifier was removed from the config since: nobody is left to tell.
      entry.pending = entry.pending.filter((p) => p !== id);
      continue;
    }
    try {
      await notifier.send(entry.notification);
      entry.pending = entry.pending.filter((p) => p !== id);
      delete entry.errors[id];
    } catch (err) {
      failures[id] = errorMessage(err);
      entry.errors[id] = errorMessage(err);
    }
  }
  if (entry.pending.length === 0) await outbox.remove(entry.id);
  else await outbox.save(entry);
  return failures;
}

/**
 * Re-sends alerts left in the outbox by an earlier run (a notifier outage, a crash). Entries
 * prepared for a commit that never happened are dropped: their change will be found again. A
 * withheld alert records its removals as announced before it is delivered, so a run that died
 * before writing the withheld state does not announce them a second time.
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
    const failed = await deliver(ctx.outbox, entry, ctx.notifiers);
    for (const [id, message] of Object.entries(failed)) failures[`${entry.source}/${id}`] = message;
  }
  return failures;
}
