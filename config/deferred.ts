/**
 * Config parts that are read and validated only when a command uses them: notifier entries,
 * `proxy:` and `serve:`. They are where secrets live (webhook URLs, SMTP passwords, proxy
 * credentials, the trigger token), so `history`, `show`, `lookup`, `export` and `run --dry-run`
 * work on a machine that holds none of them. Loading the file still checks their shape (known
 * keys, well-formed `${...}`), so a typo shows up at once; `resolve()` substitutes the
 * environment, reads `*File` secrets and validates the values.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import {
  fileKeyTarget,
  formatKeyPath,
  readSecretFiles,
  scrubSecrets,
  substituteEnv,
  type Environment,
  type ReadValue,
} from './env.js';
import { requiredKeyMessage } from './schema.js';

export interface Deferred<T> {
  /** Where it is in the file: `notifiers[0]`, `proxy`, `serve`. */
  readonly key: string;
  /** The config file, for messages. */
  readonly file: string;
  /** The validated value; throws one ConfigError naming the file and every key at fault. */
  resolve(): T;
  /** What resolve() would complain about, without throwing (several parts reported in one error). */
  problems(): string[];
}

export interface SectionContext {
  /** The config file, for messages. */
  file: string;
  /** Where relative `*File` paths start (the config file's directory). */
  baseDir: string;
  env: Environment;
}

export function problemsError(file: string, problems: string[]): ConfigError {
  if (problems.length === 1) return new ConfigError(`${file}: ${problems[0]}`);
  return new ConfigError(`${file}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** One zod issue as lines "key: message" (one per unknown key). */
export function describeIssue(
  issue: z.core.$ZodIssue,
  allowedKeys: (path: readonly PropertyKey[]) => readonly string[] | null = () => null,
): string[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path);
    return issue.keys.map(
      (key) =>
        `${formatKeyPath([...issue.path, key])}: unknown key${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}`,
    );
  }
  const where = formatKeyPath(issue.path);
  return [where ? `${where}: ${issue.message}` : issue.message];
}

/** Problems with the keys of one mapping: each must be known, or name a known key + `File`. */
export function keyProblems(value: unknown, path: PropertyKey[], known: readonly string[] | null): string[] {
  if (known === null || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const allowed = new Set(known);
  return Object.keys(value)
    .filter((key) => !allowed.has(key) && !allowed.has(fileKeyTarget(key) ?? ''))
    .map((key) => `${formatKeyPath([...path, key])}: unknown key`);
}

export class DeferredSection<T> implements Deferred<T> {
  readonly key: string;
  readonly file: string;
  private outcome: { value: T } | { problems: string[] } | null = null;

  constructor(
    private readonly raw: unknown,
    private readonly path: PropertyKey[],
    private readonly schema: z.ZodType<T>,
    /** Keys whose value may come from a `<key>File`; null: any key. */
    private readonly secretKeys: ReadonlySet<string> | null,
    private readonly context: SectionContext,
    /** The value when the section is not in the file at all. */
    private readonly absent: () => T,
  ) {
    this.key = formatKeyPath(path);
    this.file = context.file;
  }

  problems(): string[] {
    const outcome = this.settle();
    return 'problems' in outcome ? outcome.problems : [];
  }

  resolve(): T {
    const outcome = this.settle();
    if ('problems' in outcome) throw problemsError(this.context.file, outcome.problems);
    return outcome.value;
  }

  private settle(): { value: T } | { problems: string[] } {
    if (this.outcome) return this.outcome;
    this.outcome = this.compute();
    return this.outcome;
  }

  private compute(): { value: T } | { problems: string[] } {
    if (this.raw === undefined || this.raw === null) return { value: this.absent() };
    const substituted = substituteEnv(this.raw, this.context.env, this.path);
    if (substituted.problems.length) return { problems: substituted.problems };
    const files = readSecretFiles(substituted.value, this.path, this.context.baseDir, this.secretKeys);
    if (files.problems.length) return { problems: files.problems };
    const used: ReadValue[] = [...substituted.used, ...files.used];
    const result = this.schema.safeParse(files.value, { error: requiredKeyMessage });
    if (result.success) return { value: result.data };
    const problems = result.error.issues
      .flatMap((issue) => describeIssue({ ...issue, path: [...this.path, ...issue.path] }))
      .map((line) => scrubSecrets(line, used));
    return { problems };
  }
}

/** Resolves several sections at once, reporting the problems of all of them in one error. */
export function resolveAll<T>(sections: ReadonlyArray<Deferred<T>>): T[] {
  const problems = sections.flatMap((section) => section.problems());
  if (problems.length) throw problemsError(sections[0]!.file, problems);
  return sections.map((section) => section.resolve());
}
