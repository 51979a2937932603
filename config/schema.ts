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

/** Keys allowed at the top level and in a source, for "unknown key" hints. */
export const TOP_LEVEL_KEYS = [
  'snapshotDir',
  'commitUrl',
  'confirmAfter',
  'sources',
  'notifiers',
  'proxy',
  'serve',
] as const;
export const SOURCE_KEYS = [
  'id',
  'url',
  'schedule',
  'format',
  'timeoutSeconds',
  'retries',
  'confirmAfter',
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

/** What the caller registers: parser ids for `format`, one options schema per notifier `type`. */
export interface SchemaContext {
  formats: readonly string[];
  notifierSchemas: ReadonlyMap<string, z.ZodType>;
}

/** A notifier entry after its own schema validated it (defaults applied). */
export type NotifierConfig = { type: string } & Record<string, unknown>;

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
      return { ...data, type: entry.type };
    });
}

/** "is required" reads better than zod's "expected string, received undefined" for a missing key. */
export function requiredKeyMessage(issue: { code?: string; input?: unknown }): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return undefined;
}

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
    /** Milliseconds, for every source that does not set its own; null: the pipeline's default (48h). */
    confirmAfter: duration.nullish().transform((value) => value ?? null),
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
  });
}

export type RawConfig = z.output<ReturnType<typeof buildConfigSchema>>;
