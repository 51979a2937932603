/**
 * The one HTTP agent every outbound request goes through (documents, Slack, any webhook), so a
 * proxy applies to all of them or to none.
 *
 * undici's EnvHttpProxyAgent does the work: HTTPS through the proxy with CONNECT, plain HTTP as
 * an absolute-URI request to the proxy (what HTTP_PROXY means to curl and most proxies), direct
 * for hosts NO_PROXY names (`example.com` also covers its subdomains, `.example.com` and
 * `*.example.com` the same, `host:port` one port, `*` everything). The variables are read from
 * the environment the command was given (lower-case first, as curl does), not from whatever
 * process.env holds, and a `proxy:` config key overrides them.
 */
import type { Dispatcher, EnvHttpProxyAgent } from 'undici';
import type { ProxySettings } from '../config/sections.js';
import { ConfigError } from '../errors/index.js';
import { redactLocation } from '../ingest/location.js';
import { undiciParts } from './undici.js';

export type Environment = Readonly<Record<string, string | undefined>>;
export type { ProxySettings };

/** Which proxies requests will use, for logs (credentials removed). */
export interface ProxyRoute {
  http: string | null;
  https: string | null;
  noProxy: string;
}

/** How long connecting (TCP and TLS, to the proxy or the server) may take. */
const CONNECT_TIMEOUT_MS = 30_000;

function variable(env: Environment, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A proxy URL must be http(s):// (or socks5://); anything else is refused before a request fails oddly. */
function checkedProxyUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${where}: not a URL (write http://host:port)`);
  }
  if (!['http:', 'https:', 'socks5:', 'socks:'].includes(url.protocol) || !url.hostname) {
    throw new ConfigError(
      `${where}: ${redactLocation(value)} is not a proxy URL (write http://host:port, https://... or socks5://...)`,
    );
  }
  return value;
}

/** The proxies for this environment and config, without building anything. */
export function proxyRoute(env: Environment, proxy: ProxySettings | null = null): ProxyRoute {
  const noProxy = proxy?.noProxy ?? variable(env, 'NO_PROXY') ?? '';
  if (proxy) {
    const url = proxy.url === null ? null : checkedProxyUrl(proxy.url, 'proxy');
    return { http: url, https: url, noProxy };
  }
  const httpVar = variable(env, 'HTTP_PROXY');
  const http = httpVar === undefined ? null : checkedProxyUrl(httpVar, 'HTTP_PROXY');
  const httpsVar = variable(env, 'HTTPS_PROXY');
  const https = httpsVar === undefined ? http : checkedProxyUrl(httpsVar, 'HTTPS_PROXY');
  return { http, https, noProxy };
}

/** "direct" or "http://proxy:3128 (https: ..., except localhost)", credentials removed. */
export function describeRoute(route: ProxyRoute): string {
  if (!route.http && !route.https) return 'direct (no proxy)';
  const parts =
    route.http === route.https
      ? [`through ${redactLocation(route.http!)}`]
      : [
          `http through ${route.http ? redactLocation(route.http) : 'none'}`,
          `https through ${route.https ? redactLocation(route.https) : 'none'}`,
        ];
  if (route.noProxy) parts.push(`except ${route.noProxy}`);
  return parts.join(', ');
}

/**
 * Extra trust for TLS servers: a test's self-signed server. In production, a TLS-inspecting
 * proxy's root certificate goes in NODE_EXTRA_CA_CERTS, which Node adds to the default store.
 */
export interface OutboundTls {
  ca?: string | Buffer;
}

export function createOutboundAgent(route: ProxyRoute, tls: OutboundTls = {}): Dispatcher {
  // Loaded when the first agent is built: a command that never goes out does not pay for it.
  const Agent = undiciParts.Agent();
  const EnvHttpProxyAgent = undiciParts.EnvHttpProxyAgent();
  const common = { connect: { timeout: CONNECT_TIMEOUT_MS, ...tls } };
  if (!route.http && !route.https) return new Agent(common);
  // Every value is passed explicitly ('' = none), so undici never falls back to process.env.
  return new EnvHttpProxyAgent({
    ...common,
    // The TLS session to the server inside a CONNECT tunnel.
    requestTls: { ...tls },
    httpProxy: route.http ?? '',
    httpsProxy: route.https ?? '',
    noProxy: route.noProxy,
    // Plain http:// URLs go to the proxy as absolute-URI requests, not through a CONNECT tunnel:
    // many corporate proxies allow CONNECT to port 443 only.
    proxyTunnel: false,
  } as EnvHttpProxyAgent.Options);
}

let current: { agent: Dispatcher; route: ProxyRoute } | null = null;
let pending: (() => ProxyRoute) | null = null;

/**
 * Sets where the shared agent's proxy settings come from: the command's environment and, once
 * the config is read, its `proxy:` key. Resolved on first use, so a command that never goes
 * out (history, export) never reads proxy credentials.
 */
export function configureOutbound(route: () => ProxyRoute): void {
  const previous = current;
  current = null;
  pending = route;
  // Idle keep-alive sockets of the agent being replaced are closed in the background.
  previous?.agent.close().catch(() => undefined);
}

/** The shared agent; built on first use from what `configureOutbound` set, else from process.env. */
export function outboundAgent(): Dispatcher {
  if (!current) {
    const route = pending ? pending() : proxyRoute(process.env);
    current = { agent: createOutboundAgent(route), route };
  }
  return current.agent;
}

/** The proxies the shared agent uses (builds it when needed). */
export function outboundRoute(): ProxyRoute {
  outboundAgent();
  return current!.route;
}
