/**
 * A bounded fuzz of the parsers: real corpus documents (../shared/corpus/, read at run time;
 * skipped, visibly, when absent) mutated with a seeded PRNG (byte flips, truncation, duplicated
 * lines, deep nesting, huge lines, two at once), each parsed the way `run` parses
 * (parsers/bounded-parse.ts: a worker thread with a deadline and a heap limit). Every input
 * must end in a catalog or a clear parse error within the deadline:
 *  - crashed: an error the parsers did not mean (the worker's "the parser failed: TypeError ...",
 *    a worker that exited without an answer, anything that is not a ParseError);
 *  - hung: no answer by the deadline plus a grace period (the bound itself failed).
 * Stopped at the deadline or the heap limit is the bound working: counted, not a failure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError } from '../../errors/index.js';
import { parseDocumentBounded } from '../../parsers/bounded-parse.js';
import type { Tally } from './tally.js';
import { ROOT } from './world.js';

export const CORPUS = join(ROOT, '..', 'shared', 'corpus');
/** The parse deadline used for fuzzed inputs (parseTimeoutSeconds). */
export const FUZZ_DEADLINE_SECONDS = 10;
const GRACE_MS = 15_000;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (rand: Rand, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

interface Mutation {
  name: string;
  apply(rand: Rand, body: Buffer): { body: Buffer; detail: string };
}

function lines(body: Buffer): string[] {
  return body.toString('utf8').split('\n');
}

const NESTS = [
  { name: 'blockquote', unit: '> ' },
  { name: 'list', unit: '  - ' },
  { name: 'ordered list', unit: '   1. ' },
  { name: 'html div', unit: '<div>' },
  { name: 'emphasis', unit: '*_' },
  { name: 'link brackets', unit: '[' },
  { name: 'json array', unit: '[' },
  { name: 'docfx row', unit: ':::row:::\n:::column:::\n' },
] as const;

const HUGE = ['*a', '[::1] ', '<br>', '| ', '13.107.6.152 ', '_a', '&amp;', '`', '\\|', '*.contoso.com '] as const;

export const MUTATIONS: Mutation[] = [
  {
    name: 'byte flips',
    apply(rand, body) {
      const out = Buffer.from(body);
      const flips = int(rand, 1, 64);
      for (let i = 0; i < flips && out.length; i += 1) out[int(rand, 0, out.length - 1)] = int(rand, 0, 255);
      return { body: out, detail: `${flips} bytes` };
    },
  },
  {
    name: 'truncation',
    apply(rand, body) {
      const at = int(rand, 0, body.length);
      return { body: body.subarray(0, at), detail: `at byte ${at} of ${body.length}` };
    },
  },
  {
    name: 'duplicated lines',
    apply(rand, body) {
      const all = lines(body);
      const start = int(rand, 0, Math.max(0, all.length - 1));
      const count = int(rand, 1, 40);
      const times = int(rand, 2, 200);
      const block = all.slice(start, start + count);
      const out = [...all.slice(0, start), ...Array.from({ length: times }, () => block).flat(), ...all.slice(start)];
      return { body: Buffer.from(out.join('\n')), detail: `${block.length} lines from line ${start + 1} x${times}` };
    },
  },
  {
    name: 'deep nesting',
    apply(rand, body) {
      const all = lines(body);
      const nest = pick(rand, NESTS);
      const depth = int(rand, 50, 5000);
      const at = int(rand, 0, all.length);
      const bomb = `${nest.unit.repeat(depth)}13.91.91.243`;
      all.splice(at, 0, bomb);
      return { body: Buffer.from(all.join('\n')), detail: `${nest.name} x${depth} at line ${at + 1}` };
    },
  },
  {
    name: 'huge line',
    apply(rand, body) {
      const all = lines(body);
      const unit = pick(rand, HUGE);
      const bytes = int(rand, 10_000, 600_000);
      const at = int(rand, 0, all.length);
      all.splice(at, 0, unit.repeat(Math.ceil(bytes / unit.length)));
      return { body: Buffer.from(all.join('\n')), detail: `${JSON.stringify(unit)} ~${bytes} bytes at line ${at + 1}` };
    },
  },
];

const COMBO: Mutation = {
  name: 'two at once',
  apply(rand, body) {
    const first = pick(rand, MUTATIONS);
    const second = pick(rand, MUTATIONS);
    const a = first.apply(rand, body);
    const b = second.apply(rand, a.body);
    return { body: b.body, detail: `${first.name} (${a.detail}) then ${second.name} (${b.detail})` };
  },
};

function corpusFiles(): string[] {
  if (!existsSync(CORPUS)) return [];
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(CORPUS, d.name))
        .filter((f) => /\.(md|html?|json)$/.test(f))
        .sort()
        .map((f) => join(d.name, f)),
    );
}

type Outcome = 'catalog' | 'parse error' | 'stopped at the bound' | 'crashed' | 'hung';

/** The parse, as run does it, with a watchdog of our own past the worker's deadline. */
async function parseOne(body: Buffer, location: string): Promise<{ outcome: Outcome; detail: string }> {
  const doc = { location, body, contentType: 'text/markdown; charset=utf-8', etag: null, lastModified: null };
  let watchdog: NodeJS.Timeout | undefined;
  const hung = new Promise<{ outcome: Outcome; detail: string }>((resolve) => {
    watchdog = setTimeout(
      () => resolve({ outcome: 'hung', detail: 'no answer by the deadline' }),
      FUZZ_DEADLINE_SECONDS * 1000 + GRACE_MS,
    );
  });
  const parsed = parseDocumentBounded('fuzz', doc, null, undefined, { timeoutSeconds: FUZZ_DEADLINE_SECONDS }).then(
    (catalog): { outcome: Outcome; detail: string } => ({
      outcome: 'catalog',
      detail: `${catalog.entries.length} entries`,
    }),
    (err: unknown): { outcome: Outcome; detail: string } => {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof ParseError)) return { outcome: 'crashed', detail: `${(err as Error).name}: ${message}` };
      if (/the parser failed: |exited \(code|unexpected answer/.test(message))
        return { outcome: 'crashed', detail: message };
      if (/\(parseTimeoutSeconds\)|\(parseMemoryMb\)/.test(message))
        return { outcome: 'stopped at the bound', detail: message };
      return { outcome: 'parse error', detail: message };
    },
  );
  try {
    return await Promise.race([parsed, hung]);
  } finally {
    clearTimeout(watchdog);
  }
}

export async function runFuzz(tally: Tally, inputs: number, seed: number, log: (line: string) => void): Promise<void> {
  const part = 'parser fuzz';
  const files = corpusFiles();
  if (files.length === 0) {
    tally.notes.push(`parser fuzz: SKIPPED, no corpus at ${CORPUS}`);
    log(`  SKIPPED: no corpus at ${CORPUS}`);
    return;
  }
  const row = tally.row(part);
  const rand = prng(seed);
  const outcomes = new Map<Outcome, number>();
  let slowest = { ms: -1, input: '', outcome: '' };
  /** The slowest input that ended before the deadline (a catalog or a parse error). */
  let slowestDone = { ms: -1, input: '', outcome: '' };
  for (let i = 1; i <= inputs; i += 1) {
    const file = pick(rand, files);
    const mutation = rand() < 0.15 ? COMBO : pick(rand, MUTATIONS);
    const original = readFileSync(join(CORPUS, file));
    const { body, detail } = mutation.apply(rand, original);
    const input = `#${i} ${file}: ${mutation.name} (${detail}), ${body.length} bytes`;
    const started = performance.now();
    const result = await parseOne(body, `fuzz-${i}.md`);
    const ms = performance.now() - started;
    row.trials += 1;
    outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
    if (ms > slowest.ms) slowest = { ms, input, outcome: result.outcome };
    if ((result.outcome === 'catalog' || result.outcome === 'parse error') && ms > slowestDone.ms)
      slowestDone = { ms, input, outcome: result.outcome };
    const reproduce = `FAULTS_SEED=${seed} FAULTS_ONLY='fuzz' npm run test:faults (input #${i})`;
    if (result.outcome === 'crashed') {
      row.crashed += 1;
      tally.find(part, input, `crashed: ${result.detail.slice(0, 300)}`, reproduce);
    } else if (result.outcome === 'hung') {
      row.hung += 1;
      tally.find(part, input, 'hung past the parse deadline', reproduce);
    }
    if (result.outcome !== 'catalog' && result.outcome !== 'parse error')
      log(`  ${input}: ${result.outcome} after ${(ms / 1000).toFixed(2)} s`);
  }
  const counts = [...outcomes].map(([k, v]) => `${v} ${k}`).join(', ');
  tally.notes.push(
    `parser fuzz (seed ${seed}, deadline ${FUZZ_DEADLINE_SECONDS} s): ${counts}`,
    `  slowest: ${(slowest.ms / 1000).toFixed(2)} s (${slowest.outcome}): ${slowest.input}`,
    `  slowest that ended before the deadline: ${(slowestDone.ms / 1000).toFixed(2)} s (${slowestDone.outcome}): ${slowestDone.input}`,
  );
  tally.extra.fuzz = {
    seed,
    deadlineSeconds: FUZZ_DEADLINE_SECONDS,
    outcomes: Object.fromEntries(outcomes),
    slowest,
    slowestDone,
  };
  log(`  ${counts}`);
}
