/**
 * The HTTP side of `serve`: a node:http server with five routes, each in its own module.
 *
 *   GET|HEAD /lists/<source|all>.<format>   serve/lists.ts
 *   GET|HEAD / and /history                 serve/history.ts (the history page)
 *   POST     /run                           serve/trigger.ts
 *   GET      /healthz                       serve/health.ts
 *   GET      /metrics                       serve/metrics.ts
 *
 * Errors a route raises as HttpProblem become JSON `{"error": ...}` with their status; anything
 * else is a 500 whose message is logged, not sent (it may name paths of the machine).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../errors/index.js';
import { type HealthSources, serveHealth } from './health.js';
import type { HistoryReader } from '../report/model.js';
import { serveHistory } from './history.js';
import { HttpProblem, sendJson } from './http.js';
import { type CatalogReader, serveList } from './lists.js';
import { serveMetrics } from './metrics.js';
import { type TriggerSettings, serveTrigger } from './trigger.js';

export interface ServeRoutes {
  lists: CatalogReader;
  /** GET / and /history, when given. */
  history?: HistoryReader;
  trigger: TriggerSettings;
  health: HealthSources;
  log: (line: string) => void;
}

export interface RunningServer {
  /** `http://host:port` as bound (the real port when 0 was asked for). */
  readonly url: string;
  /** Stops accepting connections; the open ones may finish what they are doing. */
  stopListening(): void;
  /** Resolves when every connection has ended; after `graceMs` the remaining ones are cut. */
  closed(graceMs: number): Promise<void>;
}

async function route(req: IncomingMessage, res: ServerResponse, routes: ServeRoutes): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://serve.invalid');
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  if (url.pathname === '/run') return serveTrigger(req, res, url, routes.trigger);
  const history = (url.pathname === '/' || url.pathname === '/history') && routes.history;
  if (url.pathname.startsWith('/lists/') || url.pathname === '/healthz' || url.pathname === '/metrics' || history) {
    if (!readOnly) throw new HttpProblem(405, `${url.pathname} answers GET and HEAD`, { allow: 'GET, HEAD' });
    if (history) return serveHistory(req, res, history);
    if (url.pathname === '/healthz') return serveHealth(req, res, routes.health);
    if (url.pathname === '/metrics') return serveMetrics(req, res, routes.health);
    return serveList(req, res, url, routes.lists);
  }
  throw new HttpProblem(404, 'not found: /, /lists/<source or all>.<format>, /history, /healthz, /metrics, POST /run');
}

export async function startServer(routes: ServeRoutes, listen: { host: string; port: number }): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    route(req, res, routes).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpProblem) {
        sendJson(req, res, err.status, { error: err.message }, err.headers);
        return;
      }
      routes.log(`${req.method} ${req.url}: ${errorMessage(err)}`);
      sendJson(req, res, 500, { error: 'internal error; see the server log' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is in use' : errorMessage(err);
      reject(new Error(`cannot listen on ${listen.host}:${listen.port}: ${why}`));
    });
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const closing = new Promise<void>((resolve) => server.once('close', () => resolve()));
  return {
    url: `http://${host}:${address.port}`,
    stopListening: () => {
      if (server.listening) server.close();
    },
    closed: async (graceMs) => {
      if (server.listening) server.close();
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      cut.unref();
      await closing;
      clearTimeout(cut);
    },
  };
}
