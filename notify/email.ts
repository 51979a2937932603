/**
 * Email notifier: one message (text + HTML) to all recipients over SMTP (nodemailer).
 *
 * Transient failures are retried with the shared policy (outbound/retry.ts): no connection, a
 * dropped connection, a timeout, or a 4xx reply ("451 try again later", greylisting). 5xx replies (550 mailbox unavailable, 535 bad
 * login) are permanent and fail at once. The SMTP password is redacted from every error
 * message, because those are printed and written to the outbox file.
 */
import { z } from 'zod';
import nodemailer from 'nodemailer';
import { NotifyError, errorMessage } from '../errors/index.js';
import { mapStrings, visibleControls } from '../app/visible-text.js';
import { digestEmail } from './digest.js';
import { formatEmail, type EmailContent } from './format.js';
import { RetryFailure, withRetries, type RetryDecision } from '../outbound/retry.js';
import { redact } from './redact.js';
import type { Notification, Notifier, NotifierContext, NotifierModule } from './types.js';

function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const plainAddress = z.email();

/** "ew@example.com" or a display name with the address: "Endpoint Watch <ew@example.com>". */
function isFromAddress(value: string): boolean {
  const named = /^\s*"?([^"<>]*)"?\s*<([^<>]+)>\s*$/.exec(value);
  return plainAddress.safeParse(named ? named[2] : value).success;
}

export const emailOptionsSchema = z.strictObject({
  type: z.literal('email'),
  smtpUrl: z.string().refine(isSmtpUrl, { error: 'must be smtp://[user:pass@]host[:port] or smtps://...' }),
  from: z.string().refine(isFromAddress, {
    error: 'must be an address (ew@example.com) or a name and address (Endpoint Watch <ew@example.com>)',
  }),
  to: z.array(z.email()).min(1, { error: 'needs at least one recipient' }),
  subjectPrefix: z.string().default('[endpoint-watch]'),
  timeoutSeconds: z.number().positive().max(600).default(30),
  retries: z.number().int().min(0).max(10).default(2),
});

export type EmailOptions = z.output<typeof emailOptionsSchema>;

/** Timing knobs (injectable so tests do not sleep) and the warning sink. */
export interface EmailDelays {
  /** First backoff; doubles per retry (default 2 s). */
  baseDelayMs?: number;
  /** Cap on any wait (default 60 s). */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Where a partial delivery (some recipients refused) is reported. */
  warn?: (line: string) => void;
}

/** The fields nodemailer puts on its errors that we look at. */
interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Connection-level codes worth another attempt (nodemailer's and the OS's). */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

function classify(error: unknown): RetryDecision {
  const smtp = error as SmtpError;
  if (typeof smtp.responseCode === 'number') return { retry: smtp.responseCode >= 400 && smtp.responseCode < 500 };
  return { retry: typeof smtp.code === 'string' && TRANSIENT_CODES.has(smtp.code) };
}

/** host:port as configured, for messages (never the credentials). */
function serverLabel(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
}

export function createEmailNotifier(options: EmailOptions, delays: EmailDelays = {}): Notifier {
  const first = options.to[0]!;
  const id = `email:${first}`;
  const url = new URL(options.smtpUrl);
  const password = url.password;
  const secrets = [options.smtpUrl, password, safeDecode(password)];
  const server = serverLabel(options.smtpUrl);
  const timeoutMs = Math.round(options.timeoutSeconds * 1000);
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // No logging of the session: it would include the AUTH exchange.
    logger: false,
  });

  function failure(error: unknown): NotifyError {
    const failure = error instanceof RetryFailure ? error : new RetryFailure(error, 1, 'permanent');
    const last = failure.lastError as SmtpError;
    const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}`;
    const reason = (typeof last.response === 'string' ? last.response : errorMessage(failure.lastError))
      .replace(/\s+/g, ' ')
      .trim();
    let message: string;
    if (typeof last.responseCode === 'number' && last.responseCode >= 500) {
      const what = last.code === 'EAUTH' ? 'rejected the login' : 'refused the message';
      message = `SMTP server ${server} ${what}: ${reason} (permanent, not retried)`;
    } else if (typeof last.responseCode === 'number') {
      message = `SMTP server ${server} kept deferring the message: ${reason} (gave up after ${attempts})`;
    } else if (failure.reason === 'exhausted') {
      message = `cannot deliver through SMTP server ${server}: ${reason} (gave up after ${attempts})`;
    } else {
      message = `cannot send email through ${server}: ${reason}`;
    }
    // No `cause`: nodemailer errors carry the transport state, credentials included.
    return new NotifyError('email', redact(message, secrets));
  }

  return {
    id,
    type: 'email',
    // Document text never brings a terminal escape or bidi control into a mail client.
    send: (notification: Notification) =>
      mail(mapStrings(formatEmail(notification, { subjectPrefix: options.subjectPrefix }), visibleControls)),
    sendDigest: (digest) => mail(mapStrings(digestEmail(digest, options.subjectPrefix), visibleControls)),
  };

  async function mail(content: EmailContent): Promise<void> {
    try {
      const info = await withRetries(
        () =>
          transport.sendMail({
            from: options.from,
            to: options.to,
            subject: content.subject,
            text: content.text,
            html: content.html,
          }),
        classify,
        {
          retries: options.retries,
          baseDelayMs: delays.baseDelayMs ?? 2000,
          maxDelayMs: delays.maxDelayMs ?? 60_000,
          ...(delays.sleep ? { sleep: delays.sleep } : {}),
        },
      );
      const rejected = info.rejected ?? [];
      if (rejected.length && delays.warn) {
        // Some recipients took it: throwing would make the outbox re-send to them on every
        // run. The refused addresses are a config problem, so say so where people look.
        delays.warn(
          `email: SMTP server ${server} refused recipient(s) ${rejected.join(', ')}; the others got the message`,
        );
      }
    } catch (error) {
      throw failure(error);
    }
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export const emailNotifier: NotifierModule<EmailOptions> = {
  type: 'email',
  description: 'Sends an email (text and HTML) to a list of recipients over SMTP.',
  options: emailOptionsSchema,
  create: (options: EmailOptions, context: NotifierContext) =>
    createEmailNotifier(options, { warn: (line) => void context.stdout.write(`${line}\n`) }),
};
