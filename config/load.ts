/**
 * Reading endpoint-watch.yaml: file -> YAML -> ${VAR} substitution -> schema -> resolved paths.
 *
 * Every failure is one ConfigError that names the file and the key (`sources[1].schedule:
 * ...`) and lists every problem found at that stage, so a user fixes the file in one pass.
 * Values taken from the environment or from `*File` secrets are usually secrets (webhook URLs,
 * SMTP passwords): they never appear in a message, which names the key and the variable instead.
 *
 * Notifier entries, `proxy:` and `serve:` are only shape-checked here and come back as
 * `Deferred` values (config/deferred.ts): their `${VAR}`s and files are read when a command
 * uses them, so a command that sends nothing needs none of their secrets.
 */
import type { CatalogFilter } from '../catalog/filter.js';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../errors/index.js';
import {
  DeferredSection,
  describeIssue,
  keyProblems,
  problemsError,
  resolveAll,
  type Deferred,
  type SectionContext,
} from './deferred.js';
import { scrubSecrets, substituteEnv, type Environment } from './env.js';
import {
  buildConfigSchema,
  notifierEntrySchema,
  requiredKeyMessage,
  urlScheme,
  SOURCE_KEYS,
  TOP_LEVEL_KEYS,
  type FailureAlertAfter,
  type NotifierConfig,
  type GitRemoteSettings,
} from './schema.js';
import { proxySchema, serveSchema, type ProxySettings, type ServeSettings } from './sections.js';

export type { GitRemoteSettings, NotifierConfig } from './schema.js';
export type { Deferred } from './deferred.js';
export type { Environment } from './env.js';
export type { ProxySettings, ServeSettings } from './sections.js';
export { formatKeyPath, substituteEnv } from './env.js';

/** `{key: value}` when the value is set, `{}` otherwise (optional fields stay absent). */
function optional<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return value === null ? {} : ({ [key]: value } as { [P in K]?: V });
}

export const DEFAULT_CONFIG_PATH = './endpoint-watch.yaml';

export interface SourceConfig {
  /** Slug, unique in the config; names the snapshot folder. */
  id: string;
  /** An http(s) or file:// URL, or an absolute path (relative paths are resolved against the config file). */
  url: string;
  /** Cron expression for `watch`. */
  schedule: string;
  /** Parser id, or null to detect the format from the content. */
  format: string | null;
  timeoutSeconds: number;
  retries: number;
  /** Milliseconds a page keeps a withheld state before its removals are confirmed (its own, or the top-level one); absent: 48h. */
  confirmAfterMs?: number;
  /** When a failing source is announced (its own, or the top-level one); absent: 3 runs or 6h. */
  failureAlertAfter?: FailureAlertAfter;
  /** How often a still-failing source is announced again; absent: daily. */
  failureRepeatAfterMs?: number;
  /** Parse bounds (its own, or the top-level ones); absent: 30 s, 1024 MB. */
  parseTimeoutSeconds?: number;
  parseMemoryMb?: number;
  /** Document limits (its own, or the top-level ones); absent: 64 MiB, nesting 100 deep. */
  maxDocumentBytes?: number;
  maxNestingDepth?: number;
  /** The slice of the document watched: `include` / `exclude` rules (catalog/filter.ts); absent: all of it. */
  filter?: CatalogFilter;
  /** The page people read, when `url` is not it (raw markdown, a feed); alerts link it. */
  pageUrl?: string | null;
}

/** A notifier entry of the file; `resolve()` gives its validated settings (secrets read then). */
export interface NotifierEntry extends Deferred<NotifierConfig> {
  readonly type: string;
}

export interface Config {
  /** Absolute path of the snapshot repository. */
  snapshotDir: string;
  /** Link template with {commit}, or null. */
  commitUrl: string | null;
  /** How long a run spends on alerts earlier runs left, in ms; null: the pipeline's default (120 s). */
  deliveryBudgetMs: number | null;
  /** The history page, `{source}` replaced per source, or null. */
  historyUrl: string | null;
  /** Sources fetched and parsed at the same time (commits and alerts one at a time, in config order). */
  concurrency: number;
  sources: SourceConfig[];
  /** Notifier entries, shape-checked; empty means the default (console only). See resolveNotifiers. */
  notifiers: NotifierEntry[];
  /** `proxy:` (null when absent: HTTP_PROXY / HTTPS_PROXY / NO_PROXY apply). */
  proxy: Deferred<ProxySettings | null>;
  /** `serve:`, with defaults when absent. */
  serve: Deferred<ServeSettings>;
  /** `git:` (null: the snapshot repository is local only). A relative path remote is resolved here. */
  git: GitRemoteSettings | null;
}

export interface LoadOptions {
  /** Where ${VAR} values come from (default process.env). */
  env?: Environment;
  /** Parser ids a source's `format` may name. */
  formats: readonly string[];
  /** Options schema per notifier type (from notify/registry.ts). */
  notifierSchemas: ReadonlyMap<string, z.ZodType>;
}

export interface ParseConfigOptions extends LoadOptions {
  /** Name of the file for messages. */
  file: string;
  /** Directory relative paths are resolved against (the config file's). */
  baseDir: string;
}

/** The keys of `serve:` and of the mapping form of `proxy:`. */
const SERVE_KEYS = ['port', 'host', 'token'] as const;
const PROXY_KEYS = ['url', 'noProxy'] as const;
const DEFERRED_KEYS = new Set(['notifiers', 'proxy', 'serve']);

/** The validated settings of every notifier entry; one ConfigError lists the problems of all of them. */
export function resolveNotifiers(config: Pick<Config, 'notifiers'>): NotifierConfig[] {
  return resolveAll(config.notifiers);
}

/** Keys a notifier type takes, from its schema (null when the schema is not a plain object). */
function schemaKeys(schema: z.ZodType | undefined): string[] | null {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : null;
}

function allowedKeys(path: readonly PropertyKey[]): readonly string[] | null {
  if (path.length === 0) return TOP_LEVEL_KEYS;
  if (path.length === 2 && path[0] === 'sources') return SOURCE_KEYS;
  return null;
}

/** Load-time checks of the deferred parts: known types and keys, well-formed `${...}`. */
function shapeProblems(raw: Record<string, unknown>, notifierSchemas: ReadonlyMap<string, z.ZodType>): string[] {
  const problems: string[] = [];
  const known = [...notifierSchemas.keys()].join(', ') || 'none';
  const notifiers = raw.notifiers;
  if (Array.isArray(notifiers)) {
    notifiers.forEach((entry, index) => {
      const path = ['notifiers', index];
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        problems.push(`notifiers[${index}]: must be a mapping with a type (one of: ${known})`);
        return;
      }
      const type = (entry as { type?: unknown }).type;
      if (type === undefined) problems.push(`notifiers[${index}].type: is required (one of: ${known})`);
      else if (typeof type !== 'string') problems.push(`notifiers[${index}].type: must be a string (one of: ${known})`);
      else if (!notifierSchemas.has(type))
        problems.push(`notifiers[${index}].type: unknown notifier type "${type}" (known types: ${known})`);
      else problems.push(...keyProblems(entry, path, schemaKeys(notifierSchemas.get(type))));
    });
  }
  if (raw.serve !== undefined && raw.serve !== null) {
    if (typeof raw.serve !== 'object' || Array.isArray(raw.serve))
      problems.push(`serve: must be a mapping (${SERVE_KEYS.join(', ')})`);
    else
      problems.push(
        ...keyProblems(raw.serve, ['serve'], SERVE_KEYS).map((p) => `${p} (allowed: ${SERVE_KEYS.join(', ')})`),
      );
  }
  if (raw.proxy !== null && typeof raw.proxy === 'object' && !Array.isArray(raw.proxy)) {
    problems.push(
      ...keyProblems(raw.proxy, ['proxy'], PROXY_KEYS).map((p) => `${p} (allowed: ${PROXY_KEYS.join(', ')})`),
    );
  }
  for (const key of DEFERRED_KEYS) {
    if (raw[key] !== undefined) problems.push(...substituteEnv(raw[key], null, [key]).problems);
  }
  return problems;
}

/** Turns the text of a config file into a Config, or throws one ConfigError. Pure except for reading `env`. */
export function parseConfig(text: string, options: ParseConfigOptions): Config {
  const { file, baseDir } = options;
  const env = options.env ?? process.env;

  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((err) => {
      const position = err.linePos?.[0];
      const reason = err.message.split(' at line ')[0]!.split('\n')[0]!;
      return position
        ? `line ${position.line}, column ${position.col}: YAML syntax error: ${reason}`
        : `YAML syntax error: ${reason}`;
    });
    throw problemsError(file, problems);
  }

  let parsed: unknown;
  try {
    parsed = document.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the YAML: ${errorMessage(err)}`);
  }
  if (parsed === null || parsed === undefined) {
    throw new ConfigError(`${file}: the file is empty; it needs at least a "sources" list`);
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file}: the top level must be a mapping of keys (${TOP_LEVEL_KEYS.join(', ')})`);
  }

  const raw = parsed as Record<string, unknown>;

  // Everything but the deferred parts is substituted and validated now.
  const eager = Object.fromEntries(Object.entries(raw).filter(([key]) => !DEFERRED_KEYS.has(key)));
  const substituted = substituteEnv(eager, env);
  const shape = shapeProblems(raw, options.notifierSchemas);
  if (substituted.problems.length > 0 || shape.length > 0)
    throw problemsError(file, [...substituted.problems, ...shape]);

  const schema = buildConfigSchema({ formats: options.formats, notifierSchemas: options.notifierSchemas });
  const deferredParts = Object.fromEntries(Object.entries(raw).filter(([key]) => DEFERRED_KEYS.has(key)));
  const result = schema.safeParse(
    { ...(substituted.value as object), ...deferredParts },
    { error: requiredKeyMessage },
  );
  if (!result.success) {
    const problems = result.error.issues
      .flatMap((issue) => describeIssue(issue, allowedKeys))
      .map((line) => scrubSecrets(line, substituted.used));
    throw problemsError(file, problems);
  }

  const context: SectionContext = { file, baseDir, env };
  const entrySchema = notifierEntrySchema(options.notifierSchemas) as z.ZodType<NotifierConfig>;
  const config = result.data;
  return {
    snapshotDir: resolve(baseDir, config.snapshotDir),
    commitUrl: config.commitUrl,
    deliveryBudgetMs: config.deliveryBudgetSeconds === null ? null : Math.round(config.deliveryBudgetSeconds * 1000),
    historyUrl: config.historyUrl,
    concurrency: config.concurrency,
    git: config.git
      ? {
          ...config.git,
          remote: /^\.\.?[\\/]/.test(config.git.remote) ? resolve(baseDir, config.git.remote) : config.git.remote,
        }
      : null,
    sources: config.sources.map((source) => ({
      id: source.id,
      url: resolveLocation(source.url, baseDir),
      schedule: source.schedule,
      format: source.format,
      timeoutSeconds: source.timeoutSeconds,
      retries: source.retries,
      ...(source.include.length || source.exclude.length
        ? { filter: { include: source.include, exclude: source.exclude } }
        : {}),
      ...(source.pageUrl ? { pageUrl: source.pageUrl } : {}),
      ...((source.confirmAfter ?? config.confirmAfter) !== null
        ? { confirmAfterMs: (source.confirmAfter ?? config.confirmAfter)! }
        : {}),
      ...optional('failureAlertAfter', source.failureAlertAfter ?? config.failureAlertAfter),
      ...optional('failureRepeatAfterMs', source.failureRepeatAfter ?? config.failureRepeatAfter),
      ...optional('parseTimeoutSeconds', source.parseTimeoutSeconds ?? config.parseTimeoutSeconds),
      ...optional('parseMemoryMb', source.parseMemoryMb ?? config.parseMemoryMb),
      ...optional('maxDocumentBytes', source.maxDocumentBytes ?? config.maxDocumentBytes),
      ...optional('maxNestingDepth', source.maxNestingDepth ?? config.maxNestingDepth),
    })),
    notifiers: config.notifiers.map((entry, index) => {
      const section = new DeferredSection(entry, ['notifiers', index], entrySchema, null, context, () => {
        throw new ConfigError(`${file}: notifiers[${index}] is empty`);
      });
      return Object.assign(section, { type: (entry as { type: string }).type });
    }),
    proxy: new DeferredSection<ProxySettings | null>(
      raw.proxy,
      ['proxy'],
      proxySchema,
      new Set(['url']),
      context,
      () => null,
    ),
    serve: new DeferredSection<ServeSettings>(raw.serve, ['serve'], serveSchema, new Set(['token']), context, () =>
      serveSchema.parse({}),
    ),
  };
}

/** URLs stay as they are; a local path becomes absolute, relative to the config file. */
function resolveLocation(location: string, baseDir: string): string {
  return urlScheme(location) === null ? resolve(baseDir, location) : location;
}

/** Reads and validates the config file at `path` (default ./endpoint-watch.yaml). */
export async function loadConfig(path: string = DEFAULT_CONFIG_PATH, options: LoadOptions): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ENOENT')
      throw new ConfigError(`config file ${path} not found; create one or pass --config`, { cause: err });
    if (code === 'EISDIR')
      throw new ConfigError(`config file ${path} is a directory; pass the YAML file with --config`, { cause: err });
    throw new ConfigError(`cannot read config file ${path}: ${errorMessage(err)}`, { cause: err });
  }
  const absolute = resolve(path);
  return parseConfig(text, { ...options, file: path, baseDir: dirname(absolute) });
}
