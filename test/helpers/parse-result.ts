/** Views of parse results shared by the parser tests. */
import assert from 'node:assert/strict';
import type { Catalog, CatalogEntry, ParseResult } from '../../catalog/model.js';
import { ParseError } from '../../errors/index.js';

/** The entries of endpoint set `id` (Microsoft 365 parsers: group key `set <id>`). */
export function ofSet(result: ParseResult, id: number): CatalogEntry[] {
  return result.entries.filter((e) => e.groupKey === `set ${id}`);
}

/** A catalog's entries without where they were read (which differs between formats). */
export function withoutProvenance(catalog: Catalog): Omit<CatalogEntry, 'provenance'>[] {
  return catalog.entries.map(({ provenance: _provenance, ...rest }) => rest);
}

/** `run` must throw a ParseError whose message matches `message`. */
export function assertParseError(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ParseError, `expected a ParseError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}
