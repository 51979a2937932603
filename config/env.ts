/**
 * Values from outside the file: `${VAR}` and `${VAR:-default}` from the environment, and
 * `<key>File: /run/secrets/x` (the way containers mount secrets) from a file. Both usually carry
 * secrets, so every value read is remembered and scrubbed from messages, which name the key and
 * the variable or file instead.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorMessage } from '../errors/index.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** `sources[0].url`, `notifiers[1].to[0]`; '' for the top level. */
export function formatKeyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** One value read from outside, and what to show instead of it. */
export interface ReadValue {
  /** `${SLACK_WEBHOOK_URL}`, `<contents of /run/secrets/slack>` */
  label: string;
  value: string;
}

/** `$${` (literal), `${NAME}`, `${NAME:-default}`, or the start of a malformed reference. */
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)?(?::-([^}]*))?(\})?/g;

/**
 * Replaces `${VAR}` in every string value (keys are left alone) from `env`; `${VAR:-default}`
 * takes `default` when VAR is unset or empty (as in the shell). `$${VAR}` is the literal text
 * `${VAR}`. Problems are reported by key path, starting at `basePath`. With `env` null only the
 * syntax is checked and values are left as they are.
 */
export function substituteEnv(
  value: unknown,
  env: Environment | null,
  basePath: PropertyKey[] = [],
): { value: unknown; used: ReadValue[]; problems: string[] } {
  const used: ReadValue[] = [];
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
    return text.replace(
      REFERENCE,
      (match, literal: string, name: string | undefined, fallback: string | undefined, close: string | undefined) => {
        if (literal) return env ? match.slice(1) : match;
        if (name === undefined || close === undefined) {
          problems.push(
            `${where}: malformed variable reference "${match}": write \${NAME} or \${NAME:-default} (NAME: letters, digits, _), or $\${ for a literal "\${"`,
          );
          return match;
        }
        if (!env) return match;
        const replacement = env[name];
        if (fallback !== undefined && (replacement === undefined || replacement === '')) return fallback;
        if (replacement === undefined) {
          problems.push(`${where}: environment variable ${name} is not set`);
          return match;
        }
        used.push({ label: `\${${name}}`, value: replacement });
        return replacement;
      },
    );
  };

  return { value: visit(value, basePath), used, problems };
}

/** `webhookUrlFile` -> `webhookUrl`; null for a key that names no file. */
export function fileKeyTarget(key: string): string | null {
  return key.length > 4 && key.endsWith('File') ? key.slice(0, -4) : null;
}

/**
 * In one mapping, replaces each `<key>File: PATH` by `<key>: <the file's contents>` (trailing
 * newlines and spaces removed: secrets are written with `echo`). Only keys in `secretKeys` are
 * read this way. Paths are relative to `baseDir` (the config file's directory).
 */
export function readSecretFiles(
  value: unknown,
  path: PropertyKey[],
  baseDir: string,
  secretKeys: ReadonlySet<string> | null,
): { value: unknown; used: ReadValue[]; problems: string[] } {
  const used: ReadValue[] = [];
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { value, used, problems };
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, file] of Object.entries(value as Record<string, unknown>)) {
    const target = fileKeyTarget(key);
    if (target === null || (secretKeys && !secretKeys.has(target))) continue;
    const where = formatKeyPath([...path, key]);
    delete out[key];
    if (target in out) {
      problems.push(`${formatKeyPath(path)}: give ${target} or ${key}, not both`);
      continue;
    }
    if (typeof file !== 'string' || file.trim() === '') {
      problems.push(`${where}: must be the path of a file holding the value`);
      continue;
    }
    const absolute = resolve(baseDir, file.trim());
    let text: string;
    try {
      text = readFileSync(absolute, 'utf8').replace(/\s+$/, '');
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      const why =
        code === 'ENOENT'
          ? 'file not found'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'is a directory'
              : errorMessage(err);
      problems.push(`${where}: cannot read ${absolute}: ${why}`);
      continue;
    }
    if (text === '') {
      problems.push(`${where}: ${absolute} is empty`);
      continue;
    }
    used.push({ label: `<contents of ${absolute}>`, value: text });
    out[target] = text;
  }
  return { value: out, used, problems };
}

/**
 * Replaces any value read from outside in `message` by its label, as a last guard: a schema
 * (ours or a notifier's) may quote the value it rejects. Values under 4 characters are left,
 * since they are not secrets and would otherwise mangle unrelated text ("sources[1]").
 */
export function scrubSecrets(message: string, used: readonly ReadValue[]): string {
  let out = message;
  const longestFirst = [...used].sort((a, b) => b.value.length - a.value.length);
  for (const { label, value } of longestFirst) {
    if (value.length >= 4) out = out.split(value).join(label);
  }
  return out;
}
