/**
 * Generic JSON webhook, for SOAR and ticketing tools: POSTs every notification as one JSON
 * document of a stable, versioned schema (`schema: "endpoint-watch.alert/1"`, documented in the
 * README). Changes carry everything the change set holds (type, kind, value, section, region,
 * row, severity, impact, ports and Required flag of the entry, before/after of modified
 * fields); `id` is the same for every delivery of one alert, so a receiver can drop a
 * duplicate (a process killed between delivery and crossing it off the outbox re-sends).
 *
 * With `secret`, the body is signed: `X-Endpoint-Watch-Signature: sha256=<hex HMAC-SHA256 of the
 * raw body>`. Custom `headers` (an API token for the receiver) are sent as given and redacted
 * from errors like the URL and the secret.
 */
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { digestTitle } from './digest.js';
import { webhookPayload } from './render/webhook.js';
import { postJson, type PostDelays } from './post-json.js';
import type { Digest, Notification, Notifier, NotifierContext, NotifierModule } from './types.js';

export { WEBHOOK_SCHEMA, webhookPayload } from './render/webhook.js';
export const SIGNATURE_HEADER = 'x-endpoint-watch-signature';

export const webhookOptionsSchema = z.strictObject({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** HMAC-SHA256 key for the signature header (or `secretFile:`). */
  secret: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'must be a header name' }), z.string()).optional(),
  /** Changes sent at most (the rest counted in `truncated`); `history --json` has them all. */
  maxChanges: z.number().int().min(1).max(100_000).default(5000),
  timeoutSeconds: z.number().positive().max(300).default(10),
  retries: z.number().int().min(0).max(10).default(3),
});

export type WebhookOptions = z.output<typeof webhookOptionsSchema>;

/** `sha256=<hex>`: what a receiver recomputes over the raw body with the shared secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const DIGEST_SCHEMA = 'endpoint-watch.digest/1';

/** A digest: its items are the alert documents each would have been on its own. */
export function webhookDigestPayload(digest: Digest, maxChanges = 5000): Record<string, unknown> {
  const items = digest.items.map((item) => webhookPayload(item, maxChanges));
  return {
    schema: DIGEST_SCHEMA,
    type: 'digest',
    id: createHash('sha256')
      .update(JSON.stringify(items.map((item) => item['id'])))
      .digest('hex')
      .slice(0, 32),
    title: digestTitle(digest),
    every: digest.schedule.every,
    since: digest.since,
    possibleDuplicate: digest.possibleDuplicate ?? false,
    items,
  };
}

export function createWebhookNotifier(options: WebhookOptions, delays: PostDelays = {}): Notifier {
  const id = `webhook:${new URL(options.url).host}`;
  const custom = options.headers ?? {};
  return {
    id,
    type: 'webhook',
    sendDigest: (digest: Digest) => post(webhookDigestPayload(digest, options.maxChanges), 'digest'),
    send: (notification: Notification) => post(webhookPayload(notification, options.maxChanges), notification.type),
  };

  async function post(payload: Record<string, unknown>, event: string): Promise<void> {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { ...custom, 'x-endpoint-watch-event': event };
    if (options.secret) headers[SIGNATURE_HEADER] = signBody(body, options.secret);
    await postJson(
      {
        notifier: id,
        peer: 'webhook',
        url: options.url,
        body,
        headers,
        timeoutSeconds: options.timeoutSeconds,
        retries: options.retries,
        secrets: [...(options.secret ? [options.secret] : []), ...Object.values(custom)],
      },
      delays,
    );
  }
}

export const webhookNotifier: NotifierModule<WebhookOptions> = {
  type: 'webhook',
  description: 'POSTs each alert as versioned JSON (optionally HMAC-signed) for SOAR and ticketing tools.',
  options: webhookOptionsSchema,
  create: (options: WebhookOptions, _context: NotifierContext) => createWebhookNotifier(options),
};
