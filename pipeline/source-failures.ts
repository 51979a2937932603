/**
 * A failing source tells somebody. After each run of a source (not a dry run) its failure state
 * (store/failures.ts) is updated, and:
 *  - `source-failing` is sent once the streak reaches `failureAlertAfter`: 3 consecutive failed
 *    runs or 6 hours since the first failure, whichever comes first. Three runs, because one
 *    failed fetch of a vendor page is common and fixes itself; six hours, because a source
 *    scheduled daily would otherwise wait three days;
 *  - while it keeps failing, again every `failureRepeatAfter` (default 24 h), "still failing for
 *    3 days";
 *  - `source-recovered` once when a run of it works again, if people were told it was failing
 *    (a streak nobody was told about ends quietly).
 * Every one goes through the outbox, written before the failure state it changes, and records
 * that state when delivered (pipeline/deliver.ts), so a crash in between neither loses nor
 * repeats it. Times are the run's (ENDPOINT_WATCH_NOW).
 */
import { faultPoint } from '../app/fault-points.js';
import { errorMessage } from '../errors/index.js';
import { redactLocation } from '../ingest/location.js';
import type { Notification } from '../notify/types.js';
import type { SourceFailureState } from '../store/failures.js';
import { failureStoreOf, recipientsOf, submitAlert } from './deliver.js';
import type { PipelineContext, SourceRunResult, SourceSpec } from './types.js';

export const DEFAULT_FAILURE_ALERT_AFTER = { runs: 3, ms: 6 * 3_600_000 } as const;
export const DEFAULT_FAILURE_REPEAT_AFTER_MS = 24 * 3_600_000;

/** Whether a `source-failing` alert is due for this state at `now`. */
export function failingAlertDue(state: SourceFailureState, source: SourceSpec, now: Date): boolean {
  if (state.alertedAt !== null) {
    const repeatMs = source.failureRepeatAfterMs ?? DEFAULT_FAILURE_REPEAT_AFTER_MS;
    return now.getTime() - Date.parse(state.alertedAt) >= repeatMs;
  }
  const { runs, ms } = source.failureAlertAfter ?? DEFAULT_FAILURE_ALERT_AFTER;
  return (runs !== null && state.failures >= runs) || (ms !== null && now.getTime() - Date.parse(state.since) >= ms);
}

/** The failure state after this run failed. */
export function nextFailureState(
  previous: SourceFailureState | null,
  source: string,
  error: { code: string; message: string },
  now: Date,
): SourceFailureState {
  const at = now.toISOString();
  if (!previous) return { source, failures: 1, since: at, lastFailureAt: at, lastError: error, alertedAt: null };
  return { ...previous, failures: previous.failures + 1, lastFailureAt: at, lastError: error };
}

async function queueAndDeliver(
  ctx: PipelineContext,
  source: SourceSpec,
  notification: Notification,
  marker: NonNullable<import('../store/outbox.js').OutboxEntry['sourceFailure']>,
  update: () => Promise<void>,
): Promise<Record<string, string>> {
  const entry = await ctx.outbox.create({
    source: source.id,
    state: 'ready',
    catalogSha256: null,
    notification,
    ...recipientsOf(ctx),
    sourceFailure: marker,
  });
  faultPoint('failure:alert-queued');
  await update();
  faultPoint('failure:state-written');
  return submitAlert(ctx, entry);
}

/**
 * Updates the failure state of `source` after `result`, alerting when due; returns what could
 * not be delivered, by notifier id. A problem with the state itself is logged, never fatal.
 */
export async function trackSourceFailure(
  ctx: PipelineContext,
  source: SourceSpec,
  result: SourceRunResult,
): Promise<Record<string, string>> {
  if (result.status === 'dry-run') return {};
  try {
    const store = failureStoreOf(ctx);
    const previous = await store.read(source.id);
    const now = ctx.now ? ctx.now() : new Date();
    const location = redactLocation(source.url);
    if (result.status === 'failed') {
      const error = result.error ?? { code: 'INTERNAL', message: 'failed' };
      const state = nextFailureState(previous, source.id, error, now);
      if (!failingAlertDue(state, source, now)) {
        await store.write(state);
        return {};
      }
      const alerted = { ...state, alertedAt: now.toISOString() };
      const notification: Notification = {
        type: 'source-failing',
        source: source.id,
        location,
        error,
        since: state.since,
        failures: state.failures,
        at: alerted.alertedAt,
        reminder: state.alertedAt !== null,
      };
      return await queueAndDeliver(ctx, source, notification, { kind: 'failing', state: alerted }, () =>
        store.write(alerted),
      );
    }
    if (!previous) return {};
    if (previous.alertedAt === null) {
      await store.clear(source.id);
      ctx.log.write(
        `${source.id}: works again after ${previous.failures} failed run(s); nobody had been alerted yet\n`,
      );
      return {};
    }
    const notification: Notification = {
      type: 'source-recovered',
      source: source.id,
      location,
      since: previous.since,
      recoveredAt: now.toISOString(),
      failures: previous.failures,
      lastError: previous.lastError.message,
    };
    return await queueAndDeliver(ctx, source, notification, { kind: 'recovered', since: previous.since }, () =>
      store.clear(source.id),
    );
  } catch (err) {
    ctx.log.write(`${source.id}: cannot record the source's failure state: ${errorMessage(err)}\n`);
    return { 'failure-state': errorMessage(err) };
  }
}
