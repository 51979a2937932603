/**
 * The `file` fetcher: a local path (relative to `FetchOptions.baseDir` or the working directory)
 * or a file:// URL. Used for checked-out documentation repositories, fixtures and ad-hoc
 * `parse`. Files have no validators worth trusting, so every fetch is a full read and the
 * pipeline's byte comparison decides whether anything changed.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FetchError, errorMessage } from '../errors/index.js';
import { schemeOf } from './location.js';
import type { FetchOptions, FetchOutcome, Fetcher } from './types.js';

const CONTENT_TYPES: Record<string, string> = {
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.json': 'application/json',
};

/** Content type from the file name; null lets the parsers decide from the content. */
export function contentTypeForPath(path: string): string | null {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? null;
}

export interface FileFetcherSettings {
  /** Largest file accepted, in bytes (same limit as over HTTP). */
  maxBytes: number;
}

/** The absolute path a location names. */
export function resolveFileLocation(location: string, baseDir: string = process.cwd()): string {
  if (schemeOf(location) === 'file') {
    try {
      return fileURLToPath(location);
    } catch (err) {
      throw new FetchError(`${location}: not a usable file:// URL (${errorMessage(err)})`);
    }
  }
  return resolve(baseDir, location);
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a parent of this path is not a directory';
  return errorMessage(err);
}

export function createFileFetcher(overrides: Partial<FileFetcherSettings> = {}): Fetcher {
  const settings: FileFetcherSettings = { maxBytes: 20 * 1024 * 1024, ...overrides };
  return {
    id: 'file',
    handles(location: string): boolean {
      const scheme = schemeOf(location);
      return scheme === null || scheme === 'file';
    },
    async fetch(location: string, options: FetchOptions): Promise<FetchOutcome> {
      const path = resolveFileLocation(location, options.baseDir);
      let body: Buffer;
      try {
        const info = await stat(path);
        if (info.isDirectory()) throw new FetchError(`${path}: is a directory, not a document`);
        if (info.size > settings.maxBytes) {
          throw new FetchError(`${path}: file is ${info.size} bytes, over the ${settings.maxBytes}-byte limit`);
        }
        body = await readFile(path, options.signal ? { signal: options.signal } : {});
      } catch (err) {
        if (err instanceof FetchError) throw err;
        throw new FetchError(`${path}: cannot read: ${describeFsError(err)}`, null, { cause: err });
      }
      if (body.length === 0) throw new FetchError(`${path}: empty document (the file is empty)`);
      return {
        status: 'fetched',
        document: { location: path, body, contentType: contentTypeForPath(path), etag: null, lastModified: null },
      };
    },
  };
}

export const fileFetcher: Fetcher = createFileFetcher();
