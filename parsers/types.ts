import type { ParseResult } from '../catalog/model.js';
import type { DocumentSyntax } from './nesting.js';

/** A document as parsers see it: decoded text (BOM removed, CRLF kept as found) and its origin. */
export interface TextDocument {
  /** Where it came from, for messages. */
  location: string;
  text: string;
  contentType: string | null;
}

/**
 * One document format. `detect` scores how sure the parser is that it reads this document
 * (0 = not mine, 1 = certain); the registry picks the highest score unless the config names a
 * format. `parse` is pure: text in, entries out, never I/O.
 */
export interface DocumentParser {
  readonly id: string;
  readonly description: string;
  /** What the text is written in, for the nesting limit checked before `parse` (parsers/nesting.ts). */
  readonly syntax: DocumentSyntax;
  detect(doc: TextDocument): number;
  parse(doc: TextDocument): ParseResult;
}
