/**
 * A fetched document to a catalog: decode, pick the parser (by `format:` or detection), parse,
 * build the canonical catalog. Used by `run`, `backfill`, `parse` and `diff`.
 */
import type { Catalog, ParseResult } from '../catalog/model.js';
import { buildCatalog } from '../catalog/canonical.js';
import type { RawDocument } from '../ingest/types.js';
import { EmptyDocumentError, ParseError } from '../errors/index.js';
import { compressionOf, decodeDocument } from './decode.js';
import { DEFAULT_MAX_NESTING_DEPTH, assertNestingWithin } from './nesting.js';
import { selectParser } from './registry.js';
import type { DocumentParser, TextDocument } from './types.js';

/** Limits a document is read within (the time and heap limits are parsers/bounded-parse.ts's). */
export interface DocumentLimits {
  /** Deepest nesting accepted before parsing (default DEFAULT_MAX_NESTING_DEPTH). */
  maxNestingDepth?: number;
}

/**
 * Bytes to the parser's input: a compressed body (gzip served without `Content-Encoding`, a
 * .gz file) is said to be one instead of "no parser recognises this document".
 */
export function documentText(doc: RawDocument): TextDocument {
  const compression = compressionOf(doc.body);
  if (compression)
    throw new ParseError(
      `${doc.location}: the document is ${compression}-compressed${
        compression === 'gzip' ? ' (served without Content-Encoding: gzip?)' : ''
      }: no parser reads compressed bytes; point the source at the uncompressed document. The snapshot was left unchanged`,
    );
  return { location: doc.location, text: decodeDocument(doc.body), contentType: doc.contentType };
}

/** `parser.parse`, once the text is known to nest no deeper than the limit. */
export function parseWithin(parser: DocumentParser, doc: TextDocument, limits: DocumentLimits = {}): ParseResult {
  assertNestingWithin(doc.location, doc.text, parser.syntax, limits.maxNestingDepth ?? DEFAULT_MAX_NESTING_DEPTH);
  return parser.parse(doc);
}

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
  limits: DocumentLimits = {},
): Catalog {
  const text = documentText(doc);
  const parser = selectParser(text, format);
  let result: ParseResult;
  try {
    result = parseWithin(parser, text, limits);
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
