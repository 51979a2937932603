/**
 * The one retry policy of every outbound call: documents and Slack over HTTP (applied by undici's
 * retry interceptor, see outbound/request.ts), email over SMTP (applied by `withRetries`).
 *
 * What is worth another attempt is the caller's to say per failure (a 429 or a 5xx is, a 404 or an
 * SMTP 550 is not); how long to wait is decided here, the same way everywhere: the server's
 * Retry-After when it gave one, capped, else exponential backoff, capped. Waits go through an
 * injectable `sleep`, so tests run in milliseconds and a hostile Retry-After cannot stall a run.
 */

export interface RetryPolicy {
  /** Further attempts after the first one (0 = try once). */
  retries: number;
  /** Delay before the first retry; doubled for each one after. */
  baseDelayMs: number;
  /** Upper bound of the backoff. */
  maxDelayMs: number;
  /** Upper bound of a wait the server asked for (Retry-After); default `maxDelayMs`. */
  retryAfterCapMs?: number;
  /** Waits; replaced in tests. Rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What a caller makes of one failed attempt. */
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

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Wait before retry number `retry` (1-based): the server's delay or the backoff, each capped. */
export function retryDelay(
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'retryAfterCapMs'>,
  retry: number,
  requestedMs?: number | null,
): number {
  if (requestedMs !== null && requestedMs !== undefined) {
    return Math.max(0, Math.min(requestedMs, policy.retryAfterCapMs ?? policy.maxDelayMs));
  }
  return Math.max(0, Math.min(policy.baseDelayMs * 2 ** Math.max(0, retry - 1), policy.maxDelayMs));
}

/**
 * Parses a Retry-After header (delta-seconds or an HTTP date) into milliseconds; null when absent
 * or unreadable, so the backoff applies. Never negative.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** HTTP answers worth asking again: rate limited, or the server (or a gateway before it) failed. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** The wait an answer asks for: Retry-After is honoured on 429 and 503, where it means "come back then". */
export function requestedDelay(status: number, retryAfter: string | null | undefined): number | null {
  return status === 429 || status === 503 ? parseRetryAfter(retryAfter) : null;
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
