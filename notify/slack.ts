/**
 * Slack incoming-webhook notifier.
 *
 * @slack/webhook builds and checks the message; the HTTP call is ours: its `fetch` option is given
 * a function that posts through outbound/request.ts, so Slack goes through the same agent (proxy)
 * and the same retry policy as every document fetch. (Its own fetch would be Node's global one,
 * which knows neither our proxy settings nor how to replay a POST body for a retry.) We retry 429
 * (after Retry-After, capped), 5xx, network errors and timeouts; other 4xx (invalid_payload,
 * no_service, channel_not_found) will not get better by retrying.
 *
 * The webhook URL is a credential: anyone holding it can post to the channel. It is
 * redacted from every error message, because those end up on screen and in the outbox file.
 */
import { z } from 'zod';
import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';
import type { Dispatcher } from 'undici';
import { USER_AGENT } from '../app/version.js';
import { NotifyError, errorMessage } from '../errors/index.js';
import { OutboundError, sendRequest } from '../outbound/request.js';
import { isRetryableStatus, type RetryPolicy } from '../outbound/retry.js';
import { digestSlack } from './digest.js';
import { formatSlack } from './format.js';
import { safeSlackMessage } from './sanitize.js';
import { redact } from './redact.js';
import {
  MaybeDeliveredError,
  type Notification,
  type Notifier,
  type NotifierContext,
  type NotifierModule,
} from './types.js';

/** What a FetchFunction resolves with (the library does not export the type by name). */
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

export const slackOptionsSchema = z.strictObject({
  type: z.literal('slack'),
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL (the incoming-webhook URL from Slack)' }),
  channel: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  timeoutSeconds: z.number().positive().max(300).default(10),
  retries: z.number().int().min(0).max(10).default(3),
});

export type SlackOptions = z.output<typeof slackOptionsSchema>;

/** Timing knobs (injectable so tests do not sleep for real) and the agent. */
export interface SlackDelays {
  /** First backoff for 5xx / network errors; doubles per retry (default 1 s). */
  baseDelayMs?: number;
  /** Cap on any wait, including Retry-After (default 60 s). */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Default: the shared outbound agent. */
  dispatcher?: Dispatcher;
}

function oneLineBody(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function plural(attempts: number): string {
  return `${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

/** The library's headers minus its User-Agent: we send ours, as every other request does. */
function withoutUserAgent(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'user-agent'));
}

/** The little of a fetch Response that @slack/webhook reads, over an answer already read whole. */
function fetchResponse(url: string, status: number, headers: Record<string, string>, text: string): FetchResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    url,
    headers: { get: (name) => headers[name.toLowerCase()] ?? null, entries: () => Object.entries(headers) },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
    arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
  };
}

export function createSlackNotifier(options: SlackOptions, delays: SlackDelays = {}): Notifier {
  const id = options.channel ? `slack:${options.channel}` : 'slack';
  const secrets = [options.webhookUrl, options.webhookUrl.replace(/\/+$/, ''), safePath(options.webhookUrl)];
  const timeoutMs = Math.round(options.timeoutSeconds * 1000);
  const maxDelayMs = delays.maxDelayMs ?? 60_000;
  const policy: RetryPolicy = {
    retries: options.retries,
    baseDelayMs: delays.baseDelayMs ?? 1000,
    maxDelayMs,
    retryAfterCapMs: maxDelayMs,
    ...(delays.sleep ? { sleep: delays.sleep } : {}),
  };

  /** Posts the message through the shared agent and retry policy; throws a NotifyError when it could not. */
  async function post(payload: IncomingWebhookSendArguments): Promise<void> {
    let attempts = 1;
    const throughOurAgent: FetchFunction = async (url, init) => {
      const response = await sendRequest(new URL(String(url)), {
        method: 'POST',
        headers: { ...withoutUserAgent(init?.headers), 'user-agent': USER_AGENT },
        body: typeof init?.body === 'string' ? init.body : '',
        timeoutMs,
        retry: policy,
        ...(init?.signal ? { signal: init.signal } : {}),
        ...(delays.dispatcher ? { dispatcher: delays.dispatcher } : {}),
      });
      attempts = response.attempts;
      const text = await response.body.text();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return fetchResponse(String(url), response.statusCode, headers, text);
    };
    const webhook = new IncomingWebhook(options.webhookUrl, {
      fetch: throughOurAgent,
      // Timeouts are per attempt, in sendRequest; the library's would cut the retries short.
      timeout: 0,
      retryConfig: { retries: 0 },
      ...(options.channel ? { channel: options.channel } : {}),
      ...(options.username ? { username: options.username } : {}),
    });
    try {
      await webhook.send(payload);
    } catch (error) {
      throw failure(error, attempts);
    }
  }

  function failure(error: unknown, attempts: number): NotifyError {
    let message: string;
    if (error instanceof IncomingWebhookHTTPError) {
      const body = oneLineBody(error.body ?? '');
      const answer = `HTTP ${error.statusCode}${body ? ` ${body}` : ''}`;
      message = isRetryableStatus(error.statusCode)
        ? `Slack webhook kept failing: ${answer} (gave up after ${plural(attempts)})`
        : `Slack webhook rejected the message: ${answer} (not retried: fix the webhook URL, channel or payload)`;
    } else {
      const original = error instanceof IncomingWebhookRequestError ? error.original : error;
      if (original instanceof OutboundError) {
        const tries = original.kind === 'proxy' ? '' : ` (gave up after ${plural(original.attempts)})`;
        message = `cannot reach the Slack webhook: ${original.message}${tries}`;
      } else {
        message = `cannot reach the Slack webhook: ${errorMessage(original)}`;
      }
    }
    // No `cause`: library errors may quote the URL, and causes get logged whole.
    const original = error instanceof IncomingWebhookRequestError ? error.original : error;
    if (original instanceof OutboundError && original.maybeDelivered)
      return new MaybeDeliveredError(id, redact(message, secrets));
    return new NotifyError('slack', redact(message, secrets));
  }

  return {
    id,
    type: 'slack',
    async send(notification: Notification): Promise<void> {
      const message = safeSlackMessage(formatSlack(notification));
      await post({ text: message.text, blocks: message.blocks });
    },
    async sendDigest(digest): Promise<void> {
      const message = safeSlackMessage(digestSlack(digest));
      await post({ text: message.text, blocks: message.blocks });
    },
  };
}

/** The secret part of a webhook URL (its path), when long enough to be one. */
function safePath(url: string): string | null {
  try {
    const path = new URL(url).pathname;
    return path.length > 8 ? path : null;
  } catch {
    return null;
  }
}

export const slackNotifier: NotifierModule<SlackOptions> = {
  type: 'slack',
  description: 'Posts to a Slack channel through an incoming webhook (Block Kit message).',
  options: slackOptionsSchema,
  create: (options: SlackOptions, _context: NotifierContext) => createSlackNotifier(options),
};
