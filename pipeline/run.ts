/**
 * One run of the pipeline for a set of sources:
 *   fetch -> decode -> parse -> catalog -> health -> diff -> outbox -> commit -> notify.
 *
 * Guarantees (each has an end-to-end test):
 *  - a failed fetch or parse never touches the snapshot and never alerts "removed";
 *  - unchanged input makes no commit and no alert;
 *  - an alert is delivered once per notifier, even across notifier outages and crashes (outbox);
 *  - one failing source does not stop the others.
 */
import type { Writable } from 'node:stream';
import { rm, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Catalog, ParseResult } from '../catalog/model.js';
import type { ChangeSet } from '../catalog/changes.js';
import { buildCatalog, serializeCatalog } from '../catalog/canonical.js';
import { diffCatalogs } from '../catalog/diff.js';
import { decodeDocument } from '../parsers/decode.js';
import { selectParser } from '../parsers/registry.js';
import { fetcherFor } from '../ingest/registry.js';
import type { RawDocument } from '../ingest/types.js';
import type { Notification, Notifier } from '../notify/types.js';
import { EmptyDocumentError, EndpointWatchError, HealthError, ParseError, errorMessage } from '../errors/index.js';
import { type SnapshotStore, sha256 } from '../store/snapshots.js';
import type { Outbox, OutboxEntry } from '../store/outbox.js';
import { assessHealth } from './health.js';
import { baselineCommitMessage, changeCommitMessage } from './commit-message.js';

/** What the pipeline needs to know about a source (a validated config entry). */
export interface SourceSpec {
  id: string;
  /** URL or absolute path. */
  url: string;
  format?: string | null;
  timeoutSeconds: number;
  retries: number;
}

export interface PipelineContext {
  store: SnapshotStore;
  outbox: Outbox;
  notifiers: Notifier[];
  /** Template with {commit}, for links in alerts. */
  commitUrl?: string | null;
  /** Progress and error lines for people (stderr in the CLI). */
  log: Writable;
}

export type SourceStatus = 'baseline' | 'changed' | 'unchanged' | 'held' | 'failed' | 'dry-run';

export interface SourceRunResult {
  source: string;
  status: SourceStatus;
  entryCount?: number;
  changeSet?: ChangeSet;
  commit?: string | null;
  /** Parser-health problems when held. */
  problems?: string[];
  error?: { code: string; message: string };
  /** Notifiers that failed to deliver; the alert stays in the outbox for the next run. */
  undelivered?: Record<string, string>;
}

export interface RunOptions {
  dryRun?: boolean;
  /** Take the version held by a parser-health problem; with nothing held, the run is an ordinary one. */
  accept?: boolean;
}

function commitLink(template: string | null | undefined, commit: string | null): string | null {
  if (!template || !commit) return null;
  return template.replaceAll('{commit}', commit);
}

/** Where a held (suspicious) version waits for `run --accept`. Not committed: it is not history yet. */
function heldDir(store: SnapshotStore, source: string): string {
  return join(store.dir, '.held', source);
}

interface HeldVersion {
  documentSha256: string;
  problems: string[];
  location: string;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
}

async function readHeld(store: SnapshotStore, source: string): Promise<{ info: HeldVersion; body: Buffer } | null> {
  try {
    const dir = heldDir(store, source);
    const info = JSON.parse(await readFile(join(dir, 'held.json'), 'utf8')) as HeldVersion;
    const body = await readFile(join(dir, 'document'));
    return { info, body };
  } catch {
    return null;
  }
}

async function writeHeld(store: SnapshotStore, source: string, doc: RawDocument, problems: string[]): Promise<void> {
  const dir = heldDir(store, source);
  await mkdir(dir, { recursive: true });
  await writeFile(join(store.dir, '.held', '.gitignore'), '*\n');
  await writeFile(join(dir, 'document'), doc.body);
  const info: HeldVersion = {
    documentSha256: sha256(doc.body),
    problems,
    location: doc.location,
    contentType: doc.contentType,
    etag: doc.etag,
    lastModified: doc.lastModified,
  };
  await writeFile(join(dir, 'held.json'), `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Parses a fetched document into a catalog; a document with no endpoint at all is an error,
 * unless `allowEmptyAs` names the format the source had so far: a page of that same format that
 * lost every table (the Microsoft 365 page was once published with only its header comments)
 * is a parser-health problem to hold and report, not a fetch failure to stay silent about.
 */
export function parseDocument(
  source: string,
  doc: RawDocument,
  format?: string | null,
  allowEmptyAs?: string,
): Catalog {
  const text = decodeDocument(doc.body);
  const parser = selectParser({ location: doc.location, text, contentType: doc.contentType }, format);
  let result: ParseResult;
  try {
    result = parser.parse({ location: doc.location, text, contentType: doc.contentType });
  } catch (err) {
    // Parsers that refuse an empty document of their own format: the same broken generation.
    if (!(err instanceof EmptyDocumentError) || err.format !== allowEmptyAs) throw err;
    result = {
      entries: [],
      shape: { format: err.format, tables: 0, rows: 0, columns: [], entriesPerSection: {} },
      warnings: [err.message],
    };
  }
  if (result.entries.length === 0 && allowEmptyAs !== parser.id) {
    throw new ParseError(
      `${doc.location}: no endpoint found in the document (format ${parser.id}); an error page or an empty page? The snapshot was left unchanged`,
    );
  }
  return buildCatalog(source, result);
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
 * prepared for a commit that never happened are dropped: their change will be found again.
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
    const failed = await deliver(ctx.outbox, entry, ctx.notifiers);
    for (const [id, message] of Object.entries(failed)) failures[`${entry.source}/${id}`] = message;
  }
  return failures;
}

/** Records the notification, commits the snapshot, then delivers: see store/outbox.ts for why in this order. */
async function commitAndNotify(
  ctx: PipelineContext,
  source: SourceSpec,
  catalog: Catalog,
  doc: RawDocument,
  message: string,
  notification: (commit: string | null) => Notification,
): Promise<{ commit: string | null; undelivered: Record<string, string> }> {
  const entry = await ctx.outbox.create({
    source: source.id,
    state: 'prepared',
    catalogSha256: sha256(serializeCatalog(catalog)),
    notification: notification(null),
    pending: ctx.notifiers.map((n) => n.id),
  });
  let commit: string | null;
  try {
    commit = await ctx.store.commit(
      source.id,
      {
        catalog,
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
    );
  } catch (err) {
    await ctx.outbox.remove(entry.id);
    throw err;
  }
  entry.state = 'ready';
  entry.notification = notification(commit);
  await ctx.outbox.save(entry);
  const undelivered = await deliver(ctx.outbox, entry, ctx.notifiers);
  return { commit, undelivered };
}

export async function runSource(
  ctx: PipelineContext,
  source: SourceSpec,
  options: RunOptions = {},
): Promise<SourceRunResult> {
  const result = await runSourceOnce(ctx, source, options);
  // A held version is stale once the source ran cleanly again: --accept must never take it later.
  if (!options.dryRun && ['baseline', 'changed', 'unchanged'].includes(result.status)) {
    await rm(heldDir(ctx.store, source.id), { recursive: true, force: true });
  }
  return result;
}

async function runSourceOnce(ctx: PipelineContext, source: SourceSpec, options: RunOptions): Promise<SourceRunResult> {
  try {
    const previous = await ctx.store.latest(source.id);
    const held = options.accept ? await readHeld(ctx.store, source.id) : null;
    // Accepting means taking what a person looked at; a version nobody has seen is checked as usual.
    if (options.accept && !held)
      ctx.log.write(`${source.id}: no held version to accept; running it as usual, parser health checked\n`);

    let doc: RawDocument;
    if (held) {
      doc = {
        location: held.info.location,
        body: held.body,
        contentType: held.info.contentType,
        etag: held.info.etag,
        lastModified: held.info.lastModified,
      };
    } else {
      const fetcher = fetcherFor(source.url);
      const conditions = previous?.meta
        ? { etag: previous.meta.etag, lastModified: previous.meta.lastModified }
        : undefined;
      const outcome = await fetcher.fetch(source.url, {
        timeoutMs: source.timeoutSeconds * 1000,
        retries: source.retries,
        conditions,
      });
      if (outcome.status === 'not-modified') {
        return { source: source.id, status: 'unchanged', entryCount: previous?.catalog.entries.length ?? 0 };
      }
      doc = outcome.document;
      // The same bytes as the last snapshot: nothing to parse, nothing to say.
      if (previous?.meta && previous.meta.documentSha256 === sha256(doc.body)) {
        return { source: source.id, status: 'unchanged', entryCount: previous.catalog.entries.length };
      }
    }

    const catalog = parseDocument(source.id, doc, source.format, previous?.catalog.format);

    if (!previous) {
      if (options.dryRun) {
        return {
          source: source.id,
          status: 'dry-run',
          entryCount: catalog.entries.length,
          changeSet: diffCatalogs(null, catalog),
        };
      }
      const message = baselineCommitMessage(source.id, catalog.entries.length);
      const { commit, undelivered } = await commitAndNotify(ctx, source, catalog, doc, message, (c) => ({
        type: 'baseline',
        source: source.id,
        location: doc.location,
        entryCount: catalog.entries.length,
        commit: c,
        commitUrl: commitLink(ctx.commitUrl, c),
      }));
      return {
        source: source.id,
        status: 'baseline',
        entryCount: catalog.entries.length,
        commit,
        ...(Object.keys(undelivered).length ? { undelivered } : {}),
      };
    }

    const changeSet = diffCatalogs(previous.catalog, catalog);

    if (!held) {
      const problems = assessHealth(previous.catalog, catalog);
      if (problems.length) {
        if (options.dryRun) {
          return { source: source.id, status: 'held', problems, entryCount: catalog.entries.length, changeSet };
        }
        const already = await readHeld(ctx.store, source.id);
        await writeHeld(ctx.store, source.id, doc, problems);
        // One alert per held version, not one per run while it stays broken.
        let undelivered: Record<string, string> = {};
        if (!already || already.info.documentSha256 !== sha256(doc.body)) {
          const entry = await ctx.outbox.create({
            source: source.id,
            state: 'ready',
            catalogSha256: null,
            notification: { type: 'health', source: source.id, location: doc.location, problems },
            pending: ctx.notifiers.map((n) => n.id),
          });
          undelivered = await deliver(ctx.outbox, entry, ctx.notifiers);
        }
        const held = new HealthError(
          `${source.id}: the new version looks broken and was held, nothing committed: ${problems.join('; ')}. Look at it, then run \`endpoint-watch run --accept --source ${source.id}\``,
          problems,
        );
        return {
          source: source.id,
          status: 'held',
          error: { code: held.code, message: held.message },
          problems,
          ...(Object.keys(undelivered).length ? { undelivered } : {}),
        };
      }
    }

    if (changeSet.changes.length === 0) {
      return { source: source.id, status: 'unchanged', entryCount: catalog.entries.length, changeSet };
    }
    if (options.dryRun) {
      return { source: source.id, status: 'dry-run', entryCount: catalog.entries.length, changeSet };
    }
    const message = changeCommitMessage(changeSet);
    const { commit, undelivered } = await commitAndNotify(ctx, source, catalog, doc, message, (c) => ({
      type: 'changes',
      source: source.id,
      location: doc.location,
      changeSet,
      commit: c,
      commitUrl: commitLink(ctx.commitUrl, c),
    }));
    return {
      source: source.id,
      status: 'changed',
      entryCount: catalog.entries.length,
      changeSet,
      commit,
      ...(Object.keys(undelivered).length ? { undelivered } : {}),
    };
  } catch (err) {
    const code = err instanceof EndpointWatchError ? err.code : 'INTERNAL';
    return {
      source: source.id,
      status: err instanceof HealthError ? 'held' : 'failed',
      error: { code, message: errorMessage(err) },
      ...(err instanceof HealthError ? { problems: err.problems } : {}),
    };
  }
}

export interface RunReport {
  results: SourceRunResult[];
  /** Alerts from earlier runs that still could not be delivered. */
  outboxFailures: Record<string, string>;
  ok: boolean;
}

/** Runs the given sources one after the other (they share one git repository). */
export async function runSources(
  ctx: PipelineContext,
  sources: SourceSpec[],
  options: RunOptions = {},
): Promise<RunReport> {
  const outboxFailures = options.dryRun ? {} : await flushOutbox(ctx);
  const results: SourceRunResult[] = [];
  for (const source of sources) results.push(await runSource(ctx, source, options));
  const ok =
    results.every((r) => r.status !== 'failed' && r.status !== 'held' && !r.undelivered) &&
    Object.keys(outboxFailures).length === 0;
  return { results, outboxFailures, ok };
}
