/**
 * One outbound HTTP request: through the shared agent (outbound/agent.ts, the proxy) and undici's
 * retry interceptor driven by our one policy (outbound/retry.ts). Used by the document fetcher and
 * by the Slack notifier, so both retry the same answers, honour Retry-After the same way and go
 * through the same proxy.
 *
 * The interceptor repeats an attempt on 429, 5xx, timeouts and network errors; every other answer
 * (2xx, 3xx, 304, 4xx) comes back at once, and so does the last answer when retries run out: the
 * caller reads its status and says what happened. Failures without an answer become an
 * OutboundError that says what kind of failure it was and how many attempts were made.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Dispatcher, interceptors } from 'undici';
import { errorMessage } from '../errors/index.js';
import { redactLocation } from '../ingest/location.js';
import { outboundAgent } from './agent.js';
import { undiciParts, undiciRequest } from './undici.js';
import { defaultSleep, isRetryableStatus, requestedDelay, retryDelay, type RetryPolicy } from './retry.js';

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Per attempt: how long to wait for the answer's headers, and then for each piece of its body. */
  timeoutMs: number;
  retry: RetryPolicy;
  signal?: AbortSignal;
  /** Default: the shared agent. */
  dispatcher?: Dispatcher;
}

export interface OutboundResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
  /** Requests made for this answer, retries included. */
  attempts: number;
}

/** `timeout`: no answer in time; `aborted`: the caller's signal; `proxy`: the proxy refused; `network`: the rest. */
export type OutboundFailureKind = 'timeout' | 'aborted' | 'proxy' | 'network';

/** A request that got no usable answer. The message never holds the URL: callers add it, redacted. */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundFailureKind,
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown; maybeDelivered?: boolean },
  ) {
    super(message, options);
    this.name = 'OutboundError';
    this.maybeDelivered = options?.maybeDelivered ?? false;
  }
  /**
   * A POST whose body was sent and whose answer did not come in time: the server may well have
   * acted on it (a Slack that answers 200 after 12 s). It is not retried (see `sendRequest`).
   */
  readonly maybeDelivered: boolean;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Timeouts that start once the request, body included, was written: the server has it. */
const ANSWER_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Whether a failed attempt may have reached the server and been acted on: a POST whose answer
 * timed out. Repeating it would post the same message again (5 copies for 5 attempts), so it is
 * not retried; the caller decides what to do with an alert that may have arrived.
 */
export function maybeDelivered(method: OutboundRequest['method'], err: unknown): boolean {
  const code = codeOf(err);
  return method === 'POST' && code !== undefined && ANSWER_TIMEOUT_CODES.has(code);
}

/** The proxy answered the CONNECT with something other than 200 (undici's wording). */
const TUNNEL_REFUSED = /^Proxy response \((\d{3})\)/;

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function proxyRefusal(err: unknown): number | null {
  const match = TUNNEL_REFUSED.exec(errorMessage(err));
  if (match) return Number(match[1]);
  // undici reports a 407 from a forwarding proxy as an invalid-argument error.
  if (/Proxy Authentication Required \(407\)/.test(errorMessage(err))) return 407;
  return null;
}

/** Whether a failure without an answer is worth another attempt. */
function retryableError(err: unknown): boolean {
  if (proxyRefusal(err) !== null) return false;
  const code = codeOf(err);
  // Our own abort, or a request undici refused to send: asking again changes nothing.
  if (code === 'UND_ERR_ABORTED' || code === 'UND_ERR_INVALID_ARG' || code === 'ABORT_ERR') return false;
  return (err as Error | null)?.name !== 'AbortError';
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function statusText(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

/** What went wrong, in words: undici's errors say what failed; the code (ECONNREFUSED) says why. */
export function describeFailure(
  err: unknown,
  timeoutMs: number,
  aborted: boolean,
): { kind: OutboundFailureKind; message: string } {
  if (aborted) return { kind: 'aborted', message: 'aborted' };
  const refused = proxyRefusal(err);
  if (refused === 407)
    return {
      kind: 'proxy',
      message: `the proxy asks for credentials (${statusText(407)}): put them in the proxy URL (http://user:password@host:port)`,
    };
  if (refused !== null)
    return {
      kind: 'proxy',
      message: `the proxy refused to connect to the server (${statusText(refused)}); check HTTPS_PROXY, HTTP_PROXY, NO_PROXY or proxy: in the config`,
    };
  const code = codeOf(err);
  if (code && TIMEOUT_CODES.has(code)) {
    const what =
      code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting timed out' : `timed out after ${formatSeconds(timeoutMs)}`;
    return { kind: 'timeout', message: what };
  }
  const message = redactLocation(errorMessage(err));
  if (code && !message.includes(code)) return { kind: 'network', message: `${message || 'network error'} (${code})` };
  return { kind: 'network', message: message || 'network error' };
}

/** Sends one request, retrying as the policy says; resolves with the final answer, whatever its status. */
export async function sendRequest(url: URL, options: OutboundRequest): Promise<OutboundResponse> {
  const { retry: policy, signal } = options;
  const sleep = policy.sleep ?? defaultSleep;
  let attempts = 1;

  let nextDelayMs: number | null = null;

  // undici calls this after each failed attempt (an answer to retry, or no answer at all) with the
  // number of attempts so far; `done(null)` asks for another one, `done(err)` gives up with err.
  // It decides at once: the wait happens in `waitBeforeRetry` below, before the next attempt is
  // sent. (Waiting in here would let the refused answer's body reach the caller: a forwarding
  // proxy connection does not honour undici's pause.)
  const decide: NonNullable<Parameters<typeof interceptors.retry>[0]>['retry'] = (err, { state }, done) => {
    const status = (err as { statusCode?: unknown }).statusCode;
    let requested: number | null = null;
    if (typeof status === 'number') {
      if (!isRetryableStatus(status)) return done(err);
      const retryAfter = (err as { headers?: IncomingHttpHeaders }).headers?.['retry-after'];
      requested = requestedDelay(status, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    } else if (!retryableError(err) || maybeDelivered(options.method, err)) {
      return done(err);
    }
    if (state.counter > policy.retries || signal?.aborted) return done(err);
    nextDelayMs = retryDelay(policy, state.counter, requested);
    attempts += 1;
    done(null);
  };

  /** Sits below the retry interceptor: holds a repeated attempt back for the decided delay. */
  const waitBeforeRetry: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    const wait = nextDelayMs;
    nextDelayMs = null;
    if (wait === null) return dispatch(opts, handler);
    sleep(wait, signal).then(
      () => dispatch(opts, handler),
      (err: unknown) => handler.onResponseError?.(null as never, err as Error),
    );
    return true;
  };

  const dispatcher = (options.dispatcher ?? outboundAgent()).compose(
    waitBeforeRetry,
    // throwOnError: false hands the last answer over as it is (a 503 stays a 503 with its body).
    undiciParts.retryInterceptor()({ retry: decide, throwOnError: false, methods: [options.method] }),
  );
  try {
    const response = await undiciRequest(url, {
      method: options.method,
      headers: options.headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
      dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body, attempts };
  } catch (err) {
    const failure = describeFailure(err, options.timeoutMs, signal?.aborted ?? false);
    const uncertain = !(signal?.aborted ?? false) && maybeDelivered(options.method, err);
    const message = uncertain
      ? `${failure.message} after the request was sent; it may have been delivered (not retried)`
      : failure.message;
    throw new OutboundError(failure.kind, message, attempts, { cause: err, maybeDelivered: uncertain });
  }
}
