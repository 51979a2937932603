/** Loading the config and building what the pipeline needs from it: the one place registries meet config. */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { loadConfig, resolveNotifiers, type Config } from '../config/load.js';
import { configureOutbound, proxyRoute } from '../outbound/agent.js';
import { parsers } from '../parsers/registry.js';
import { notifierModules, createNotifiers, defaultNotifiers } from '../notify/registry.js';
import type { Notifier } from '../notify/types.js';
import { SnapshotStore } from '../store/snapshots.js';
import { Outbox } from '../store/outbox.js';
import { WithheldStore } from '../store/withheld.js';
import { UsageError } from '../errors/index.js';
import type { PipelineContext, SourceSpec } from '../pipeline/run.js';
import { RemoteSync } from '../pipeline/sync.js';
import type { CliIo } from './io.js';

export const DEFAULT_CONFIG = 'endpoint-watch.yaml';

export async function readConfig(io: CliIo, path: string | undefined): Promise<Config> {
  const notifierSchemas = new Map([...notifierModules].map(([type, module]) => [type, module.options]));
  const config = await loadConfig(resolve(io.cwd, path ?? DEFAULT_CONFIG), {
    env: io.env,
    formats: [...parsers.keys()],
    notifierSchemas,
  });
  // The config's `proxy:` (read only if something goes out) overrides the environment's.
  configureOutbound(() => proxyRoute(io.env, config.proxy.resolve()));
  return config;
}

export function sourceSpecs(config: Config, only?: string): SourceSpec[] {
  const all = config.sources.map((s) => ({
    id: s.id,
    url: s.url,
    format: s.format ?? null,
    timeoutSeconds: s.timeoutSeconds,
    retries: s.retries,
    confirmAfterMs: s.confirmAfterMs,
    ...(s.failureAlertAfter ? { failureAlertAfter: s.failureAlertAfter } : {}),
    ...(s.failureRepeatAfterMs !== undefined ? { failureRepeatAfterMs: s.failureRepeatAfterMs } : {}),
    ...(s.parseTimeoutSeconds !== undefined ? { parseTimeoutSeconds: s.parseTimeoutSeconds } : {}),
    ...(s.parseMemoryMb !== undefined ? { parseMemoryMb: s.parseMemoryMb } : {}),
    ...(s.maxDocumentBytes !== undefined ? { maxDocumentBytes: s.maxDocumentBytes } : {}),
    ...(s.maxNestingDepth !== undefined ? { maxNestingDepth: s.maxNestingDepth } : {}),
    ...(s.filter ? { filter: s.filter } : {}),
    pageUrl: s.pageUrl ?? null,
  }));
  if (!only) return all;
  const picked = all.filter((s) => s.id === only);
  if (picked.length === 0) {
    throw new UsageError(`no source "${only}" in the config (sources: ${all.map((s) => s.id).join(', ') || 'none'})`);
  }
  return picked;
}

/** Builds the configured notifiers: the one place their secrets are read (`${VAR}`, `*File`). */
export function buildNotifiers(config: Config, consoleStream: Writable): Notifier[] {
  const context = { stdout: consoleStream };
  return config.notifiers.length ? createNotifiers(resolveNotifiers(config), context) : defaultNotifiers(context);
}

export async function pipelineContext(config: Config, notifiers: Notifier[], log: Writable): Promise<PipelineContext> {
  const store = await SnapshotStore.open(config.snapshotDir);
  return {
    store,
    outbox: Outbox.forSnapshotDir(store.dir),
    withheld: WithheldStore.forSnapshotDir(store.dir),
    notifiers,
    commitUrl: config.commitUrl ?? null,
    log,
    ...(config.git ? { sync: new RemoteSync(config.git) } : {}),
  };
}
