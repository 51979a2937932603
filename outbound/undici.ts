/**
 * The parts of undici the outbound calls use, each required from its own file when first
 * needed. `require('undici')` loads all of it (110 modules: fetch, WebSocket, caches, mocks,
 * every interceptor), which was most of what an unchanged `run` spent starting up; these parts
 * are 38. Like the package's index, `withApi` puts the request API (`request`, `connect`, ...,
 * which the proxy agent's CONNECT uses) on Dispatcher.prototype. undici is pinned to one
 * version, and outbound/undici.test.ts checks that each part is the very object the package
 * exports, so an upgrade that moves a file fails there, loudly.
 */
import { createRequire } from 'node:module';
import type { Dispatcher, EnvHttpProxyAgent, interceptors } from 'undici';

const load = createRequire(import.meta.url);
let apiInstalled = false;

/** What the package's index does first: the request API on every dispatcher. */
function withApi<T>(part: T): T {
  if (!apiInstalled) {
    const base = load('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
    Object.assign(base.prototype, load('undici/lib/api/index.js'));
    apiInstalled = true;
  }
  return part;
}

export const undiciParts = {
  Agent: (): typeof import('undici').Agent => withApi(load('undici/lib/dispatcher/agent.js')),
  EnvHttpProxyAgent: (): typeof EnvHttpProxyAgent => withApi(load('undici/lib/dispatcher/env-http-proxy-agent.js')),
  retryInterceptor: (): typeof interceptors.retry => load('undici/lib/interceptor/retry.js'),
};

/** `undici.request(url, options)` without loading the rest of undici: the same request, by origin and path. */
export function undiciRequest(
  url: URL,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher },
): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = withApi(options);
  return dispatcher.request({ ...rest, origin: url.origin, path: `${url.pathname}${url.search}` });
}
