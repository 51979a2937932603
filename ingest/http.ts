/**
 * The `http` fetcher: GET an http(s) URL with undici.
 *
 * One attempt = at most `maxRedirects` redirects plus the final answer, all under one deadline
 * (`timeoutMs` covers connecting, waiting for headers and reading the body, so a server that
 * accepts and never answers cannot stall a run). Attempts are repeated with p-retry on 429, 5xx,
 * timeouts and network errors; any other answer is final at once, because asking again will not
 * turn a 404 into a document.
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pRetry, { AbortError } from 'p-retry';
import { request } from 'undici';
import { FetchError, errorMessage } from '../errors/index.js';
import { redactLocation, schemeOf } from './location.js';
import type { FetchOptions, FetchOutcome, Fetcher, RawDocument } from './types.js';

export interface HttpFetcherSettings {
  /** First backoff delay between attempts; doubled each time up to `retryCapMs`. */
  retryBaseMs: number;
  retryCapMs: number;
  /** Longest wait a Retry-After header can ask for; a longer one is cut to this. */
  retryAfterCapMs: number;
  /** Largest body accepted, in bytes. Network-requirement pages are well under 1 MiB. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  accept: string;
}

const MiB = 1024 * 1024;

export const DEFAULT_HTTP_SETTINGS: HttpFetcherSettings = {
  retryBaseMs: 1_000,
  retryCapMs: 30_000,
  retryAfterCapMs: 120_000,
  maxBytes: 20 * MiB,
  maxRedirects: 5,
  userAgent: `endpoint-watch/${packageVersion()}`,
  accept: 'text/markdown, text/html;q=0.9, application/json;q=0.9, text/plain;q=0.8, */*;q=0.5',
};

/** Our own version, from the package.json above this file (ingest/ in the source tree, dist/ingest/ when built). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'endpoint-watch' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here: look one level up.
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

/**
 * Milliseconds a Retry-After value asks for: delta-seconds ("120") or an HTTP date. null when
 * the header is absent or unreadable (then the normal backoff applies). Never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Wait before attempt `failedAttempt + 1`: Retry-After when the server gave one (capped), else exponential backoff. */
export function retryDelayMs(
  failedAttempt: number,
  retryAfterMs: number | null,
  settings: Pick<HttpFetcherSettings, 'retryBaseMs' | 'retryCapMs' | 'retryAfterCapMs'>,
): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, settings.retryAfterCapMs);
  return Math.min(settings.retryBaseMs * 2 ** Math.max(0, failedAttempt - 1), settings.retryCapMs);
}

/** One failed attempt. `final` is the message without the attempt count, which is added at the end. */
class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null,
    /** How the count is appended: "HTTP 500 ... after 3 attempts" vs "timed out ...; gave up after 3 attempts". */
    readonly kind: 'status' | 'other',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function statusLine(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/** `text/HTML; charset=utf-8` -> `text/html`. */
function mediaType(value: string | null): string | null {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type ? type : null;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function formatBytes(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/** Drops a body we will not read; destroying it emits an error nobody else listens for. */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Splits `https://user:pass@host/x` into a clean URL and a Basic Authorization header value. */
function withoutCredentials(url: URL): { url: URL; authorization: string | null } {
  if (!url.username && !url.password) return { url, authorization: null };
  const clean = new URL(url.href);
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  clean.username = '';
  clean.password = '';
  return { url: clean, authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

async function attempt(
  target: URL,
  display: string,
  options: FetchOptions,
  settings: HttpFetcherSettings,
): Promise<FetchOutcome> {
  const prefix = `GET ${display}`;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;

  const { url: start, authorization } = withoutCredentials(target);
  const headers: Record<string, string> = { 'user-agent': settings.userAgent, accept: settings.accept };
  if (authorization) headers.authorization = authorization;
  if (options.conditions?.etag) headers['if-none-match'] = options.conditions.etag;
  if (options.conditions?.lastModified) headers['if-modified-since'] = options.conditions.lastModified;

  try {
    let current = start;
    for (let redirects = 0; ; redirects++) {
      const response = await request(current, { method: 'GET', headers, signal });
      const { statusCode: status } = response;

      if (REDIRECT_STATUSES.has(status)) {
        const location = header(response.headers, 'location');
        await response.body.dump();
        if (!location)
          throw new AbortError(new FetchError(`${prefix}: ${statusLine(status)} without a Location header`, status));
        if (redirects >= settings.maxRedirects) {
          throw new AbortError(
            new FetchError(`${prefix}: too many redirects (more than ${settings.maxRedirects})`, status),
          );
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw new AbortError(
            new FetchError(`${prefix}: ${statusLine(status)} with an unusable Location header`, status),
          );
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw new AbortError(
            new FetchError(`${prefix}: redirected to a ${next.protocol} URL, which is not followed`, status),
          );
        }
        // Credentials belong to the origin they were written for, never to where it points.
        if (next.origin !== current.origin) delete headers.authorization;
        current = withoutCredentials(next).url;
        continue;
      }

      if (status === 304) {
        await response.body.dump();
        return { status: 'not-modified', location: display };
      }

      if (status === 429 || status >= 500) {
        const retryAfter =
          status === 429 || status === 503 ? parseRetryAfter(header(response.headers, 'retry-after')) : null;
        await response.body.dump();
        throw new AttemptFailure(`${prefix}: ${statusLine(status)}`, status, retryAfter, 'status');
      }

      if (status < 200 || status >= 300) {
        await response.body.dump();
        throw new AbortError(new FetchError(`${prefix}: ${statusLine(status)}`, status));
      }

      const declared = Number(header(response.headers, 'content-length'));
      if (Number.isFinite(declared) && declared > settings.maxBytes) {
        discard(response.body);
        throw new AbortError(
          new FetchError(
            `${prefix}: document is ${declared} bytes, over the ${formatBytes(settings.maxBytes)} limit`,
            status,
          ),
        );
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > settings.maxBytes) {
          discard(response.body);
          throw new AbortError(
            new FetchError(`${prefix}: document is over the ${formatBytes(settings.maxBytes)} limit`, status),
          );
        }
        chunks.push(buffer);
      }
      if (size === 0)
        throw new AbortError(new FetchError(`${prefix}: empty document (${statusLine(status)} with no body)`, status));

      const document: RawDocument = {
        location: display,
        body: Buffer.concat(chunks, size),
        contentType: mediaType(header(response.headers, 'content-type')),
        etag: header(response.headers, 'etag'),
        lastModified: header(response.headers, 'last-modified'),
      };
      return { status: 'fetched', document };
    }
  } catch (err) {
    if (err instanceof AbortError || err instanceof AttemptFailure) throw err;
    if (options.signal?.aborted) throw new AbortError(new FetchError(`${prefix}: aborted`, null, { cause: err }));
    if (deadline.signal.aborted) {
      throw new AttemptFailure(`${prefix}: timed out after ${formatSeconds(options.timeoutMs)}`, null, null, 'other');
    }
    // Connection refused, reset, DNS failure, TLS error: worth another attempt.
    throw new AttemptFailure(`${prefix}: ${describeNetworkError(err)}`, null, null, 'other', { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** undici's errors say what failed but rarely why; the code (ECONNREFUSED, ENOTFOUND) is the useful part. */
function describeNetworkError(err: unknown): string {
  const message = redactLocation(errorMessage(err));
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof code === 'string' && !message.includes(code)) return `${message} (${code})`;
  return message || 'network error';
}

export function createHttpFetcher(overrides: Partial<HttpFetcherSettings> = {}): Fetcher {
  const settings: HttpFetcherSettings = { ...DEFAULT_HTTP_SETTINGS, ...overrides };
  return {
    id: 'http',
    handles(location: string): boolean {
      const scheme = schemeOf(location);
      return scheme === 'http' || scheme === 'https';
    },
    async fetch(location: string, options: FetchOptions): Promise<FetchOutcome> {
      const display = redactLocation(location);
      let target: URL;
      try {
        target = new URL(location);
      } catch {
        throw new FetchError(`${display}: not a valid URL`);
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new FetchError(`${display}: the http fetcher only reads http(s) URLs`);
      }

      let attempts = 0;
      try {
        return await pRetry(
          () => {
            attempts++;
            return attempt(target, display, options, settings);
          },
          {
            retries: Math.max(0, options.retries),
            // The wait is ours (it depends on Retry-After), so p-retry adds none of its own.
            minTimeout: 0,
            maxTimeout: 0,
            ...(options.signal ? { signal: options.signal } : {}),
            onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
              if (retriesLeft <= 0 || !(error instanceof AttemptFailure)) return;
              const wait = retryDelayMs(attemptNumber, error.retryAfterMs, settings);
              if (wait > 0) await sleep(wait, undefined, options.signal ? { signal: options.signal } : {});
            },
          },
        );
      } catch (err) {
        if (err instanceof FetchError) throw err;
        if (err instanceof AttemptFailure) {
          const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
          const message =
            err.kind === 'status' ? `${err.message} after ${tries}` : `${err.message}; gave up after ${tries}`;
          throw new FetchError(message, err.status, { cause: err.cause });
        }
        if (options.signal?.aborted) throw new FetchError(`GET ${display}: aborted`, null, { cause: err });
        throw new FetchError(`GET ${display}: ${errorMessage(err)}`, null, { cause: err });
      }
    },
  };
}

export const httpFetcher: Fetcher = createHttpFetcher();
