/**
 * Slack incoming-webhook notifier.
 *
 * @slack/webhook does the POST; the retry loop is ours (its own retries are turned off)
 * because it treats 429 as final and does not expose Retry-After. We retry 429 (after
 * Retry-After, capped), 5xx, network errors and timeouts; other 4xx (invalid_payload,
 * no_service, channel_not_found) will not get better by retrying.
 *
 * The webhook URL is a credential: anyone holding it can post to the channel. It is
 * redacted from every error message, because those end up on screen and in the outbox file.
 */
import { z } from 'zod';
import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  type FetchFunction,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';
import { NotifyError, errorMessage } from '../errors/index.js';
import { formatSlack } from './format.js';
import { RetryFailure, parseRetryAfter, redact, withRetries, type RetryDecision } from './retry.js';
import type { Notification, Notifier, NotifierContext, NotifierModule } from './types.js';

export const slackOptionsSchema = z.strictObject({
  type: z.literal('slack'),
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL (the incoming-webhook URL from Slack)' }),
  channel: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  timeoutSeconds: z.number().positive().max(300).default(10),
  retries: z.number().int().min(0).max(10).default(3),
});

export type SlackOptions = z.output<typeof slackOptionsSchema>;

/** Timing knobs, injectable so tests do not sleep for real. */
export interface SlackDelays {
  /** First backoff for 5xx / network errors; doubles per retry (default 1 s). */
  baseDelayMs?: number;
  /** Cap on any wait, including Retry-After (default 60 s). */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** An HTTP answer other than 2xx, with what we need to decide on a retry. */
class SlackHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs: number | null,
  ) {
    super(`HTTP ${status}`);
  }
}

function classify(error: unknown): RetryDecision {
  if (error instanceof SlackHttpError) {
    if (error.status === 429) return { retry: true, delayMs: error.retryAfterMs };
    return { retry: error.status >= 500 };
  }
  // No answer at all: connection refused/reset, DNS, timeout. Worth another try.
  return { retry: true };
}

/** The most specific reason in an error's cause chain ("connect ECONNREFUSED 127.0.0.1:9"). */
function rootReason(error: unknown): string {
  let current: unknown = error;
  let reason = errorMessage(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return 'timed out';
    reason = current.message;
    current = current.cause;
  }
  return reason;
}

function oneLineBody(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

export function createSlackNotifier(options: SlackOptions, delays: SlackDelays = {}): Notifier {
  const id = options.channel ? `slack:${options.channel}` : 'slack';
  const secrets = [options.webhookUrl, options.webhookUrl.replace(/\/+$/, ''), safePath(options.webhookUrl)];

  async function post(payload: IncomingWebhookSendArguments): Promise<void> {
    let retryAfter: string | null = null;
    // Our own fetch wrapper: the library's HTTP error does not carry response headers.
    const fetchWithHeaders: FetchFunction = async (url, init) => {
      const response = await globalThis.fetch(url, init as RequestInit);
      retryAfter = response.headers.get('retry-after');
      return response;
    };
    const webhook = new IncomingWebhook(options.webhookUrl, {
      fetch: fetchWithHeaders,
      timeout: Math.round(options.timeoutSeconds * 1000),
      retryConfig: { retries: 0 },
      ...(options.channel ? { channel: options.channel } : {}),
      ...(options.username ? { username: options.username } : {}),
    });
    try {
      await webhook.send(payload);
    } catch (error) {
      if (error instanceof IncomingWebhookHTTPError) {
        throw new SlackHttpError(error.statusCode, error.body ?? '', parseRetryAfter(retryAfter));
      }
      throw error;
    }
  }

  function failure(error: unknown): NotifyError {
    const failure = error instanceof RetryFailure ? error : new RetryFailure(error, 1, 'permanent');
    const last = failure.lastError;
    const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}`;
    let message: string;
    if (last instanceof SlackHttpError) {
      const body = oneLineBody(last.body);
      const answer = `HTTP ${last.status}${body ? ` ${body}` : ''}`;
      message =
        failure.reason === 'permanent'
          ? `Slack webhook rejected the message: ${answer} (not retried: fix the webhook URL, channel or payload)`
          : `Slack webhook kept failing: ${answer} (gave up after ${attempts})`;
    } else {
      message = `cannot reach the Slack webhook: ${rootReason(last)} (gave up after ${attempts})`;
    }
    // No `cause`: library errors may quote the URL, and causes get logged whole.
    return new NotifyError('slack', redact(message, secrets));
  }

  return {
    id,
    async send(notification: Notification): Promise<void> {
      const message = formatSlack(notification);
      try {
        await withRetries(() => post({ text: message.text, blocks: message.blocks }), classify, {
          retries: options.retries,
          baseDelayMs: delays.baseDelayMs ?? 1000,
          maxDelayMs: delays.maxDelayMs ?? 60_000,
          ...(delays.sleep ? { sleep: delays.sleep } : {}),
        });
      } catch (error) {
        throw failure(error);
      }
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
