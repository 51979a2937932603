/**
 * Reading endpoint-watch.yaml: file -> YAML -> ${VAR} substitution -> schema -> resolved paths.
 *
 * Every failure is one ConfigError that names the file and the key (`sources[1].schedule:
 * ...`) and lists every problem found at that stage, so a user fixes the file in one pass.
 * Values taken from the environment are usually secrets (webhook URLs, SMTP passwords): they
 * never appear in a message, which names the key and the variable instead.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, errorMessage } from '../errors/index.js';
import {
  buildConfigSchema,
  requiredKeyMessage,
  urlScheme,
  SOURCE_KEYS,
  TOP_LEVEL_KEYS,
  type NotifierConfig,
} from './schema.js';

export type { NotifierConfig } from './schema.js';

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
}

export interface Config {
  /** Absolute path of the snapshot repository. */
  snapshotDir: string;
  /** Link template with {commit}, or null. */
  commitUrl: string | null;
  sources: SourceConfig[];
  /** Validated notifier entries; empty means the default (console only). */
  notifiers: NotifierConfig[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  /** Where ${VAR} values come from (default process.env). */
  env?: Environment;
  /** Parser ids a source's `format` may name. */
  formats: readonly string[];
  /** Options schema per notifier type (from notify/registry.ts). */
  notifierSchemas: ReadonlyMap<string, z.ZodType>;
}

/** `sources[0].url`, `notifiers[1].to[0]`; '' for the top level. */
export function formatKeyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** One substituted variable, so its value can be kept out of later messages. */
interface UsedVariable {
  name: string;
  value: string;
}

/** `$${` (literal), `${NAME}` (substituted) or the start of a malformed reference. */
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)?(\})?/g;

/**
 * Replaces `${VAR}` in every string value (keys are left alone) from `env`. `$${VAR}` is the
 * literal text `${VAR}`. Returns the new value, or the problems by key path.
 */
export function substituteEnv(
  value: unknown,
  env: Environment,
): { value: unknown; used: UsedVariable[]; problems: string[] } {
  const used: UsedVariable[] = [];
  const problems: string[] = [];

  const visit = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') return substituteString(node, path);
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = visit(child, [...path, key]);
      return out;
    }
    return node;
  };

  const substituteString = (text: string, path: PropertyKey[]): string => {
    const where = formatKeyPath(path) || '(top level)';
    return text.replace(REFERENCE, (match, literal: string, name: string | undefined, close: string | undefined) => {
      if (literal) return match.slice(1);
      if (name === undefined || close === undefined) {
        problems.push(
          `${where}: malformed variable reference "${match}": write \${NAME} (letters, digits, _), or $\${ for a literal "\${"`,
        );
        return match;
      }
      const replacement = env[name];
      if (replacement === undefined) {
        problems.push(`${where}: environment variable ${name} is not set`);
        return match;
      }
      used.push({ name, value: replacement });
      return replacement;
    });
  };

  return { value: visit(value, []), used, problems };
}

/**
 * Replaces any substituted value in `message` by its `${NAME}`, as a last guard: a schema
 * (ours or a notifier's) may quote the value it rejects. Values under 4 characters are left,
 * since they are not secrets and would otherwise mangle unrelated text ("sources[1]").
 */
function scrubSecrets(message: string, used: UsedVariable[]): string {
  let out = message;
  const longestFirst = [...used].sort((a, b) => b.value.length - a.value.length);
  for (const { name, value } of longestFirst) {
    if (value.length >= 4) out = out.split(value).join(`\${${name}}`);
  }
  return out;
}

function problemsError(file: string, problems: string[]): ConfigError {
  if (problems.length === 1) return new ConfigError(`${file}: ${problems[0]}`);
  return new ConfigError(`${file}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed =
      issue.path.length === 0
        ? TOP_LEVEL_KEYS
        : issue.path.length === 2 && issue.path[0] === 'sources'
          ? SOURCE_KEYS
          : null;
    return issue.keys.map(
      (key) =>
        `${formatKeyPath([...issue.path, key])}: unknown key${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}`,
    );
  }
  const where = formatKeyPath(issue.path);
  return [where ? `${where}: ${issue.message}` : issue.message];
}

export interface ParseConfigOptions extends LoadOptions {
  /** Name of the file for messages. */
  file: string;
  /** Directory relative paths are resolved against (the config file's). */
  baseDir: string;
}

/** Turns the text of a config file into a Config, or throws one ConfigError. Pure except for reading `env`. */
export function parseConfig(text: string, options: ParseConfigOptions): Config {
  const { file, baseDir } = options;

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

  const substituted = substituteEnv(parsed, options.env ?? process.env);
  if (substituted.problems.length > 0) throw problemsError(file, substituted.problems);

  const schema = buildConfigSchema({ formats: options.formats, notifierSchemas: options.notifierSchemas });
  const result = schema.safeParse(substituted.value, { error: requiredKeyMessage });
  if (!result.success) {
    const problems = result.error.issues.flatMap(describeIssue).map((line) => scrubSecrets(line, substituted.used));
    throw problemsError(file, problems);
  }

  const raw = result.data;
  return {
    snapshotDir: resolve(baseDir, raw.snapshotDir),
    commitUrl: raw.commitUrl,
    sources: raw.sources.map((source) => ({
      id: source.id,
      url: resolveLocation(source.url, baseDir),
      schedule: source.schedule,
      format: source.format,
      timeoutSeconds: source.timeoutSeconds,
      retries: source.retries,
      ...((source.confirmAfter ?? raw.confirmAfter) !== null
        ? { confirmAfterMs: (source.confirmAfter ?? raw.confirmAfter)! }
        : {}),
    })),
    notifiers: raw.notifiers,
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
