/**
 * Config sections that only some commands use, and that may hold secrets: `proxy:` (its URL can
 * carry credentials) and `serve:` (the trigger token). Like notifier entries, they are read from
 * the environment and validated only when a command uses them (config/load.ts, `Deferred`).
 */
import { z } from 'zod';

export const DEFAULT_SERVE_PORT = 8080;
export const DEFAULT_SERVE_HOST = '127.0.0.1';
/** A bearer token shorter than this is a password a script could guess. */
export const MIN_TOKEN_LENGTH = 16;

/** What `proxy:` resolves to: see outbound/agent.ts for how it is used. */
export interface ProxySettings {
  /** Proxy for http and https URLs, or null for "direct": no proxy even when HTTP(S)_PROXY is set. */
  url: string | null;
  /** Hosts reached directly, comma-separated; null keeps NO_PROXY. */
  noProxy: string | null;
}

const noProxyList = z
  .union([z.string(), z.array(z.string().trim().min(1))], {
    error: 'must be a host list: "localhost,.corp.example" or [localhost, .corp.example]',
  })
  .transform((value) => (Array.isArray(value) ? value.join(',') : value));

const proxyUrl = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty (write "direct" for no proxy)' })
  .transform((value) => (value === 'direct' ? null : value));

/** `proxy: http://proxy.corp:3128`, `proxy: direct`, or `proxy: {url: ..., noProxy: [...]}`. */
export const proxySchema = z.union(
  [
    proxyUrl.transform((url): ProxySettings => ({ url, noProxy: null })),
    z
      .strictObject({ url: proxyUrl, noProxy: noProxyList.optional() })
      .transform((value): ProxySettings => ({ url: value.url, noProxy: value.noProxy ?? null })),
  ],
  { error: 'must be a proxy URL, "direct", or a mapping with url (and noProxy)' },
);

export interface ServeSettings {
  port: number;
  host: string;
  /** Bearer token for POST /run; null means there is no trigger endpoint. */
  token: string | null;
}

export const serveSchema = z
  .strictObject({
    // `port: ${PORT}` arrives as a string.
    port: z
      .preprocess(
        (value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value),
        z.number(),
      )
      .pipe(z.number().int().min(0).max(65535))
      .default(DEFAULT_SERVE_PORT),
    host: z.string().trim().min(1).default(DEFAULT_SERVE_HOST),
    token: z
      .string()
      .min(MIN_TOKEN_LENGTH, { error: `must be at least ${MIN_TOKEN_LENGTH} characters (use a random string)` })
      .optional(),
  })
  .transform((value): ServeSettings => ({ port: value.port, host: value.host, token: value.token ?? null }));
