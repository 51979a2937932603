/** Loading the config and building what the pipeline needs from it: the one place registries meet config. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { loadConfig, resolveNotifiers, type Config } from '../config/load.js';
import { configureOutbound, proxyRoute } from '../outbound/agent.js';
import { PARSER_IDS } from '../parsers/ids.js';
import { buildNotifiersWith } from '../notify/build.js';
import { loadNotifierModules, NOTIFIER_TYPES } from '../notify/loaders.js';
import type { Notifier } from '../notify/types.js';
import { SnapshotStore } from '../store/snapshots.js';
import { Outbox } from '../store/outbox.js';
import { WithheldStore } from '../store/withheld.js';
import { UsageError } from '../errors/index.js';
import type { PipelineContext, SourceSpec } from '../pipeline/run.js';
import { RemoteSync } from '../pipeline/sync.js';
import type { CliIo } from './io.js';

export const DEFAULT_CONFIG = 'endpoint-watch.yaml';

/**
 * The notifier types a config file names, when it names only known ones: their modules are
 * all a command needs to load. null when the file cannot be read this way or names another
 * type: then every module is loaded, and the loader's error lists the known types.
 */
async function namedNotifierTypes(file: string): Promise<string[] | null> {
  try {
    const { parse } = await import('yaml');
    const raw = parse(await readFile(file, 'utf8')) as { notifiers?: unknown } | null;
    const entries = raw?.notifiers ?? [];
    if (!Array.isArray(entries)) return null;
    const types = entries.map((entry) => (entry as { type?: unknown } | null)?.type);
    return types.every((type): type is string => typeof type === 'string' && NOTIFIER_TYPES.includes(type))
      ? [...new Set(types)]
      : null;
  } catch {
    return null;
  }
}

export async function readConfig(io: CliIo, path: string | undefined): Promise<Config> {
  const file = resolve(io.cwd, path ?? DEFAULT_CONFIG);
  const modules = await loadNotifierModules((await namedNotifierTypes(file)) ?? NOTIFIER_TYPES);
  const notifierSchemas = new Map([...modules].map(([type, module]) => [type, module.options]));
  const config = await loadConfig(file, {
    env: io.env,
    formats: PARSER_IDS,
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

/**
 * Builds the configured notifiers: the one place their secrets are read (`${VAR}`, `*File`).
 * Only the modules of the types the config names are loaded (the console when it names none).
 */
export async function buildNotifiers(config: Config, consoleStream: Writable): Promise<Notifier[]> {
  const context = { stdout: consoleStream };
  if (!config.notifiers.length) {
    const { consoleNotifier } = await import('../notify/console.js');
    return [consoleNotifier.create({ type: 'console' }, context)];
  }
  const modules = await loadNotifierModules(config.notifiers.map((n) => n.type));
  return buildNotifiersWith(modules, resolveNotifiers(config), context, NOTIFIER_TYPES);
}

export async function pipelineContext(config: Config, notifiers: Notifier[], log: Writable): Promise<PipelineContext> {
  const store = await SnapshotStore.open(config.snapshotDir);
  return {
    store,
    outbox: Outbox.forSnapshotDir(store.dir),
    withheld: WithheldStore.forSnapshotDir(store.dir),
    notifiers,
    commitUrl: config.commitUrl ?? null,
    ...(config.deliveryBudgetMs !== null && config.deliveryBudgetMs !== undefined
      ? { deliveryBudgetMs: config.deliveryBudgetMs }
      : {}),
    historyUrl: config.historyUrl ?? null,
    log,
    concurrency: config.concurrency,
    ...(config.git ? { sync: new RemoteSync(config.git) } : {}),
  };
}
