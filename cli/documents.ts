/**
 * What `parse FILE|URL` does (cli/parse-command.ts defines it): one document's catalog, with
 * what the parser has to say about it (tokens it saw and did not catalogue, addresses read from
 * damaged pieces), so nothing is lost unseen. Also reads the documents `diff` is given.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Catalog, WarningCounts } from '../catalog/model.js';
import { parseStoredCatalog } from '../catalog/canonical.js';
import { EndpointWatchError, ParseError } from '../errors/index.js';
import { fetcherFor } from '../ingest/registry.js';
import type { RawDocument } from '../ingest/types.js';
import { parseDetailedBounded } from '../parsers/bounded-parse.js';
import { writeJson, writeLine, type CliIo } from './io.js';
import { printCatalogTo } from './print.js';

/** A file or URL given on the command line: a snapshot's catalog.json as it is, or the fetched document and a name for it. */
export type DocumentArgument = { catalog: Catalog } | { name: string; document: RawDocument };

export async function readDocumentArgument(io: CliIo, location: string): Promise<DocumentArgument> {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
  const target = isUrl ? location : resolve(io.cwd, location);
  if (!isUrl && /\.json$/i.test(target)) {
    const text = await readFile(target, 'utf8').catch(() => null);
    if (text) {
      try {
        // Both the current catalog.json form and older ones (pretty JSON with line numbers).
        return { catalog: parseStoredCatalog(text) };
      } catch {
        // Not a catalog: fall through and parse it as a document (a JSON feed).
      }
    }
  }
  const outcome = await fetcherFor(target).fetch(target, { timeoutMs: 30_000, retries: 1 });
  if (outcome.status !== 'fetched')
    throw new EndpointWatchError('FETCH', `${location}: server answered 304 to an unconditional request`);
  const name =
    location
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.[a-z]+$/i, '') || 'document';
  return { name, document: outcome.document };
}

interface ParsedArgument {
  catalog: Catalog;
  warnings: string[];
  warningCounts: WarningCounts;
}

async function parseArgument(io: CliIo, location: string, format?: string): Promise<ParsedArgument> {
  const argument = await readDocumentArgument(io, location);
  if ('catalog' in argument)
    return { catalog: argument.catalog, warnings: [], warningCounts: { uncatalogued: 0, recovered: 0, other: 0 } };
  const { document } = argument;
  // In a worker with the default deadline and heap limit: a hostile page fails clearly, fast.
  const parsed = await parseDetailedBounded(argument.name, document, format);
  if (parsed.entryCount === 0)
    throw new ParseError(
      `${document.location}: no endpoint found in the document (format ${parsed.parser}); an error page or an empty page?`,
    );
  return {
    catalog: parsed.catalog,
    warnings: parsed.warnings,
    // A parser that does not sort its warnings: all of them count as "other".
    warningCounts: parsed.warningCounts ?? { uncatalogued: 0, recovered: 0, other: parsed.warnings.length },
  };
}

export async function parseCommand(io: CliIo, document: string, opts: { json?: boolean; format?: string }) {
  const { catalog, warnings, warningCounts } = await parseArgument(io, document, opts.format);
  if (opts.json) {
    writeJson(io.stdout, {
      source: catalog.source,
      format: catalog.format,
      entries: catalog.entries,
      shape: catalog.shape,
      warnings,
      warningCounts,
    });
    return;
  }
  printCatalogTo(io, catalog);
  if (warnings.length === 0) return;
  const { uncatalogued, recovered, other } = warningCounts;
  writeLine(
    io.stderr,
    `\n${warnings.length} warning${warnings.length === 1 ? '' : 's'} (${uncatalogued} not catalogued, ${recovered} read from damaged text, ${other} other):`,
  );
  for (const warning of warnings) writeLine(io.stderr, `  ${warning}`);
}
