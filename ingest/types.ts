/**
 * Default `maxDocumentBytes`: well above the largest real document (Azure Service Tags, ~5 MB),
 * well below what would strain the one process (a body is held in memory, then parsed).
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** What a fetcher hands to the parsers: the bytes as served, plus what the server said about them. */
export interface RawDocument {
  /** Where it came from: a URL or an absolute file path. */
  location: string;
  /** The body, exactly as received (decoding happens in parsers/decode.ts). */
  body: Buffer;
  /** Content-Type header (or a guess from the file extension), lower-case, without parameters. */
  contentType: string | null;
  /** ETag / Last-Modified the server sent, for the next conditional request. */
  etag: string | null;
  lastModified: string | null;
}

/** Validators from the last stored version, so an unchanged page costs a 304, not a parse. */
export interface FetchConditions {
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchOutcome = { status: 'fetched'; document: RawDocument } | { status: 'not-modified'; location: string };

export interface FetchOptions {
  /** Milliseconds before the request is abandoned. */
  timeoutMs: number;
  /** Extra attempts after a 429/5xx/network error. */
  retries: number;
  conditions?: FetchConditions;
  signal?: AbortSignal;
  /** Largest document accepted, in bytes, decoded (the source's `maxDocumentBytes`; default DEFAULT_MAX_DOCUMENT_BYTES). */
  maxBytes?: number;
  /** Directory that relative local paths are resolved against (default: the working directory). */
  baseDir?: string;
  /** HTTP agent to use instead of the shared one (outbound/agent.ts): a test's own proxy settings. */
  dispatcher?: import('undici').Dispatcher;
}

/** One way of getting a document: `http` for http(s) URLs, `file` for local paths. */
export interface Fetcher {
  readonly id: string;
  /** True when this fetcher handles the location. */
  handles(location: string): boolean;
  fetch(location: string, options: FetchOptions): Promise<FetchOutcome>;
}
