/**
 * A stand-in documentation site for tests: a real node:http server on 127.0.0.1 (random port)
 * whose answer for each path is scripted.
 *
 * ```ts
 * const site = await startDocServer();
 * site.set('/network.md', reply.document('| a | b |', { etag: '"v1"' }));
 * site.set('/busy.md', reply.status(429, { retryAfter: '0' }), reply.document('ok'));
 * // ... fetch site.url('/network.md') ...
 * assert.equal(site.requestCount('/busy.md'), 2);
 * await site.close();
 * ```
 *
 * `set(path, ...replies)` answers the next requests with the replies in order and then keeps
 * answering with the last one; calling it again replaces the script (a new version of the
 * page). Paths are matched without the query string; an unscripted path is a 404.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How to answer one request. Build them with `reply.*`. */
export type Reply =
  | {
      kind: 'document';
      body: Buffer;
      status: number;
      contentType: string | null;
      /** Sent as ETag; a request with a matching If-None-Match gets a 304. */
      etag: string | null;
      /** Sent as Last-Modified; a request with If-Modified-Since at or after it gets a 304. */
      lastModified: string | null;
      /** Send the body in pieces without Content-Length (as many CDNs do). */
      chunked: boolean;
    }
  | { kind: 'status'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'redirect'; status: number; location: string }
  | { kind: 'hang' };

export interface DocumentReplyOptions {
  /** Default `text/markdown; charset=utf-8`; null sends no Content-Type. */
  contentType?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  status?: number;
  chunked?: boolean;
}

export const reply = {
  /** A document (200 unless `status` says otherwise). */
  document(body: string | Buffer, options: DocumentReplyOptions = {}): Reply {
    return {
      kind: 'document',
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      status: options.status ?? 200,
      contentType: options.contentType === undefined ? 'text/markdown; charset=utf-8' : options.contentType,
      etag: options.etag ?? null,
      lastModified: options.lastModified ?? null,
      chunked: options.chunked ?? false,
    };
  },
  /** An error page with status 200, as a CDN or a login wall serves it. */
  errorPage(
    html = '<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><h1>Sorry, something went wrong</h1></body></html>',
  ): Reply {
    return reply.document(html, { contentType: 'text/html; charset=utf-8' });
  },
  /** A bare status (429, 500, 404, ...), with an optional Retry-After and extra headers. */
  status(
    status: number,
    options: { retryAfter?: string; headers?: Record<string, string>; body?: string } = {},
  ): Reply {
    const headers = { ...options.headers };
    if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter;
    return { kind: 'status', status, headers, body: options.body ?? '' };
  },
  /** A redirect to `location` (a path on this server or an absolute URL). */
  redirect(location: string, status = 302): Reply {
    return { kind: 'redirect', status, location };
  },
  /** Accept the request and never answer (for timeouts). close() still ends the socket. */
  hang(): Reply {
    return { kind: 'hang' };
  },
};

/** What the server saw for one request. */
export interface SeenRequest {
  path: string;
  /** The query string as sent, with its `?` (empty when none). */
  search: string;
  headers: IncomingHttpHeaders;
}

export interface DocServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Script the answers for `path` (replaces any earlier script and its progress). */
  set(path: string, ...replies: [Reply, ...Reply[]]): void;
  /** Requests received for `path` since the server started (or since `resetCounts`). */
  requestCount(path: string): number;
  /** Every request received, in order. */
  readonly requests: readonly SeenRequest[];
  /** The most recent request for `path`, or undefined. */
  lastRequest(path: string): SeenRequest | undefined;
  resetCounts(): void;
  /** Stops listening and ends every open connection, hung ones included. */
  close(): Promise<void>;
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const weakless = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || weakless(tag) === weakless(etag));
}

function notModifiedSince(ifModifiedSince: string | undefined, lastModified: string): boolean {
  if (!ifModifiedSince) return false;
  const since = Date.parse(ifModifiedSince);
  const modified = Date.parse(lastModified);
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
}

function answer(req: IncomingMessage, res: ServerResponse, script: Reply): void {
  switch (script.kind) {
    case 'hang':
      return;
    case 'redirect':
      res.writeHead(script.status, { location: script.location, 'content-length': '0' });
      res.end();
      return;
    case 'status': {
      const body = Buffer.from(script.body, 'utf8');
      res.writeHead(script.status, { ...script.headers, 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    case 'document': {
      const validators: Record<string, string> = {};
      if (script.etag) validators.etag = script.etag;
      if (script.lastModified) validators['last-modified'] = script.lastModified;
      // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
      const fresh =
        script.etag && req.headers['if-none-match'] !== undefined
          ? matchesEtag(req.headers['if-none-match'], script.etag)
          : script.lastModified !== null && notModifiedSince(req.headers['if-modified-since'], script.lastModified);
      if (fresh && script.status === 200) {
        res.writeHead(304, validators);
        res.end();
        return;
      }
      const headers: Record<string, string> = { ...validators };
      if (script.contentType) headers['content-type'] = script.contentType;
      if (script.chunked) {
        res.writeHead(script.status, headers);
        const piece = Math.max(1, Math.ceil(script.body.length / 4));
        for (let offset = 0; offset < script.body.length; offset += piece)
          res.write(script.body.subarray(offset, offset + piece));
        res.end();
        return;
      }
      headers['content-length'] = String(script.body.length);
      res.writeHead(script.status, headers);
      res.end(script.body);
      return;
    }
  }
}

export async function startDocServer(): Promise<DocServer> {
  const scripts = new Map<string, { replies: Reply[]; next: number }>();
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const { pathname: path, search } = new URL(req.url ?? '/', 'http://placeholder');
    requests.push({ path, search, headers: req.headers });
    const script = scripts.get(path);
    if (!script) {
      answer(req, res, reply.status(404, { body: `no route for ${path}` }));
      return;
    }
    const current = script.replies[Math.min(script.next, script.replies.length - 1)]!;
    script.next++;
    answer(req, res, current);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    set(path, ...replies) {
      scripts.set(path, { replies, next: 0 });
    },
    requestCount: (path) => requests.filter((r) => r.path === path).length,
    requests,
    lastRequest: (path) => requests.filter((r) => r.path === path).at(-1),
    resetCounts() {
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // server.close() waits for open connections; a hung request would keep it waiting forever.
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
