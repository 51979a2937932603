/**
 * GET /healthz: the last run of each source, alerts still waiting in the outbox, and what is
 * running now. It answers 200 whenever the server does (so a liveness probe does not restart a
 * pod because a vendor's site was down); `status` says "degraded" when a source's last run
 * failed or was held, or an alert is undelivered, for people and alerting to read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VERSION } from '../app/version.js';
import type { Outbox } from '../store/outbox.js';
import { sendJson } from './http.js';
import type { RunQueue } from './runner.js';
import type { RunStats } from './stats.js';

/** A version held back by parser health, waiting for `run --accept`. */
export interface WithheldVersion {
  source: string;
  problems: string[];
  /** ISO time it was held, when known. */
  since: string | null;
}

/**
 * The hook for held versions: serve passes store/withheld.ts's listWithheldVersions; null (no
 * store to ask) makes /healthz and /metrics say `withheldVersions: null` ("not known").
 */
export type ListWithheldVersions = () => Promise<WithheldVersion[]>;

export interface HealthSources {
  stats: RunStats;
  queue: RunQueue;
  outbox: Outbox;
  /** Ids of the configured notifiers, so one with nothing pending still shows 0. */
  notifierIds: readonly string[];
  /** Those with a `digest:` schedule: what waits for their next digest is not undelivered. */
  digestNotifierIds?: readonly string[];
  /** Cron schedule per source id. */
  schedules: ReadonlyMap<string, string>;
  listWithheldVersions: ListWithheldVersions | null;
}

export interface OutboxDepth {
  total: number;
  byNotifier: Record<string, number>;
  /** ISO time of the oldest undelivered alert, or null. */
  oldest: string | null;
  /** Alerts held for a digest notifier's next digest (no failed attempt), per notifier: not undelivered. */
  awaitingDigest: Record<string, number>;
}

/**
 * Undelivered alerts: outbox entries, counted per notifier that still has to deliver them. An
 * entry pending for a digest notifier that has not failed to send it is waiting for the digest
 * time, as configured: it is counted apart and does not make the service "degraded".
 */
export async function outboxDepth(
  outbox: Outbox,
  notifierIds: readonly string[],
  digestNotifierIds: readonly string[] = [],
): Promise<OutboxDepth> {
  const byNotifier: Record<string, number> = Object.fromEntries(notifierIds.map((id) => [id, 0]));
  const awaitingDigest: Record<string, number> = Object.fromEntries(digestNotifierIds.map((id) => [id, 0]));
  let oldest: string | null = null;
  let total = 0;
  for (const entry of await outbox.list()) {
    const waiting = entry.pending.filter((id) => digestNotifierIds.includes(id) && !entry.errors[id]);
    for (const id of waiting) awaitingDigest[id] = (awaitingDigest[id] ?? 0) + 1;
    const undelivered = entry.pending.filter((id) => !waiting.includes(id));
    if (undelivered.length === 0) continue;
    total += 1;
    for (const id of undelivered) byNotifier[id] = (byNotifier[id] ?? 0) + 1;
    if (oldest === null || entry.createdAt < oldest) oldest = entry.createdAt;
  }
  return { total, byNotifier, oldest, awaitingDigest };
}

export async function healthReport(sources: HealthSources) {
  const { stats, queue } = sources;
  const undelivered = await outboxDepth(sources.outbox, sources.notifierIds, sources.digestNotifierIds);
  const withheld = sources.listWithheldVersions ? await sources.listWithheldVersions() : null;
  const perSource = [...stats.sources].map(([id, s]) => ({
    id,
    schedule: sources.schedules.get(id) ?? null,
    lastRun: s.lastRun,
    lastSuccessAt: s.lastSuccessAt,
  }));
  const failing = perSource.filter(
    (s) => s.lastRun && !['baseline', 'changed', 'unchanged'].includes(s.lastRun.status),
  );
  const degraded = failing.length > 0 || undelivered.total > 0 || (withheld?.length ?? 0) > 0;
  const running = queue.running;
  return {
    status: degraded ? 'degraded' : 'ok',
    version: VERSION,
    startedAt: stats.startedAt.toISOString(),
    running: running
      ? {
          origin: running.job.origin,
          sources: running.job.sources.map((s) => s.id),
          dryRun: running.job.dryRun,
          since: running.since.toISOString(),
        }
      : null,
    queued: queue.queued,
    sources: perSource,
    undeliveredAlerts: undelivered,
    withheldVersions: withheld,
  };
}

export async function serveHealth(req: IncomingMessage, res: ServerResponse, sources: HealthSources): Promise<void> {
  sendJson(req, res, 200, await healthReport(sources));
}
