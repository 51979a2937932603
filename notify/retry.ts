/**
 * The retry loop shared by the Slack and email notifiers.
 *
 * Each notifier decides per failure whether it is worth another attempt (a 429 or a 5xx is,
 * a 400 or an SMTP 550 is not) and may name a delay (Slack's Retry-After); everything else
 * is exponential backoff. Delays go through an injectable `sleep` and are capped, so tests
 * run in milliseconds and a hostile Retry-After cannot stall a run for hours.
 */

export interface RetryPolicy {
  /** Further attempts after the first one (0 = try once). */
  retries: number;
  /** Delay before the first retry; doubled for each one after. */
  baseDelayMs: number;
  /** Upper bound for any delay, including one the server asked for. */
  maxDelayMs: number;
  /** Waits; replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** What a notifier makes of one failed attempt. */
export type RetryDecision = { retry: false } | { retry: true; delayMs?: number | null };

/** Thrown by `withRetries` when it gives up: the last error and why it stopped. */
export class RetryFailure extends Error {
  readonly attempts: number;
  /** `permanent`: the last error was not worth retrying; `exhausted`: every retry was used. */
  readonly reason: 'permanent' | 'exhausted';
  readonly lastError: unknown;
  constructor(lastError: unknown, attempts: number, reason: 'permanent' | 'exhausted') {
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
    this.name = 'RetryFailure';
    this.lastError = lastError;
    this.attempts = attempts;
    this.reason = reason;
  }
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Backoff before retry number `retry` (1-based), or the server's delay, capped either way. */
export function retryDelay(
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retry: number,
  requestedMs?: number | null,
): number {
  const wanted = requestedMs ?? policy.baseDelayMs * 2 ** (retry - 1);
  return Math.max(0, Math.min(wanted, policy.maxDelayMs));
}

/** Runs `attempt` until it succeeds, `classify` calls a failure permanent, or retries run out. */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  classify: (error: unknown) => RetryDecision,
  policy: RetryPolicy,
): Promise<T> {
  const sleep = policy.sleep ?? defaultSleep;
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry) throw new RetryFailure(error, attemptNumber, 'permanent');
      if (attemptNumber > policy.retries) throw new RetryFailure(error, attemptNumber, 'exhausted');
      await sleep(retryDelay(policy, attemptNumber, decision.delayMs));
    }
  }
}

/**
 * Parses an HTTP Retry-After header (seconds or an HTTP date) into milliseconds; null when
 * absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/**
 * Removes secrets from text that is about to become an error message (which the outbox
 * writes to disk and the CLI prints). Each secret is also removed in its URL-encoded forms,
 * since libraries quote URLs and credentials both ways.
 */
export function redact(text: string, secrets: Array<string | null | undefined>): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(encodeURI(secret));
    try {
      variants.add(decodeURIComponent(secret));
    } catch {
      // Not valid percent-encoding: the raw form is covered already.
    }
  }
  // Longest first, so a URL is replaced whole before its path is. Strings under 4 characters
  // are left alone: replacing every "p" would wreck the message and hide nothing (we never
  // put secrets into messages ourselves; this only catches libraries quoting them).
  let out = text;
  for (const variant of [...variants].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(variant).join('***');
  }
  return out;
}
