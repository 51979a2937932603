/**
 * The worker-thread side of a bounded parse (parsers/bounded-parse.ts starts it): parses each
 * document it is given and posts the result, or the error in a form that survives the thread
 * boundary. Parsing stays pure; this file is its I/O edge.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildCatalog } from '../catalog/canonical.js';
import { documentText, parseDocument, parseWithin } from './parse-document.js';
import { selectParser } from './registry.js';
import type { ParseJob, ParseReply, SerializedError } from './bounded-parse.js';

function serialize(err: unknown): SerializedError {
  const e = err as { name?: unknown; message?: unknown; code?: unknown; format?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.format === 'string' ? { format: e.format } : {}),
  };
}

function run(job: ParseJob): ParseReply {
  const doc = { ...job.doc, body: Buffer.from(job.doc.body) };
  if (job.kind === 'catalog')
    return { ok: true, catalog: parseDocument(job.source, doc, job.format, job.allowEmptyAs ?? undefined, job.limits) };
  const text = documentText(doc);
  const parser = selectParser(text, job.format);
  const result = parseWithin(parser, text, job.limits);
  return {
    ok: true,
    parser: parser.id,
    entryCount: result.entries.length,
    catalog: buildCatalog(job.source, result),
    warnings: result.warnings,
    warningCounts: result.warningCounts ?? null,
  };
}

function answer(job: ParseJob): void {
  let reply: ParseReply;
  try {
    reply = run(job);
  } catch (err) {
    reply = { ok: false, error: serialize(err) };
  }
  parentPort!.postMessage(reply);
}

// The first job comes with the worker; later ones by message, so one warm worker serves a run's
// documents one after another (loading the parsers, under tsx compiling them, takes longer
// than most parses).
if (workerData) answer(workerData as ParseJob);
parentPort!.on('message', (job: ParseJob) => answer(job));
