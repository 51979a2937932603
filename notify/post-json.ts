/**
 * POST of a JSON body to a webhook (Teams, the generic webhook) through the one outbound agent
 * and retry policy (outbound/request.ts), as Slack and document fetches use: 429 (after
 * Retry-After, capped), 5xx, network errors and timeouts are retried; other 4xx are not.
 * The URL and any secret are redacted from every error message (those reach the outbox file).
 */
import type { Dispatcher } from 'undici';
import { USER_AGENT } from '../app/version.js';
import { NotifyError } from '../errors/index.js';
import { OutboundError, sendRequest } from '../outbound/request.js';
import { isRetryableStatus, type RetryPolicy } from '../outbound/retry.js';
import { redact } from './redact.js';

/** Timing knobs (injectable so tests do not sleep for real) and the agent. */
export interface PostDelays {
  /** First backoff for 5xx / network errors; doubles per retry (default 1 s). */
  baseDelayMs?: number;
  /** Cap on any wait, including Retry-After (default 60 s). */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Default: the shared outbound agent. */
  dispatcher?: Dispatcher;
}

export interface JsonPost {
  /** Notifier id, for the error. */
  notifier: string;
  /** "Teams webhook", "webhook": how errors name the peer. */
  peer: string;
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutSeconds: number;
  retries: number;
  /** Values never to show in an error besides the URL (a signing secret, header values). */
  secrets?: string[];
}

function oneLineBody(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function attemptsText(attempts: number): string {
  return `${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

/** The secret part of a webhook URL: its path and query, when long enough to be one. */
function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [url, `${parsed.pathname}${parsed.search}`, parsed.search.slice(1)].filter((part) => part.length > 8);
  } catch {
    return [url];
  }
}

/** Posts `body`; resolves on 2xx, throws a NotifyError (redacted) otherwise. */
export async function postJson(post: JsonPost, delays: PostDelays = {}): Promise<void> {
  const maxDelayMs = delays.maxDelayMs ?? 60_000;
  const policy: RetryPolicy = {
    retries: post.retries,
    baseDelayMs: delays.baseDelayMs ?? 1000,
    maxDelayMs,
    retryAfterCapMs: maxDelayMs,
    ...(delays.sleep ? { sleep: delays.sleep } : {}),
  };
  const secrets = [...urlSecrets(post.url), ...(post.secrets ?? [])];
  const fail = (message: string) => new NotifyError(post.notifier, redact(message, secrets));
  let response: Awaited<ReturnType<typeof sendRequest>>;
  try {
    response = await sendRequest(new URL(post.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...post.headers },
      body: post.body,
      timeoutMs: Math.round(post.timeoutSeconds * 1000),
      retry: policy,
      ...(delays.dispatcher ? { dispatcher: delays.dispatcher } : {}),
    });
  } catch (error) {
    if (error instanceof OutboundError) {
      const tries = error.kind === 'proxy' ? '' : ` (gave up after ${attemptsText(error.attempts)})`;
      throw fail(`cannot reach the ${post.peer}: ${error.message}${tries}`);
    }
    throw fail(`cannot reach the ${post.peer}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.body.text().catch(() => '');
  if (response.statusCode >= 200 && response.statusCode < 300) return;
  const answer = `HTTP ${response.statusCode}${text ? ` ${oneLineBody(text)}` : ''}`;
  throw fail(
    isRetryableStatus(response.statusCode)
      ? `${post.peer} kept failing: ${answer} (gave up after ${attemptsText(response.attempts)})`
      : `${post.peer} rejected the message: ${answer} (not retried: fix the URL or the payload)`,
  );
}
