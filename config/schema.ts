/**
 * The shape of endpoint-watch.yaml, as zod schemas.
 *
 * The schema is built per load from what the caller registers (parser ids, notifier option
 * schemas), so config/ does not import the parser or notifier registries and a new format or
 * notifier needs no change here. Messages name the problem, never echo a notifier's values
 * (they are often secrets from the environment); config/load.ts prefixes them with the key.
 */
import { validateDetailed } from 'node-cron';
import { z } from 'zod';

export const DEFAULT_SNAPSHOT_DIR = './snapshots';
export const DEFAULT_SCHEDULE = '0 * * * *';
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_RETRIES = 2;
/** Sources fetched and parsed at the same time (commits and alerts stay one at a time, in config order). */
export const DEFAULT_CONCURRENCY = 4;

/** Keys allowed at the top level and in a source, for "unknown key" hints. */
export const TOP_LEVEL_KEYS = [
  'snapshotDir',
  'commitUrl',
  'historyUrl',
  'confirmAfter',
  'failureAlertAfter',
  'failureRepeatAfter',
  'parseTimeoutSeconds',
  'parseMemoryMb',
  'deliveryBudgetSeconds',
  'concurrency',
  'maxDocumentBytes',
  'maxNestingDepth',
  'sources',
  'notifiers',
  'proxy',
  'serve',
  'git',
] as const;
export const SOURCE_KEYS = [
  'id',
  'url',
  'schedule',
  'format',
  'timeoutSeconds',
  'retries',
  'confirmAfter',
  'failureAlertAfter',
  'failureRepeatAfter',
  'parseTimeoutSeconds',
  'parseMemoryMb',
  'maxDocumentBytes',
  'maxNestingDepth',
  'include',
  'exclude',
  'pageUrl',
] as const;

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration such as "48h", "90m", "2d", "1h30m"; null when it is not one. */
export function parseDuration(text: string): number | null {
  const compact = text.replace(/\s+/g, '');
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(compact)) return null;
  let ms = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+(?:\.\d+)?)([smhd])/g))
    ms += Number(amount) * DURATION_UNITS[unit!]!;
  return Math.round(ms);
}

/** `confirmAfter`: how long a page keeps a withheld state before its removals are confirmed. */
const duration = z.string({ error: 'must be a duration such as "48h", "90m" or "2d"' }).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration: write e.g. "48h", "90m" or "2d"` });
    return z.NEVER;
  }
  return ms;
});

/**
 * `failureAlertAfter`: when a failing source is announced. A number of consecutive failed runs
 * (`3`), a duration since the first failure (`"6h"`), or both (`{runs: 3, time: "6h"}`: whichever
 * comes first). A value given alone replaces both defaults.
 */
export interface FailureAlertAfter {
  runs: number | null;
  ms: number | null;
}

const failureAlertAfter = z.union(
  [
    z
      .number()
      .int()
      .min(1)
      .max(1000)
      .transform((runs): FailureAlertAfter => ({ runs, ms: null })),
    duration.transform((ms): FailureAlertAfter => ({ runs: null, ms })),
    z
      .strictObject({ runs: z.number().int().min(1).max(1000).optional(), time: duration.optional() })
      .refine((value) => value.runs !== undefined || value.time !== undefined, { error: 'give runs, time or both' })
      .transform((value): FailureAlertAfter => ({ runs: value.runs ?? null, ms: value.time ?? null })),
  ],
  { error: 'must be a number of runs (3), a duration ("6h") or {runs: 3, time: "6h"}' },
);

/** Parse bounds: seconds per document and the worker's heap, in MB. */
const parseTimeoutSeconds = z.number().positive().max(3600);
const parseMemoryMb = z.number().int().min(64).max(16_384);

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** Bytes of a size such as `64MiB`, `500 KB` or `1048576`; null when it is not one. */
export function parseSize(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(text.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

/** `maxDocumentBytes`: the largest document fetched, in bytes or with a unit (`64MiB`). */
const maxDocumentBytes = z
  .union([z.number().int().positive(), z.string()], { error: 'must be a size: bytes, or e.g. "64MiB", "500KB"' })
  .transform((value, ctx) => {
    const bytes = typeof value === 'number' ? value : parseSize(value);
    if (bytes === null || bytes < 1024 || bytes > 4 * 1024 ** 3) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a size from 1KiB to 4GiB: write e.g. "64MiB"` });
      return z.NEVER;
    }
    return bytes;
  });
/** `maxNestingDepth`: the deepest nesting a document may have (parsers/nesting.ts). */
const maxNestingDepth = z.number().int().min(8).max(100_000);

/** What the caller registers: parser ids for `format`, one options schema per notifier `type`. */
export interface SchemaContext {
  formats: readonly string[];
  notifierSchemas: ReadonlyMap<string, z.ZodType>;
}

declare const validatedNotifier: unique symbol;

/**
 * A notifier entry after its type's schema validated it (defaults applied). Only
 * notifierEntrySchema makes one, so notify/registry.ts builds notifiers from it without
 * validating again.
 */
export type NotifierConfig = { type: string; readonly [validatedNotifier]: true } & Record<string, unknown>;

const SOURCE_ID = /^[a-z0-9][a-z0-9-]*$/;

/** The lower-case scheme of a URL (`https`, `file`), or null for a local path (including `C:\\x`). */
export function urlScheme(value: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(value);
  if (!match || /^[a-z]:[\\/]/i.test(value)) return null;
  return match[1]!.toLowerCase();
}

/** null when `value` is a usable source location, else what is wrong with it. */
export function locationProblem(value: string): string | null {
  const scheme = urlScheme(value);
  if (scheme === null || scheme === 'file') return null;
  if (scheme !== 'http' && scheme !== 'https') {
    return `unsupported scheme "${scheme}:" (use an http(s) URL or a local path)`;
  }
  try {
    const url = new URL(value);
    if (!url.hostname) return 'the URL has no host';
  } catch {
    return 'not a valid URL';
  }
  return null;
}

/** Wraps the caller's notifier schemas: picks one by `type` and reports its issues under this entry. */
export function notifierEntrySchema(schemas: ReadonlyMap<string, z.ZodType>) {
  const known = [...schemas.keys()].join(', ') || 'none';
  return z
    .looseObject({
      type: z.string({
        error: (issue) =>
          issue.input === undefined ? `is required (one of: ${known})` : `must be a string (one of: ${known})`,
      }),
    })
    .transform((entry, ctx): NotifierConfig => {
      const schema = schemas.get(entry.type);
      if (!schema) {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `unknown notifier type "${entry.type}" (known types: ${known})`,
        });
        return z.NEVER;
      }
      const result = schema.safeParse(entry, { error: requiredKeyMessage });
      if (!result.success) {
        for (const issue of result.error.issues) {
          if (issue.code === 'unrecognized_keys') {
            for (const key of issue.keys)
              ctx.addIssue({ code: 'custom', path: [...issue.path, key], message: 'unknown key' });
          } else {
            ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
          }
        }
        return z.NEVER;
      }
      const data = result.data as Record<string, unknown>;
      return { ...data, type: entry.type } as NotifierConfig;
    });
}

/** "is required" reads better than zod's "expected string, received undefined" for a missing key. */
export function requiredKeyMessage(issue: { code?: string; input?: unknown }): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return undefined;
}

/**
 * `git:`: the team's git remote as the shared state (store/remote.ts). `remote` is a URL, a
 * path, or the name of a remote of the snapshot repository.
 */
export const gitRemoteSchema = z
  .strictObject({
    remote: z.string().trim().min(1, { error: 'must not be empty' }),
    branch: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: 'must be a branch name' })
      .refine((b) => b !== 'endpoint-watch-state', { error: 'endpoint-watch-state holds the run state' })
      .default('main'),
    push: z.boolean().default(true),
  })
  .nullish()
  .transform((value) => value ?? null);

export type GitRemoteSettings = NonNullable<z.output<typeof gitRemoteSchema>>;

/** One value or a list of them, read as a list; a value may hold `*` (catalog/filter.ts). */
const filterValues = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (typeof value === 'string' ? [value] : value));

/** An `include` / `exclude` rule: the entries of these sections, regions and services. */
const filterRule = z
  .strictObject({ section: filterValues.optional(), region: filterValues.optional(), service: filterValues.optional() })
  .refine((rule) => rule.section || rule.region || rule.service, {
    error: 'name at least one of section, region, service',
  });

/** `include:` / `exclude:`: one rule or a list of rules; none: every entry. */
const filterRules = z
  .union([filterRule, z.array(filterRule)])
  .nullish()
  .transform((value) => (value ? (Array.isArray(value) ? value : [value]) : []));

export function buildConfigSchema(context: SchemaContext) {
  const formats = new Set(context.formats);
  const knownFormats = [...formats].join(', ') || 'none';

  const source = z.strictObject({
    id: z.string().min(1).max(64).regex(SOURCE_ID, {
      error: 'must be a lower-case slug: letters a-z, digits and "-", starting with a letter or digit',
    }),
    url: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .superRefine((value, ctx) => {
        const problem = locationProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    schedule: z
      .string()
      .trim()
      .default(DEFAULT_SCHEDULE)
      .superRefine((value, ctx) => {
        const check = validateDetailed(value);
        if (!check.valid) {
          const why = check.errors.map((e) => e.message).join('; ');
          ctx.addIssue({ code: 'custom', message: `invalid cron expression "${value}"${why ? `: ${why}` : ''}` });
        }
      }),
    format: z
      .string()
      .nullish()
      .superRefine((value, ctx) => {
        if (value !== null && value !== undefined && !formats.has(value)) {
          ctx.addIssue({ code: 'custom', message: `unknown format "${value}" (known: ${knownFormats})` });
        }
      })
      .transform((value) => value ?? null),
    timeoutSeconds: z.number().positive().max(3600).default(DEFAULT_TIMEOUT_SECONDS),
    retries: z.number().int().min(0).max(10).default(DEFAULT_RETRIES),
    /** Milliseconds; null: the top-level value. */
    confirmAfter: duration.nullish().transform((value) => value ?? null),
    failureAlertAfter: failureAlertAfter.nullish().transform((value) => value ?? null),
    failureRepeatAfter: duration.nullish().transform((value) => value ?? null),
    parseTimeoutSeconds: parseTimeoutSeconds.nullish().transform((value) => value ?? null),
    parseMemoryMb: parseMemoryMb.nullish().transform((value) => value ?? null),
    maxDocumentBytes: maxDocumentBytes.nullish().transform((value) => value ?? null),
    maxNestingDepth: maxNestingDepth.nullish().transform((value) => value ?? null),
    /** The slice of the document to watch (catalog/filter.ts). */
    include: filterRules,
    exclude: filterRules,
    /** The page people read (alerts link it; `url` may be its raw markdown). */
    pageUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL (the page people read)' })
      .nullish()
      .transform((value) => value ?? null),
  });

  return z.strictObject({
    snapshotDir: z.string().trim().min(1, { error: 'must not be empty' }).default(DEFAULT_SNAPSHOT_DIR),
    commitUrl: z
      .string()
      .trim()
      .refine((value) => value.includes('{commit}'), {
        error: 'must contain {commit}, where the snapshot commit id goes',
      })
      .nullish()
      .transform((value) => value ?? null),
    /** The history page (`serve`'s /history, a `report` site): linked from alerts, `{source}` replaced. */
    historyUrl: z
      .string()
      .trim()
      .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), { error: 'must be an http(s) URL' })
      .nullish()
      .transform((value) => value ?? null),
    /** Milliseconds, for every source that does not set its own; null: the pipeline's default (48h). */
    confirmAfter: duration.nullish().transform((value) => value ?? null),
    /** For every source that does not set its own; null: the pipeline's defaults (3 runs or 6h; daily reminders). */
    failureAlertAfter: failureAlertAfter.nullish().transform((value) => value ?? null),
    failureRepeatAfter: duration.nullish().transform((value) => value ?? null),
    /** Parse bounds for every source that does not set its own; null: 30 s and 1024 MB. */
    parseTimeoutSeconds: parseTimeoutSeconds.nullish().transform((value) => value ?? null),
    parseMemoryMb: parseMemoryMb.nullish().transform((value) => value ?? null),
    /** How long a run spends on alerts earlier runs left (pipeline/dispatch.ts); null: 120 s. */
    deliveryBudgetSeconds: z
      .number()
      .min(1)
      .max(3600)
      .nullish()
      .transform((value) => value ?? null),
    concurrency: z
      .number({ error: 'must be a whole number of sources fetched at once (1 or more)' })
      .int({ error: 'must be a whole number of sources fetched at once (1 or more)' })
      .min(1, { error: 'must be 1 or more' })
      .max(64, { error: 'must be 64 or less' })
      .default(DEFAULT_CONCURRENCY),
    /** Document limits for every source that does not set its own; null: 64 MiB and 100 levels. */
    maxDocumentBytes: maxDocumentBytes.nullish().transform((value) => value ?? null),
    maxNestingDepth: maxNestingDepth.nullish().transform((value) => value ?? null),
    sources: z
      .array(source, {
        error: (issue) =>
          issue.input === undefined ? 'is required: list the documents to watch' : 'must be a list of sources',
      })
      .min(1, { error: 'list at least one source' })
      .superRefine((sources, ctx) => {
        const firstIndex = new Map<string, number>();
        sources.forEach((s, index) => {
          const earlier = firstIndex.get(s.id);
          if (earlier === undefined) firstIndex.set(s.id, index);
          else
            ctx.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: `duplicate source id "${s.id}" (also sources[${earlier}].id)`,
            });
        });
      }),
    // `notifiers:` with nothing under it is the same as leaving it out: console only.
    // Entries, `proxy` and `serve` hold secrets: config/load.ts checks their shape here and
    // validates them in full only when a command uses them.
    notifiers: z
      .array(z.unknown())
      .nullish()
      .transform((value) => value ?? []),
    proxy: z.unknown().optional(),
    serve: z.unknown().optional(),
    git: gitRemoteSchema,
  });
}

export type RawConfig = z.output<ReturnType<typeof buildConfigSchema>>;
