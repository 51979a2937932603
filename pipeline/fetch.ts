/**
 * The fetch step of a run, and the part of a source's run that may go on at the same time as
 * other sources' (pipeline/run.ts runs up to `concurrency` of these at once, then commits and
 * alerts one source at a time, in config order):
 *
 *   validators   from .fetch-state/<source>.json when it matches HEAD (store/fetch-state.ts),
 *                else from the committed meta.json: never from parsing the stored catalog
 *   version      for the Microsoft 365 endpoints web service, `/version` first: the same
 *                version as recorded means no `/endpoints` request (ingest/m365-version.ts)
 *   GET          conditional; a 304 or the same bytes as the last snapshot is "unchanged"
 *   parse        a new document, in the bounded parse worker, and the source's filter
 *
 * An unchanged source whose state file is valid ends here, as `unchanged`, having read two
 * small files and run one git process.
 */
import { faultPoint } from '../app/fault-points.js';
import type { Catalog } from '../catalog/model.js';
import { filterCatalog } from '../catalog/filter.js';
import { errorMessage } from '../errors/index.js';
import { serviceVersionCheck, readServiceVersion } from '../ingest/m365-version.js';
import { redactLocation } from '../ingest/location.js';
import { fetcherFor } from '../ingest/registry.js';
import type { RawDocument } from '../ingest/types.js';
import { parseDocumentBounded } from '../parsers/bounded-parse.js';
import { FetchStateStore, type DocumentValidators, type FetchState } from '../store/fetch-state.js';
import { sha256 } from '../store/snapshots.js';
import { withheldStoreOf } from './deliver.js';
import type { PipelineContext, RunOptions, SourceRunResult, SourceSpec } from './types.js';

/** Sources fetched and parsed at once when the context does not say (the config's default too). */
export const DEFAULT_CONCURRENCY = 4;

/** What the concurrent part of a source's run found. */
export type PreparedSource =
  /** Nothing to commit or alert: the run of this source is over. */
  | { kind: 'done'; result: SourceRunResult }
  | {
      kind: 'fetched';
      /** The snapshot's document hash this was judged against (null: no snapshot yet). */
      basis: string | null;
      /** The new document, or null when it is the one of the last snapshot. */
      doc: RawDocument | null;
      /** The new document's catalog (filtered), or why it could not be parsed. */
      parsed: { catalog: Catalog } | { error: unknown } | null;
      serviceVersion: string | null;
    }
  | { kind: 'failed'; error: unknown };

export function fetchStateOf(ctx: PipelineContext): FetchStateStore {
  ctx.fetchState ??= new FetchStateStore(ctx.store);
  return ctx.fetchState;
}

/** The settings the state file is valid for: another location, format or filter is another state. */
export function sourceSettings(source: SourceSpec): string {
  return JSON.stringify({ url: source.url, format: source.format ?? null, filter: source.filter ?? null });
}

/** The document, or null when it is the one the validators describe; and the service version asked. */
export async function fetchDocument(
  ctx: PipelineContext,
  source: SourceSpec,
  validators: DocumentValidators | null,
  options: { knownVersion: string | null; checkVersion: boolean },
): Promise<{ doc: RawDocument | null; serviceVersion: string | null }> {
  let serviceVersion: string | null = null;
  const check = options.checkVersion ? serviceVersionCheck(source.url, source.format ?? validators?.format) : null;
  if (check) {
    const display = redactLocation(check.url);
    try {
      // No retries: a /version that does not answer costs one request, then /endpoints is asked.
      const outcome = await fetcherFor(check.url).fetch(check.url, {
        timeoutMs: source.timeoutSeconds * 1000,
        retries: 0,
        ...(source.maxDocumentBytes !== undefined ? { maxBytes: source.maxDocumentBytes } : {}),
      });
      if (outcome.status !== 'fetched') throw new Error('the server answered 304 to an unconditional request');
      serviceVersion = readServiceVersion(outcome.document.body, check, display);
    } catch (err) {
      // Never silent and never stuck: said once for this run, and the endpoints are fetched.
      ctx.log.write(
        `${source.id}: the web service's version check failed (${errorMessage(err)}); fetching the endpoints instead\n`,
      );
    }
    if (serviceVersion !== null && validators && serviceVersion === options.knownVersion)
      return { doc: null, serviceVersion };
  }
  faultPoint('fetch:before');
  const outcome = await fetcherFor(source.url).fetch(source.url, {
    timeoutMs: source.timeoutSeconds * 1000,
    retries: source.retries,
    conditions: validators ? { etag: validators.etag, lastModified: validators.lastModified } : undefined,
    ...(source.maxDocumentBytes !== undefined ? { maxBytes: source.maxDocumentBytes } : {}),
  });
  faultPoint('fetch:after');
  if (outcome.status === 'not-modified') return { doc: null, serviceVersion };
  if (validators && validators.documentSha256 === sha256(outcome.document.body)) return { doc: null, serviceVersion };
  return { doc: outcome.document, serviceVersion };
}

/** The new document's catalog, filtered; the service version is its serial when the document names none. */
export async function parseFetched(
  source: SourceSpec,
  doc: RawDocument,
  previousFormat: string | undefined,
  serviceVersion: string | null,
): Promise<Catalog> {
  faultPoint('parse:before');
  const parsed = await parseDocumentBounded(source.id, doc, source.format, previousFormat, {
    ...(source.parseTimeoutSeconds !== undefined ? { timeoutSeconds: source.parseTimeoutSeconds } : {}),
    ...(source.parseMemoryMb !== undefined ? { memoryMb: source.parseMemoryMb } : {}),
    ...(source.maxNestingDepth !== undefined ? { maxNestingDepth: source.maxNestingDepth } : {}),
  });
  faultPoint('parse:after');
  const catalog = filterCatalog(parsed, source.filter);
  return serviceVersion !== null && !catalog.serial
    ? { ...catalog, serial: { name: 'version', value: serviceVersion } }
    : catalog;
}

/**
 * The part of a source's run that reads no stored catalog and writes nothing to git, so it may
 * run beside other sources': validators, version, GET, parse. Never throws.
 */
export async function prepareSource(
  ctx: PipelineContext,
  source: SourceSpec,
  options: RunOptions,
): Promise<PreparedSource> {
  try {
    const withheld = await withheldStoreOf(ctx).read(source.id);
    const store = fetchStateOf(ctx);
    // Withheld removals are judged by looking at the page again, and accepting reads them:
    // both take the full path, /endpoints included.
    const plain = !withheld && !options.accept;
    const state: FetchState | null = plain ? await store.readValid(source.id, sourceSettings(source)) : null;
    const validators: DocumentValidators | null = state ?? (await store.committedMeta(source.id));
    const { doc, serviceVersion } = await fetchDocument(ctx, source, validators, {
      knownVersion: state?.serviceVersion ?? null,
      checkVersion: plain,
    });
    if (!doc && state) {
      if (serviceVersion !== null && !options.dryRun) await store.updateServiceVersion(state, serviceVersion);
      return { kind: 'done', result: { source: source.id, status: 'unchanged', entryCount: state.entryCount } };
    }
    const basis = validators?.documentSha256 ?? null;
    if (!doc) return { kind: 'fetched', basis, doc: null, parsed: null, serviceVersion };
    const parsed = await parseFetched(source, doc, validators?.format, serviceVersion).then(
      (catalog) => ({ catalog }),
      (error: unknown) => ({ error }),
    );
    return { kind: 'fetched', basis, doc, parsed, serviceVersion };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/**
 * Runs `work` over `items` with at most `limit` at a time; the promises come back in the
 * items' order, each settling as soon as its own work does.
 */
export function boundedMap<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R>[] {
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async (): Promise<void> => {
    if (running < limit) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return items.map(async (item) => {
    await slot();
    try {
      return await work(item);
    } finally {
      release();
    }
  });
}
