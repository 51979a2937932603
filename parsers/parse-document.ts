/**
 * A fetched document to a catalog: decode, pick the parser (by `format:` or detection), parse,
 * build the canonical catalog. Used by `run`, `backfill`, `parse` and `diff`.
 */
import type { Catalog, ParseResult } from '../catalog/model.js';
import { buildCatalog } from '../catalog/canonical.js';
import type { RawDocument } from '../ingest/types.js';
import { EmptyDocumentError, ParseError } from '../errors/index.js';
import { decodeDocument } from './decode.js';
import { selectParser } from './registry.js';

/**
 * Parses a fetched document into a catalog; a document with no endpoint at all is an error,
 * unless `allowEmptyAs` names the format the source had so far: a page of that same format that
 * lost every table (the Microsoft 365 page was once published with only its header comments)
 * is a parser-health problem to withhold and report, not a fetch failure to stay silent about.
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
