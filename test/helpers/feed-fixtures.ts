/** Shared by the feed parsers' tests: fixture documents and line numbers found independently of the parsers. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ParseResult } from '../../catalog/model.js';
import type { TextDocument } from '../../parsers/types.js';

/** A fixture of the test's folder as a document. */
export function fixtureDoc(
  base: string | URL,
  name: string,
  contentType: string | null = 'application/json',
): TextDocument {
  const text = readFileSync(new URL(`./__fixtures__/${name}`, base), 'utf8');
  return { location: name, text, contentType };
}

/** An inline document. */
export function textDoc(
  text: string,
  contentType: string | null = 'application/json',
  location = 'feed',
): TextDocument {
  return { location, text, contentType };
}

/**
 * A function giving the 1-based line of the next line holding `needle` (quoted, as JSON writes
 * strings) each time it is asked for the same needle: the expected lines of values listed
 * more than once, in document order.
 */
export function lineFinder(text: string): (needle: string) => number {
  const lines = text.split('\n');
  const seen = new Map<string, number>();
  return (needle: string) => {
    const from = seen.get(needle) ?? 0;
    const index = lines.findIndex((line, i) => i >= from && line.includes(needle));
    assert.ok(index >= 0, `no line with ${needle} after line ${from}`);
    seen.set(needle, index + 1);
    return index + 1;
  };
}

/** Entries as [kind, value, section, region, group, role] rows, the parts a person reads in an alert. */
export function places(result: ParseResult): Array<[string, string, string, string | null, string | null, string]> {
  return result.entries.map((e) => [e.kind, e.value, e.section, e.region, e.group, e.role]);
}
