/**
 * The `http` fetcher: GET an http(s) URL through the shared outbound agent (proxy) and retry
 * policy (outbound/request.ts).
 *
 * Each attempt waits at most `timeoutMs` for the answer's headers and then for each piece of the
 * body, so a server that accepts and never answers cannot stall a run. Attempts are repeated on
 * 429, 5xx, timeouts and network errors; any other answer is final at once, because asking again
 * will not turn a 404 into a document. Redirects are followed here, not by undici, so that
 * credentials never travel to another origin and only http(s) targets are followed.
 */
import { STATUS_CODES } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { USER_AGENT } from '../app/version.js';
import { FetchError } from '../errors/index.js';
import { OutboundError, describeFailure, sendRequest } from '../outbound/request.js';
import type { RetryPolicy } from '../outbound/retry.js';
import { redactLocation, schemeOf } from './location.js';
import { overLimit } from './file.js';
import {
  DEFAULT_MAX_DOCUMENT_BYTES,
  type FetchOptions,
  type FetchOutcome,
  type Fetcher,
  type RawDocument,
} from './types.js';

export interface HttpFetcherSettings {
  /** Backoff and caps of the shared retry policy; the number of retries comes from the source. */
  retry: Omit<RetryPolicy, 'retries'>;
  /** Largest body accepted (decoded), in bytes, when the source sets none. */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  accept: string;
  /** Default: the shared agent (outbound/agent.ts). */
  dispatcher?: Dispatcher;
}

export const DEFAULT_HTTP_SETTINGS: HttpFetcherSettings = {
  retry: { baseDelayMs: 1_000, maxDelayMs: 30_000, retryAfterCapMs: 120_000 },
  maxBytes: DEFAULT_MAX_DOCUMENT_BYTES,
  maxRedirects: 5,
  userAgent: USER_AGENT,
  accept: 'text/markdown, text/html;q=0.9, application/json;q=0.9, text/plain;q=0.8, */*;q=0.5',
};

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

/** zlib decoders for the Content-Encoding values servers use; `identity` needs none. */
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Decoders for a Content-Encoding header, in the order to apply them (the header lists the
 * codings in the order they were applied), or the name of one we cannot decode.
 */
function decodersFor(header: string | null): Transform[] | string {
  const codings = (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  const decoders: Transform[] = [];
  for (const coding of codings.reverse()) {
    const make = DECODERS[coding];
    if (!make) return coding;
    decoders.push(make());
  }
  return decoders;
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

function attemptsLabel(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

async function fetchUrl(
  target: URL,
  display: string,
  options: FetchOptions,
  settings: HttpFetcherSettings,
): Promise<FetchOutcome> {
  const prefix = `GET ${display}`;
  const { url: start, authorization } = withoutCredentials(target);
  const headers: Record<string, string> = { 'user-agent': settings.userAgent, accept: settings.accept };
  if (authorization) headers.authorization = authorization;
  if (options.conditions?.etag) headers['if-none-match'] = options.conditions.etag;
  if (options.conditions?.lastModified) headers['if-modified-since'] = options.conditions.lastModified;
  const dispatcher = options.dispatcher ?? settings.dispatcher;

  let current = start;
  for (let redirects = 0; ; redirects++) {
    let response: Awaited<ReturnType<typeof sendRequest>>;
    try {
      response = await sendRequest(current, {
        method: 'GET',
        headers,
        timeoutMs: options.timeoutMs,
        retry: { ...settings.retry, retries: Math.max(0, options.retries) },
        ...(options.signal ? { signal: options.signal } : {}),
        ...(dispatcher ? { dispatcher } : {}),
      });
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      const tries =
        err.kind === 'aborted' || err.kind === 'proxy' ? '' : `; gave up after ${attemptsLabel(err.attempts)}`;
      throw new FetchError(`${prefix}: ${err.message}${tries}`, null, { cause: err.cause });
    }
    const { statusCode: status, attempts } = response;

    if (REDIRECT_STATUSES.has(status)) {
      const location = header(response.headers, 'location');
      await response.body.dump();
      if (!location) throw new FetchError(`${prefix}: ${statusLine(status)} without a Location header`, status);
      if (redirects >= settings.maxRedirects) {
        throw new FetchError(`${prefix}: too many redirects (more than ${settings.maxRedirects})`, status);
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new FetchError(`${prefix}: ${statusLine(status)} with an unusable Location header`, status);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new FetchError(`${prefix}: redirected to a ${next.protocol} URL, which is not followed`, status);
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

    if (status < 200 || status >= 300) {
      await response.body.dump();
      // A 429 or 5xx is what is left after the retries; anything else was final at once.
      const after = status === 429 || status >= 500 ? ` after ${attemptsLabel(attempts)}` : '';
      throw new FetchError(`${prefix}: ${statusLine(status)}${after}`, status);
    }

    const maxBytes = options.maxBytes ?? settings.maxBytes;
    const encoding = header(response.headers, 'content-encoding');
    const decoders = decodersFor(encoding);
    if (typeof decoders === 'string') {
      discard(response.body);
      throw new FetchError(
        `${prefix}: the server sent it with Content-Encoding: ${decoders}, which cannot be decoded`,
        status,
      );
    }
    const declared = Number(header(response.headers, 'content-length'));
    if (decoders.length === 0 && Number.isFinite(declared) && declared > maxBytes) {
      discard(response.body);
      throw new FetchError(`${prefix}: document is ${declared} bytes, ${overLimit(maxBytes)}`, status);
    }
    // Decoded as it arrives and counted decoded: a small gzip body that inflates to gigabytes
    // stops at the limit like any other.
    const body: Readable = decoders.length
      ? (pipeline(response.body, ...(decoders as [Transform]), () => {}) as Readable)
      : response.body;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > maxBytes) {
          discard(response.body);
          for (const decoder of decoders) decoder.destroy();
          const decoded = decoders.length ? ` once decoded (Content-Encoding: ${encoding})` : '';
          throw new FetchError(`${prefix}: document is ${overLimit(maxBytes)}${decoded}`, status);
        }
        chunks.push(buffer);
      }
    } catch (err) {
      if (err instanceof FetchError) throw err;
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('Z_'))
        throw new FetchError(
          `${prefix}: the body is not valid ${encoding} (Content-Encoding: ${encoding}): ${(err as Error).message}`,
          status,
          { cause: err },
        );
      const failure = describeFailure(err, options.timeoutMs, options.signal?.aborted ?? false);
      throw new FetchError(`${prefix}: reading the document: ${failure.message}`, status, { cause: err });
    }
    if (size === 0) throw new FetchError(`${prefix}: empty document (${statusLine(status)} with no body)`, status);

    const document: RawDocument = {
      location: display,
      body: Buffer.concat(chunks, size),
      contentType: mediaType(header(response.headers, 'content-type')),
      etag: header(response.headers, 'etag'),
      lastModified: header(response.headers, 'last-modified'),
    };
    return { status: 'fetched', document };
  }
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
      return fetchUrl(target, display, options, settings);
    },
  };
}

export const httpFetcher: Fetcher = createHttpFetcher();
