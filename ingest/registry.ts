/**
 * Every way the tool gets a document, by id. Adding one (say `git`) is one module plus one line
 * here; `handles` must not overlap between fetchers, which ingest/registry.test.ts checks.
 */
import { UsageError } from '../errors/index.js';
import { fileFetcher } from './file.js';
import { httpFetcher } from './http.js';
import { redactLocation } from './location.js';
import type { Fetcher } from './types.js';

export const fetchers: ReadonlyMap<string, Fetcher> = new Map<string, Fetcher>([
  [httpFetcher.id, httpFetcher],
  [fileFetcher.id, fileFetcher],
]);

/** The fetcher for a source location; a location nobody reads (ftp://, s3://) is a usage error. */
export function fetcherFor(location: string): Fetcher {
  for (const fetcher of fetchers.values()) {
    if (fetcher.handles(location)) return fetcher;
  }
  throw new UsageError(
    `no fetcher reads "${redactLocation(location)}": use an http(s) URL, a file:// URL or a local path (fetchers: ${[...fetchers.keys()].join(', ')})`,
  );
}
