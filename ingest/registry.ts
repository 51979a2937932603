/**
 * Every way the tool gets a document, by id. Adding one (say `git`) is one module plus one line
 * here; `handles` must not overlap between fetchers, which ingest/registry.test.ts checks.
 *
 * A fetcher whose module is heavy is registered through `lazyFetcher`: its id and `handles`
 * live here, its module (the http fetcher's undici stack) is imported on its first fetch, so
 * a command that reads no URL never loads it.
 */
import { UsageError } from '../errors/index.js';
import { fileFetcher } from './file.js';
import { redactLocation, schemeOf } from './location.js';
import type { Fetcher } from './types.js';

function lazyFetcher(id: string, handles: (location: string) => boolean, load: () => Promise<Fetcher>): Fetcher {
  let loaded: Promise<Fetcher> | null = null;
  return {
    id,
    handles,
    async fetch(location, options) {
      loaded ??= load();
      return (await loaded).fetch(location, options);
    },
  };
}

const httpFetcher = lazyFetcher(
  'http',
  (location) => {
    const scheme = schemeOf(location);
    return scheme === 'http' || scheme === 'https';
  },
  async () => (await import('./http.js')).httpFetcher,
);

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
