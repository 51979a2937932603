/**
 * A stand-in for a Slack incoming webhook: a real `node:http` server on 127.0.0.1 (random
 * port) that records every POST and answers from a script.
 *
 *   const slack = await startSlackStub();
 *   slack.respond({ status: 429, headers: { 'retry-after': '0' } }, { status: 500 });
 *   // ... post to slack.url ...
 *   assert.equal(slack.requests.length, 3);   // 429, 500, then the default 200 'ok'
 *   await slack.close();
 *
 * With nothing scripted it answers like Slack does on success: 200, body `ok`.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

/** One scripted answer. */
export interface SlackStubResponse {
  status: number;
  /** Response body; defaults to `ok` for 2xx and a Slack-like error word otherwise. */
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (the client must time out); the socket is destroyed on close(). */
  hang?: boolean;
  /** Answer only after this many milliseconds (a slow Slack that still posts the message). */
  delayMs?: number;
}

/** One POST the stub received, answered or not. */
export interface SlackStubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  raw: string;
  /** Body parsed as JSON; undefined when it was not JSON. */
  body: unknown;
  /** Status the stub answered with (null for a hung request). */
  status: number | null;
}

export interface SlackStub {
  /**
   * The webhook URL to configure; its path looks like a real webhook secret, so tests can
   * check that it never leaks into error messages.
   */
  readonly url: string;
  /** The secret-looking path part of `url`. */
  readonly secretPath: string;
  /** Every request received, in order (including rejected ones). */
  readonly requests: SlackStubRequest[];
  /**
   * Parsed bodies of the requests answered with 2xx: what Slack would have shown. A delayed
   * answer counts as soon as it is scheduled: Slack posts before it answers.
   */
  delivered(): unknown[];
  /** Called with each request as it arrives, before it is answered (tests record what else had happened by then). */
  onRequest: ((request: SlackStubRequest) => void) | null;
  /** Queues answers for the next requests, in order; after they run out, 200 `ok`. */
  respond(...responses: SlackStubResponse[]): void;
  close(): Promise<void>;
}

function defaultBody(status: number): string {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 400) return 'invalid_payload';
  if (status === 403) return 'action_prohibited';
  if (status === 404) return 'no_service';
  if (status === 429) return 'rate_limited';
  return 'internal_error';
}

export async function startSlackStub(): Promise<SlackStub> {
  const script: SlackStubResponse[] = [];
  const requests: SlackStubRequest[] = [];
  const sockets = new Set<Socket>();
  const secretPath = `/services/T0STUB0001/B0STUB0002/${randomBytes(12).toString('hex')}`;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const record: SlackStubRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        body,
        status: 404,
      };
      requests.push(record);
      stub.onRequest?.(record);
      // A real webhook only answers on its own path; a wrong one does not use up the script.
      if (req.method !== 'POST' || req.url !== secretPath) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
        return;
      }
      const next: SlackStubResponse = script.shift() ?? { status: 200 };
      record.status = next.hang ? null : next.status;
      // A hung request is left open; close() destroys its socket.
      if (next.hang) return;
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers });
        res.end(next.body ?? defaultBody(next.status));
      };
      if (next.delayMs) setTimeout(answer, next.delayMs);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const stub: SlackStub = {
    onRequest: null,
    url: `http://127.0.0.1:${port}${secretPath}`,
    secretPath,
    requests,
    delivered: () => requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300).map((r) => r.body),
    respond: (...responses) => {
      script.push(...responses);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return stub;
}
