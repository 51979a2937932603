/** What `diff` does once commander has read its options (imported by cli/main.ts only when it runs). */
import type { ChangeSet } from '../catalog/changes.js';
import { diffCatalogs } from '../catalog/diff.js';
import { changedValues, documentContext, type DocumentContext } from '../catalog/document-context.js';
import type { Catalog } from '../catalog/model.js';
import { EndpointWatchError, UsageError } from '../errors/index.js';
import { decodeDocument } from '../parsers/decode.js';
import { parseDocument } from '../parsers/parse-document.js';
import { EXIT_FAILURE } from './exit-codes.js';
import { writeJson, writeLine, type CliIo } from './io.js';
import { readDocumentArgument } from './documents.js';
import { printChangeSet } from './print.js';

/** A document or catalog.json given on the command line, with the document's text (null for a catalog). */
async function loadDocumentArgument(
  io: CliIo,
  location: string,
  format?: string,
): Promise<{ catalog: Catalog; text: string | null }> {
  const argument = await readDocumentArgument(io, location);
  if ('catalog' in argument) return { catalog: argument.catalog, text: null };
  return {
    catalog: parseDocument(argument.name, argument.document, format),
    text: decodeDocument(argument.document.body),
  };
}

export interface DiffCommandOptions {
  json?: boolean;
  exitCode?: boolean;
  text?: boolean;
  source?: string;
  from?: string;
  to?: string;
  config?: string;
}

export async function diffCommand(
  io: CliIo,
  oldArg: string | undefined,
  newArg: string | undefined,
  opts: DiffCommandOptions,
  setExit: (code: number) => void,
): Promise<void> {
  let changeSet: ChangeSet;
  let context: DocumentContext | null = null;
  if (opts.source) {
    if (opts.text)
      throw new UsageError('--text compares two documents; for stored states use `history --patch --source ID`');
    if (oldArg || newArg) throw new UsageError('give either two documents or --source with --from/--to, not both');
    const { storedDiff } = await import('./history.js');
    changeSet = await storedDiff(io, opts);
  } else {
    if (!oldArg || !newArg)
      throw new UsageError('diff needs OLD and NEW (files, URLs or catalog.json), or --source ID --from DATE|COMMIT');
    // A document that cannot be read is trouble (2, as with diff(1)), never "changes" (1).
    const load = (location: string) =>
      loadDocumentArgument(io, location).catch((err: unknown) => {
        throw err instanceof EndpointWatchError ? new UsageError(err.message) : err;
      });
    const [before, after] = await Promise.all([load(oldArg), load(newArg)]);
    changeSet = diffCatalogs(before.catalog, { ...after.catalog, source: before.catalog.source });
    if (opts.text) {
      if (before.text === null || after.text === null)
        throw new UsageError('--text needs two documents, not catalog.json files: a catalog keeps no text');
      context = documentContext(before.text, after.text, changedValues(changeSet.changes));
    }
  }
  if (opts.json) writeJson(io.stdout, context ? { ...changeSet, text: context.text } : changeSet);
  else {
    printChangeSet(io, changeSet);
    if (context?.text) writeLine(io.stdout, `\n${context.text}`);
  }
  if (opts.exitCode && changeSet.changes.length) setExit(EXIT_FAILURE);
}
