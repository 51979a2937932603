/**
 * A real forward proxy on 127.0.0.1 for tests, as corporate egress proxies work:
 *  - plain HTTP: the client sends `GET http://host:port/path` (absolute URI) and the proxy makes
 *    the request and relays the answer;
 *  - HTTPS: the client sends `CONNECT host:port`, the proxy answers 200 and pipes bytes both ways
 *    (TLS runs end to end, the proxy sees nothing of it).
 *
 *   const proxy = await startProxy();                       // or { refuse: 403 }, { credentials }
 *   env.HTTPS_PROXY = proxy.url;
 *   // ... fetch ...
 *   assert.deepEqual(proxy.seen.map((r) => r.kind), ['connect']);
 *   await proxy.close();
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxiedRequest {
  kind: 'forward' | 'connect';
  /** `http://host:port/path` for a forward, `host:port` for a CONNECT. */
  target: string;
  method: string;
  /** The Proxy-Authorization header the client sent, if any. */
  proxyAuthorization: string | null;
}

export interface ProxyOptions {
  /** Answer every request with this status instead of relaying it (403: "policy says no"). */
  refuse?: number;
  /** Require these Basic credentials, answering 407 without them. */
  credentials?: { user: string; password: string };
}

export interface TestProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly seen: ProxiedRequest[];
  close(): Promise<void>;
}

const REASONS: Record<number, string> = { 403: 'Forbidden', 407: 'Proxy Authentication Required', 502: 'Bad Gateway' };

export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const seen: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const expectedAuth = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : null;

  /** The status to refuse `req` with, or null to relay it. */
  const refusal = (req: IncomingMessage): number | null => {
    if (options.refuse) return options.refuse;
    if (expectedAuth && req.headers['proxy-authorization'] !== expectedAuth) return 407;
    return null;
  };
  const record = (kind: ProxiedRequest['kind'], req: IncomingMessage) =>
    seen.push({
      kind,
      target: req.url ?? '',
      method: req.method ?? '',
      proxyAuthorization: (req.headers['proxy-authorization'] as string | undefined) ?? null,
    });

  const server = createServer((req, res) => {
    record('forward', req);
    const refused = refusal(req);
    if (refused) {
      const extra: Record<string, string> = refused === 407 ? { 'proxy-authenticate': 'Basic realm="test"' } : {};
      res.writeHead(refused, { ...extra, 'content-type': 'text/plain', via: '1.1 test-proxy' });
      res.end(`refused by the test proxy (${refused})`);
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, via: '1.1 test-proxy' });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('upstream unreachable');
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    record('connect', req);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    const refused = refusal(req);
    if (refused) {
      client.end(`HTTP/1.1 ${refused} ${REASONS[refused] ?? 'Refused'}\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
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
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
