/**
 * Parsing with bounds: each document is parsed in a worker thread (parsers/parse-worker.ts) with
 * a deadline and a heap limit, so a pathological page (a 200 KB line of `*a*a…`, half a MB of
 * `[::1]`, a 5 MB line of `<br>`; deep nesting is refused before, by parsers/nesting.ts) fails
 * its source alone, with a clear ParseError, in bounded time and memory, instead of taking
 * minutes or gigabytes of the one process that runs every source. The worker is terminated at
 * the deadline, which stops even a regular expression that backtracks forever.
 *
 * Starting a worker costs loading the parsers (seconds under tsx), so one warm worker is kept
 * and reused for the next document; a worker stopped at its deadline or limit is discarded. Works from the TypeScript sources (under tsx, whose loader
 * the worker inherits through execArgv) and from the compiled dist/.
 */
import { Worker } from 'node:worker_threads';
import type { Catalog } from '../catalog/model.js';
import { EmptyDocumentError, ParseError } from '../errors/index.js';
import type { RawDocument } from '../ingest/types.js';
import type { WarningCounts } from '../catalog/model.js';
import type { DocumentLimits } from './parse-document.js';

export const DEFAULT_PARSE_TIMEOUT_SECONDS = 30;
export const DEFAULT_PARSE_MEMORY_MB = 1024;

export interface ParseBounds {
  /** Deadline for the whole parse, worker start included (default 30 s). */
  timeoutSeconds?: number;
  /** The worker's old-generation heap limit (default 1024 MB). */
  memoryMb?: number;
  /** Deepest nesting accepted (parsers/nesting.ts; default 100). */
  maxNestingDepth?: number;
}

/** What a worker is asked: a catalog as `run` needs it, or a catalog with warnings as `parse` prints it. */
export type ParseJob =
  | {
      kind: 'catalog';
      source: string;
      doc: RawDocument;
      format: string | null;
      allowEmptyAs: string | null;
      limits: DocumentLimits;
    }
  | { kind: 'detailed'; source: string; doc: RawDocument; format: string | null; limits: DocumentLimits };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  format?: string;
}

export type ParseReply =
  | { ok: true; catalog: Catalog }
  | {
      ok: true;
      parser: string;
      entryCount: number;
      catalog: Catalog;
      warnings: string[];
      warningCounts: WarningCounts | null;
    }
  | { ok: false; error: SerializedError };

export interface DetailedParse {
  parser: string;
  entryCount: number;
  catalog: Catalog;
  warnings: string[];
  warningCounts: WarningCounts | null;
}

/**
 * The worker to start: the compiled parse-worker.js beside this file, or, when running from the
 * TypeScript sources, a small bootstrap that registers tsx in the thread (a worker does not get
 * the loader hooks of its parent) and then loads parse-worker.ts.
 */
function startWorker(options: ConstructorParameters<typeof Worker>[1]): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function seconds(value: number): string {
  return `${Number(value.toFixed(3))} s`;
}

/** The worker's error as the error class the pipeline knows, a crash as a clear ParseError. */
function rebuild(location: string, error: SerializedError): Error {
  if (error.name === 'EmptyDocumentError' && error.format) return new EmptyDocumentError(error.format, error.message);
  if (error.code === 'PARSE' || error.name === 'ParseError') return new ParseError(error.message);
  if (error.name === 'RangeError' && /call stack/i.test(error.message))
    return new ParseError(
      `${location}: the document is nested too deeply to parse (${error.message}); a broken or hostile page? The snapshot was left unchanged`,
    );
  return new ParseError(
    `${location}: the parser failed: ${error.name}: ${error.message}; the snapshot was left unchanged`,
  );
}

/**
 * One idle worker per heap limit, kept between parses: a warm worker parses the next document
 * at once. A worker that missed its deadline, ran out of memory or crashed is never reused;
 * an idle one does not keep the process alive (unref).
 */
const idle = new Map<number, Worker>();

function workerFor(job: ParseJob, memoryMb: number): Worker {
  const warm = idle.get(memoryMb);
  if (warm) {
    idle.delete(memoryMb);
    warm.ref();
    warm.postMessage(job);
    return warm;
  }
  return startWorker({
    workerData: job,
    // A young generation of 16 MB, not 64: the space it fills is RSS the process holds while
    // the main thread does its own work; a 100k-entry feed's baseline run peaked ~80 MiB lower.
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(16, memoryMb / 4) },
    stdout: false,
    stderr: false,
  });
}

/** Above these a parse leaves enough garbage in the worker's heap to end the worker instead. */
const WARM_MAX_ENTRIES = 20_000;
const WARM_MAX_DOCUMENT_BYTES = 8 << 20;

/**
 * Whether the worker that gave `reply` is kept for the next document. An idle worker never
 * collects its garbage, so after a feed of 100k entries its heap (the parse's garbage, the
 * catalog it sent) stayed in the process's RSS through the diff and the commit: ending it
 * took a 100k-entry run's peak RSS from about 460 to 335 MiB. Starting the next worker costs
 * little next to such a parse.
 */
function keepsWarm(job: ParseJob, reply: ParseReply): boolean {
  if (job.doc.body.byteLength > WARM_MAX_DOCUMENT_BYTES) return false;
  return !reply.ok || reply.catalog.entries.length <= WARM_MAX_ENTRIES;
}

function runJob(job: ParseJob, bounds: ParseBounds): Promise<ParseReply & { ok: true }> {
  const timeoutSeconds = bounds.timeoutSeconds ?? DEFAULT_PARSE_TIMEOUT_SECONDS;
  const memoryMb = bounds.memoryMb ?? DEFAULT_PARSE_MEMORY_MB;
  const location = job.doc.location;
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = workerFor(job, memoryMb);
    const finish = (outcome: () => void, reusable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      outcome();
      if (reusable && !idle.has(memoryMb)) {
        worker.unref();
        idle.set(memoryMb, worker);
      } else void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new ParseError(
              `${location}: parsing took longer than ${seconds(timeoutSeconds)} (parseTimeoutSeconds) and was stopped; a pathological or hostile page? The snapshot was left unchanged`,
            ),
          ),
        ),
      timeoutSeconds * 1000,
    );
    // A parser error is an answer like any other: the worker is sound and stays warm, unless
    // the document was large (see keepsWarm).
    const onMessage = (reply: ParseReply) =>
      finish(() => (reply.ok ? resolve(reply) : reject(rebuild(location, reply.error))), keepsWarm(job, reply));
    const onError = (err: Error & { code?: string }) =>
      finish(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ParseError(
                `${location}: parsing needed more than ${memoryMb} MB (parseMemoryMb) and was stopped; a pathological or hostile page? The snapshot was left unchanged`,
              )
            : rebuild(location, { name: err.name, message: err.message }),
        ),
      );
    const onExit = (code: number) =>
      finish(() => reject(new ParseError(`${location}: the parse worker exited (code ${code}) without an answer`)));
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

function limitsOf(bounds: ParseBounds): DocumentLimits {
  return bounds.maxNestingDepth !== undefined ? { maxNestingDepth: bounds.maxNestingDepth } : {};
}

/** parseDocument (parsers/parse-document.ts) in a worker, within `bounds`. */
export async function parseDocumentBounded(
  source: string,
  doc: RawDocument,
  format: string | null | undefined,
  allowEmptyAs: string | undefined,
  bounds: ParseBounds = {},
): Promise<Catalog> {
  const reply = await runJob(
    {
      kind: 'catalog',
      source,
      doc,
      format: format ?? null,
      allowEmptyAs: allowEmptyAs ?? null,
      limits: limitsOf(bounds),
    },
    bounds,
  );
  return reply.catalog;
}

/** The parser's result with its warnings, as `endpoint-watch parse` prints it, in a worker. */
export async function parseDetailedBounded(
  source: string,
  doc: RawDocument,
  format: string | null | undefined,
  bounds: ParseBounds = {},
): Promise<DetailedParse> {
  const reply = await runJob(
    { kind: 'detailed', source, doc, format: format ?? null, limits: limitsOf(bounds) },
    bounds,
  );
  if (!('parser' in reply)) throw new ParseError(`${doc.location}: the parse worker gave an unexpected answer`);
  return reply;
}
