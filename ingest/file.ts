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
import { DEFAULT_MAX_DOCUMENT_BYTES, type FetchOptions, type FetchOutcome, type Fetcher } from './types.js';

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
  /** Largest file accepted, in bytes, when the source sets none (same limit as over HTTP). */
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

/** "over the 64 MiB limit (maxDocumentBytes)". */
export function overLimit(maxBytes: number): string {
  const MiB = 1024 * 1024;
  const size = maxBytes % MiB === 0 ? `${maxBytes / MiB} MiB` : `${maxBytes}-byte`;
  return `over the ${size} limit (maxDocumentBytes)`;
}

export function createFileFetcher(overrides: Partial<FileFetcherSettings> = {}): Fetcher {
  const settings: FileFetcherSettings = { maxBytes: DEFAULT_MAX_DOCUMENT_BYTES, ...overrides };
  return {
    id: 'file',
    handles(location: string): boolean {
      const scheme = schemeOf(location);
      return scheme === null || scheme === 'file';
    },
    async fetch(location: string, options: FetchOptions): Promise<FetchOutcome> {
      const path = resolveFileLocation(location, options.baseDir);
      const maxBytes = options.maxBytes ?? settings.maxBytes;
      let body: Buffer;
      try {
        const info = await stat(path);
        if (info.isDirectory()) throw new FetchError(`${path}: is a directory, not a document`);
        if (info.size > maxBytes) throw new FetchError(`${path}: file is ${info.size} bytes, ${overLimit(maxBytes)}`);
        body = await readFile(path, options.signal ? { signal: options.signal } : {});
        // A file that grew between stat and read.
        if (body.length > maxBytes)
          throw new FetchError(`${path}: file is ${body.length} bytes, ${overLimit(maxBytes)}`);
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
