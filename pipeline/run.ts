/**
 * One run of the pipeline for a set of sources. Each source goes through named steps:
 *   rewrite an outdated catalog.json -> fetch -> parse -> (baseline) | assess -> commit + notify
 *
 * Guarantees (each has an end-to-end test):
 *  - a failed fetch or parse never touches the snapshot and never alerts "removed";
 *  - unchanged input makes no commit and no alert;
 *  - removals that look like breakage are withheld, the rest of the change goes through, and
 *    the withheld set is announced once and confirmed later (pipeline/health.ts, withheld.ts);
 *  - an alert is delivered once per notifier, even across notifier outages and crashes (outbox);
 *  - one failing source does not stop the others, and one slow or hostile document fails alone
 *    at its parse deadline (parsers/bounded-parse.ts);
 *  - a source that keeps failing is announced, reminded daily and its recovery said (source-failures.ts).
 */
import { canonicalEntries, entriesPerSection, entryKey, serializeCatalogBytes } from '../catalog/canonical.js';
import type { ChangeSet } from '../catalog/changes.js';
import { decodeDocument } from '../parsers/decode.js';
import type { Catalog } from '../catalog/model.js';
import { EndpointWatchError, StoreError, errorMessage } from '../errors/index.js';
import { redactLocation } from '../ingest/location.js';
import type { RawDocument } from '../ingest/types.js';
import { faultPoint } from '../app/fault-points.js';
import { readableTime } from '../notify/format.js';
import type { Notification, WithheldItem } from '../notify/types.js';
import { gitDate, sha256, type StoredSnapshot } from '../store/snapshots.js';
import type { WithheldRemoval, WithheldState } from '../store/withheld.js';
import { baselineCommitMessage, changeCommitMessage, rewriteCommitMessage } from './commit-message.js';
import { commitLink, queueBacklog, recipientsOf, submitAlert, withheldStoreOf } from './deliver.js';
import { Dispatcher } from './dispatch.js';
import {
  boundedMap,
  DEFAULT_CONCURRENCY,
  fetchDocument,
  fetchStateOf,
  parseFetched,
  prepareSource,
  sourceSettings,
  type PreparedSource,
} from './fetch.js';
import type { HealthAssessment } from './health.js';
import { trackSourceFailure } from './source-failures.js';
import { beginRun, finishRun, publishBeforeDelivery, runSourceSynced } from './sync.js';
import type { PipelineContext, RunOptions, RunReport, SourceRunResult, SourceSpec, WithheldReport } from './types.js';
import { DEFAULT_CONFIRM_AFTER_MS, decideWithheld, type WithheldDecision } from './withheld.js';

export type * from './types.js';
export { Dispatcher } from './dispatch.js';

function nowOf(ctx: PipelineContext): Date {
  return ctx.now ? ctx.now() : new Date();
}

function toItem(removal: WithheldRemoval): WithheldItem {
  const { key: _key, ...item } = removal;
  return item;
}

/** What a run will do with a new version of a source that has a baseline. */
interface RunPlan {
  /** What the page lists. */
  catalog: Catalog;
  /** What is committed: the page plus the removals still withheld. */
  committed: Catalog;
  /** previous -> committed, confirmed removals marked: what is alerted. */
  changeSet: ChangeSet;
  assessment: HealthAssessment;
  decision: WithheldDecision;
  /** A commit is due: endpoint changes, a layout change, a relabel, or an accepted state to record. */
  commitNeeded: boolean;
}

// ---------------------------------------------------------------------------------------------
// Steps

/**
 * A catalog.json written by an earlier version of endpoint-watch (an older serialization, told
 * by its first line: see catalog/stored-form.ts) is rewritten once, in a commit of its own and
 * with no alert, so the next change commit shows only the lines of real changes. A current one
 * is not serialized again to find that out (at 100k entries that took longer than the diff).
 */
async function rewriteOutdatedCatalog(
  ctx: PipelineContext,
  source: SourceSpec,
  previous: StoredSnapshot,
): Promise<StoredSnapshot> {
  if (!previous.catalogOutdated) return previous;
  const current = serializeCatalogBytes(previous.catalog);
  const commit = await ctx.store.rewriteCatalog(source.id, current, rewriteCommitMessage(source.id), {
    date: gitDate(nowOf(ctx)),
  });
  ctx.log.write(
    `${source.id}: catalog.json rewritten in the current format${commit ? ` (commit ${commit.slice(0, 10)})` : ''}; no endpoint changed, no alert\n`,
  );
  return { ...previous, catalogSha256: sha256(current), catalogOutdated: false, commit: commit ?? previous.commit };
}

/**
 * The document to look at, or null when it is the one of the last snapshot. With removals
 * withheld, the last snapshot's document is looked at again even when unchanged: the page
 * keeping its state is what confirms them. `prepared` is what the concurrent part of the run
 * fetched (pipeline/fetch.ts), used when it was judged against this very snapshot.
 */
async function fetchStep(
  ctx: PipelineContext,
  source: SourceSpec,
  previous: StoredSnapshot | null,
  withheld: WithheldState | null,
  prepared: PreparedSource | undefined,
  options: RunOptions,
): Promise<{ doc: RawDocument | null; catalog: Catalog | null; serviceVersion: string | null }> {
  let fetched: { doc: RawDocument | null; serviceVersion: string | null };
  let catalog: Catalog | null = null;
  if (prepared?.kind === 'fetched' && prepared.basis === (previous?.meta?.documentSha256 ?? null)) {
    fetched = prepared;
    if (prepared.parsed && 'error' in prepared.parsed) throw prepared.parsed.error;
    catalog = prepared.parsed?.catalog ?? null;
  } else {
    // No concurrent part, or the snapshot moved since (a reset to the remote's head): again.
    fetched = await fetchDocument(ctx, source, previous?.meta ?? null, {
      knownVersion: null,
      checkVersion: !withheld && !options.accept,
    });
  }
  if (fetched.doc) return { doc: fetched.doc, catalog, serviceVersion: fetched.serviceVersion };
  const none = { doc: null, catalog: null, serviceVersion: fetched.serviceVersion };
  if (!withheld?.removals.length || !previous?.meta) return none;
  const body = await ctx.store.latestDocument(source.id);
  if (!body) return none;
  const doc = {
    location: previous.meta.location,
    body,
    contentType: previous.meta.contentType,
    etag: previous.meta.etag,
    lastModified: previous.meta.lastModified,
  };
  return { doc, catalog: null, serviceVersion: fetched.serviceVersion };
}

/** The committed catalog: the page's entries plus the removals still withheld, as they were. */
function withPending(catalog: Catalog, previous: Catalog, pending: WithheldRemoval[]): Catalog {
  if (pending.length === 0) return catalog;
  const keys = new Set(pending.map((r) => r.key));
  const kept = previous.entries.filter((e) => keys.has(entryKey(e)));
  const entries = canonicalEntries([...catalog.entries, ...kept].map((e) => ({ ...e, ports: { ...e.ports } })));
  return { ...catalog, entries, shape: { ...catalog.shape, entriesPerSection: entriesPerSection(entries) } };
}

/** Marks the confirmed removals in their messages, so the alert and the commit say so. */
function markConfirmed(changeSet: ChangeSet, confirmed: WithheldRemoval[]): ChangeSet {
  if (confirmed.length === 0) return changeSet;
  const since = new Map(confirmed.map((r) => [r.key, r.since]));
  const changes = changeSet.changes.map((change) => {
    const at = change.type === 'removed' ? since.get(entryKey(change.entry)) : undefined;
    return at ? { ...change, message: `${change.message} (confirmed, withheld since ${readableTime(at)})` } : change;
  });
  return { ...changeSet, changes };
}

/**
 * The diff, the health assessment and the document text are loaded when a changed document
 * comes (the line diff library among them): an unchanged run never needs them.
 */
const changeSteps = () =>
  Promise.all([import('../catalog/diff.js'), import('./health.js'), import('../catalog/document-context.js')]).then(
    ([diff, health, context]) => ({ ...diff, ...health, ...context }),
  );

/** Health, withheld removals and what to commit: no I/O but loading the steps. */
async function assessStep(
  ctx: PipelineContext,
  source: SourceSpec,
  previous: StoredSnapshot,
  catalog: Catalog,
  withheld: WithheldState | null,
  options: RunOptions,
): Promise<RunPlan> {
  const { diffCatalogs, assessChange } = await changeSteps();
  const full = diffCatalogs(previous.catalog, catalog);
  const assessment = assessChange(previous.catalog, catalog, full);
  // Accepting is taking what an alert showed; with nothing announced it is an ordinary run.
  const accept = !!options.accept && !!withheld?.announced.length;
  const decision = decideWithheld({
    source: source.id,
    assessment,
    removed: full.changes.filter((c) => c.type === 'removed'),
    previous: withheld,
    now: nowOf(ctx),
    confirmAfterMs: source.confirmAfterMs ?? DEFAULT_CONFIRM_AFTER_MS,
    accept,
  });
  const committed = withPending(catalog, previous.catalog, decision.pending);
  const changes = decision.pending.length ? diffCatalogs(previous.catalog, committed) : full;
  const changeSet = markConfirmed(changes, decision.confirmed);
  const commitNeeded =
    changeSet.changes.length > 0 ||
    assessment.layout.length > 0 ||
    // A relabel moves no address but renames what `export --region` selects: recorded, not alerted.
    (changeSet.relabels?.length ?? 0) > 0 ||
    // An accepted state is recorded whole, its layout too, even when no endpoint changed.
    (accept && sha256(serializeCatalogBytes(committed)) !== previous.catalogSha256);
  return { catalog, committed, changeSet, assessment, decision, commitNeeded };
}

function withheldReport(plan: RunPlan): WithheldReport | undefined {
  const { decision, assessment } = plan;
  if (decision.pending.length === 0) return undefined;
  return {
    reasons: decision.reasons,
    needsPerson: assessment.needsPerson,
    confirmAt: decision.confirmAt,
    announced: decision.announce,
    removals: decision.pending.map(toItem),
  };
}

/** The source's human page, for the alerts that link it. */
/** The history page of this source, when the config gives one (`historyUrl`, `{source}` replaced). */
function historyField(ctx: PipelineContext, source: SourceSpec): { historyUrl?: string } {
  return ctx.historyUrl ? { historyUrl: ctx.historyUrl.replaceAll('{source}', encodeURIComponent(source.id)) } : {};
}

function pageField(source: SourceSpec): { pageUrl?: string } {
  return source.pageUrl ? { pageUrl: redactLocation(source.pageUrl) } : {};
}

/** Records the notification, commits the snapshot, then delivers: see store/outbox.ts for why in this order. */
async function commitAndNotify(
  ctx: PipelineContext,
  source: SourceSpec,
  catalog: Catalog,
  doc: RawDocument,
  message: string,
  notification: ((commit: string | null) => Notification) | null,
): Promise<{ commit: string | null; undelivered: Record<string, string> }> {
  // Serialized once: its hash names the commit in the outbox, its bytes are what is committed.
  const catalogBytes = serializeCatalogBytes(catalog);
  const entry = notification
    ? await ctx.outbox.create({
        source: source.id,
        state: 'prepared',
        catalogSha256: sha256(catalogBytes),
        notification: notification(null),
        ...recipientsOf(ctx),
      })
    : null;
  faultPoint('outbox:prepared');
  let commit: string | null;
  try {
    commit = await ctx.store.commit(
      source.id,
      {
        catalog,
        catalogBytes,
        document: doc.body,
        meta: {
          source: source.id,
          location: doc.location,
          format: catalog.format,
          contentType: doc.contentType,
          etag: doc.etag,
          lastModified: doc.lastModified,
        },
      },
      message,
      { date: gitDate(nowOf(ctx)) },
    );
  } catch (err) {
    if (entry) await ctx.outbox.remove(entry.id);
    throw err;
  }
  faultPoint('commit:after');
  if (!entry || !notification) return { commit, undelivered: {} };
  entry.state = 'ready';
  entry.notification = notification(commit);
  await ctx.outbox.save(entry);
  faultPoint('outbox:ready');
  await publishBeforeDelivery(ctx);
  return { commit, undelivered: await submitAlert(ctx, entry) };
}

async function baselineStep(
  ctx: PipelineContext,
  source: SourceSpec,
  catalog: Catalog,
  doc: RawDocument,
  options: RunOptions,
): Promise<SourceRunResult> {
  const entryCount = catalog.entries.length;
  if (options.dryRun)
    // A first snapshot is one baseline, never N additions: the dry run says so and lists none.
    return { source: source.id, status: 'dry-run', entryCount, baseline: true };
  const message = baselineCommitMessage(source.id, entryCount);
  const { commit, undelivered } = await commitAndNotify(ctx, source, catalog, doc, message, (c) => ({
    type: 'baseline',
    source: source.id,
    location: doc.location,
    ...pageField(source),
    ...historyField(ctx, source),
    entryCount,
    commit: c,
    commitUrl: commitLink(ctx.commitUrl, c),
  }));
  return { source: source.id, status: 'baseline', entryCount, commit, ...undeliveredField(undelivered) };
}

/** The text of the last stored document and of `doc` around `values` (empty before a baseline). */
async function documentTextAround(
  ctx: PipelineContext,
  source: SourceSpec,
  doc: RawDocument,
  values: string[],
): Promise<string> {
  const before = await ctx.store.latestDocument(source.id);
  if (!before || values.length === 0) return '';
  const { documentContext } = await changeSteps();
  return documentContext(decodeDocument(before), decodeDocument(doc.body), values).text;
}

/** The withheld alert, into the outbox; it records its removals as announced when delivered. */
async function queueWithheldAlert(ctx: PipelineContext, source: SourceSpec, doc: RawDocument, plan: RunPlan) {
  const { decision, assessment } = plan;
  const documentText = await documentTextAround(
    ctx,
    source,
    doc,
    decision.pending.map((r) => r.value),
  );
  return ctx.outbox.create({
    source: source.id,
    state: 'ready',
    catalogSha256: null,
    notification: {
      type: 'withheld',
      source: source.id,
      location: doc.location,
      ...pageField(source),
      reasons: decision.reasons,
      removals: decision.pending.map(toItem),
      confirmAt: decision.confirmAt,
      ...(documentText ? { documentText } : {}),
    },
    ...recipientsOf(ctx),
    withheld: { removals: decision.pending, reasons: decision.reasons, needsPerson: assessment.needsPerson },
  });
}

/**
 * The withheld state before the commit: the removals confirmed now still count as withheld (and
 * announced, with their dates) until the commit is made, so a crash before it finds them as
 * they were, not as new. Returns the state that was stored before.
 */
async function keepWithheldUntilCommitted(
  ctx: PipelineContext,
  source: SourceSpec,
  plan: RunPlan,
): Promise<WithheldState | null> {
  const { decision, assessment } = plan;
  const store = withheldStoreOf(ctx);
  const stored = await store.read(source.id);
  if (!decision.state && !decision.confirmed.length) return stored;
  const removals = [...decision.pending, ...decision.confirmed];
  const state: WithheldState = {
    source: source.id,
    removals,
    announced: removals.map((r) => r.key).sort(),
    reasons: decision.reasons,
    needsPerson: assessment.needsPerson,
  };
  if (JSON.stringify(state) !== JSON.stringify(stored)) await store.write(state);
  return stored;
}

/** The commit (changes, a layout change, or an accepted state) and its alert. */
async function commitChanges(ctx: PipelineContext, source: SourceSpec, doc: RawDocument, plan: RunPlan) {
  const { decision, assessment, changeSet } = plan;
  const { changedValues } = await changeSteps();
  const documentText = await documentTextAround(ctx, source, doc, changedValues(changeSet.changes));
  const serial = plan.committed.serial ?? null;
  const notes = {
    documentText,
    serial,
    layout: assessment.layout,
    ...(decision.confirmed.length
      ? { confirmed: { count: decision.confirmed.length, how: decision.confirmedHow! } }
      : {}),
    withheldCount: decision.pending.length,
  };
  const message = changeCommitMessage(changeSet, {}, notes);
  // A layout change alone is said in the commit only: nothing changed for a firewall.
  const notification =
    changeSet.changes.length > 0
      ? (c: string | null): Notification => ({
          type: 'changes',
          source: source.id,
          location: doc.location,
          ...pageField(source),
          ...historyField(ctx, source),
          changeSet,
          commit: c,
          commitUrl: commitLink(ctx.commitUrl, c),
          ...(assessment.layout.length ? { layout: assessment.layout } : {}),
          ...(notes.confirmed ? { confirmed: notes.confirmed } : {}),
          ...(decision.pending.length ? { withheldCount: decision.pending.length } : {}),
          ...(serial ? { serial } : {}),
          // A layout change is judged by reading the page: its words come with the alert.
          ...(assessment.layout.length && documentText ? { documentText } : {}),
        })
      : null;
  return commitAndNotify(ctx, source, plan.committed, doc, message, notification);
}

/** After the commit: confirmed removals are history; what is left is the state after this run. */
async function settleWithheld(ctx: PipelineContext, source: SourceSpec, plan: RunPlan, stored: WithheldState | null) {
  const store = withheldStoreOf(ctx);
  const { state, confirmed } = plan.decision;
  if (state) {
    if (JSON.stringify(state) !== JSON.stringify(await store.read(source.id))) await store.write(state);
  } else if (stored || confirmed.length) {
    await store.clear(source.id);
  }
}

/**
 * The withheld alert's outbox entry, then the withheld state, then the commit and its alert,
 * then the withheld alert's delivery. Written in this order, a crash anywhere loses no alert
 * and repeats none (store/withheld.ts explains how).
 */
async function commitAndNotifyStep(
  ctx: PipelineContext,
  source: SourceSpec,
  doc: RawDocument,
  plan: RunPlan,
): Promise<SourceRunResult> {
  const withheldAlert = plan.decision.announce ? await queueWithheldAlert(ctx, source, doc, plan) : null;
  if (withheldAlert) faultPoint('withheld:alert-queued');
  const stored = await keepWithheldUntilCommitted(ctx, source, plan);
  faultPoint('withheld:state-written');
  const { commit, undelivered } = plan.commitNeeded
    ? await commitChanges(ctx, source, doc, plan)
    : { commit: null, undelivered: {} as Record<string, string> };
  await settleWithheld(ctx, source, plan, stored);
  faultPoint('withheld:settled');
  if (withheldAlert) {
    await publishBeforeDelivery(ctx);
    for (const [id, message] of Object.entries(await submitAlert(ctx, withheldAlert)))
      undelivered[id] = undelivered[id] ? `${undelivered[id]}; ${message}` : message;
  }
  const withheld = withheldReport(plan);
  return {
    source: source.id,
    status: commit ? 'changed' : withheld ? 'withheld' : 'unchanged',
    entryCount: plan.catalog.entries.length,
    changeSet: plan.changeSet,
    commit,
    ...(plan.assessment.layout.length ? { layout: plan.assessment.layout } : {}),
    ...(withheld ? { withheld } : {}),
    ...(plan.decision.confirmed.length ? { confirmed: plan.decision.confirmed.map(toItem) } : {}),
    ...undeliveredField(undelivered),
  };
}

function mergeUndelivered(result: SourceRunResult, more: Record<string, string>): SourceRunResult {
  const undelivered = { ...result.undelivered };
  for (const [id, message] of Object.entries(more))
    undelivered[id] = undelivered[id] ? `${undelivered[id]}; ${message}` : message;
  return { ...result, undelivered };
}

function undeliveredField(undelivered: Record<string, string>): { undelivered?: Record<string, string> } {
  return Object.keys(undelivered).length ? { undelivered } : {};
}

function dryRunResult(source: SourceSpec, plan: RunPlan): SourceRunResult {
  const withheld = withheldReport(plan);
  return {
    source: source.id,
    status: 'dry-run',
    entryCount: plan.catalog.entries.length,
    changeSet: plan.changeSet,
    ...(plan.assessment.layout.length ? { layout: plan.assessment.layout } : {}),
    ...(withheld ? { withheld } : {}),
    ...(plan.decision.confirmed.length ? { confirmed: plan.decision.confirmed.map(toItem) } : {}),
  };
}

function failedResult(source: SourceSpec, err: unknown): SourceRunResult {
  const code = err instanceof EndpointWatchError ? err.code : 'INTERNAL';
  return { source: source.id, status: 'failed', error: { code, message: errorMessage(err) } };
}

/**
 * The last snapshot, and so what was alerted, is the branch's head. On a detached HEAD (an old
 * snapshot checked out to look at) a run would diff against that old state and alert its
 * changes again, and once more after switching back; so it refuses, saying how to switch back.
 */
async function refuseDetachedHead(ctx: PipelineContext): Promise<void> {
  const detached = await ctx.store.repo.detachedHead();
  if (!detached) return;
  const root = ctx.store.repo.root;
  const back = detached.branch
    ? `git -C ${root} switch ${detached.branch}`
    : `git -C ${root} switch <the snapshot branch>`;
  throw new StoreError(
    `${root} is on a detached HEAD (${detached.commit.slice(0, 10)}): a run there would compare with that old snapshot and alert its changes again. Switch back to the branch first: ${back}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Orchestration

export async function runSource(
  ctx: PipelineContext,
  source: SourceSpec,
  options: RunOptions = {},
  prepared?: PreparedSource,
): Promise<SourceRunResult> {
  try {
    if (prepared?.kind === 'done') return prepared.result;
    if (prepared?.kind === 'failed') throw prepared.error;
    // After the unchanged fast path: that one compared with the branch's files, not HEAD's.
    await refuseDetachedHead(ctx);
    let previous = await ctx.store.latest(source.id);
    if (previous && !options.dryRun) previous = await rewriteOutdatedCatalog(ctx, source, previous);
    const withheld = await withheldStoreOf(ctx).read(source.id);
    if (options.accept && !withheld?.announced.length)
      ctx.log.write(`${source.id}: nothing withheld to accept; running it as usual\n`);
    const fetched = await fetchStep(ctx, source, previous, withheld, prepared, options);
    const { doc, serviceVersion } = fetched;
    if (!doc) {
      const entryCount = previous?.catalog.entries.length ?? 0;
      if (previous && !options.dryRun) await recordFetchState(ctx, source, entryCount, serviceVersion);
      return { source: source.id, status: 'unchanged', entryCount };
    }
    const catalog = fetched.catalog ?? (await parseFetched(source, doc, previous?.catalog.format, serviceVersion));
    if (!previous) {
      const result = await baselineStep(ctx, source, catalog, doc, options);
      if (result.status === 'baseline') await recordFetchState(ctx, source, catalog.entries.length, serviceVersion);
      return result;
    }
    const plan = await assessStep(ctx, source, previous, catalog, withheld, options);
    if (options.dryRun) return dryRunResult(source, plan);
    const result = await commitAndNotifyStep(ctx, source, doc, plan);
    if (result.status === 'changed' || result.status === 'unchanged')
      await recordFetchState(ctx, source, plan.committed.entries.length, serviceVersion);
    return result;
  } catch (err) {
    return failedResult(source, err);
  }
}

/**
 * After a run that left the snapshot as the page is: the small file the next run's
 * conditional GET reads (store/fetch-state.ts). Losing it only costs the next run the full path.
 */
async function recordFetchState(
  ctx: PipelineContext,
  source: SourceSpec,
  entryCount: number,
  serviceVersion: string | null,
): Promise<void> {
  await fetchStateOf(ctx)
    .record(source.id, sourceSettings(source), { entryCount, serviceVersion })
    .catch((err: unknown) => ctx.log.write(`${source.id}: could not record its fetch state: ${errorMessage(err)}\n`));
}

/**
 * Runs the given sources: up to `concurrency` of them fetched and parsed at once
 * (pipeline/fetch.ts), then each one's snapshot commit and alerts one after the other, in the
 * order given (they share one git repository, and output and history stay in config order).
 * Delivery runs beside them (pipeline/dispatch.ts): what earlier runs left is sent while the
 * sources are fetched, each notifier in its own lane, and each source's alerts join the lanes as
 * they are committed; the run ends when every lane is done (or out of budget) and due digests
 * are sent.
 */
export async function runSources(
  ctx: PipelineContext,
  sources: SourceSpec[],
  options: RunOptions = {},
): Promise<RunReport> {
  await beginRun(ctx, options);
  const dispatcher = new Dispatcher(ctx.outbox, ctx.notifiers, {
    ...(ctx.deliveryBudgetMs !== undefined ? { budgetMs: ctx.deliveryBudgetMs } : {}),
    ...(ctx.now ? { now: ctx.now } : {}),
  });
  // One fetch-state store for the run: its preload below is what every source's check reads.
  const run: PipelineContext = { ...ctx, dispatcher, fetchState: fetchStateOf(ctx) };
  if (!options.dryRun) await queueBacklog(run, dispatcher);
  // With a git remote, each push must record the deliveries before it: no overlap.
  if (ctx.sync) await dispatcher.idle();
  // One git for every source's state-file check (store/fetch-state.ts), not one each.
  await fetchStateOf(run)
    .preload(sources.map((s) => s.id))
    .catch(() => undefined);
  const prepared = boundedMap(sources, Math.max(1, ctx.concurrency ?? DEFAULT_CONCURRENCY), (source) =>
    prepareSource(run, source, options),
  );
  const results: SourceRunResult[] = [];
  for (const [index, source] of sources.entries()) {
    const ready = await prepared[index]!;
    const result = await runSourceSynced(run, source, options, (c, s, o) => runSource(c, s, o, ready));
    // A source failing run after run must reach a person (pipeline/source-failures.ts).
    const undelivered = await trackSourceFailure(run, source, result);
    results.push(Object.keys(undelivered).length ? mergeUndelivered(result, undelivered) : result);
  }
  await dispatcher.finish();
  const delivered = results.map((result) => {
    const failures = dispatcher.failuresOfSource(result.source);
    return Object.keys(failures).length ? mergeUndelivered(result, failures) : result;
  });
  const outboxFailures = dispatcher.failuresOfBacklog();
  // Last: the delivery results, failure alerts included, go to the remote with the state.
  await finishRun(ctx, options);
  const ok =
    delivered.every((r) => r.status !== 'failed' && !r.undelivered) && Object.keys(outboxFailures).length === 0;
  return { results: delivered, outboxFailures, ok };
}
