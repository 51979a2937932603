/**
 * What `run`, `watch` and `backfill` do once commander has read their options (cli/main.ts
 * defines them and imports this module only when one of them runs: `--help` loads none of it).
 */
import { resolve } from 'node:path';
import { UsageError, errorMessage } from '../errors/index.js';
import { clockFromEnv } from '../pipeline/clock.js';
import { countsLabel } from '../pipeline/commit-message.js';
import { runSources, type RunReport, type SourceRunResult } from '../pipeline/run.js';
import { acquireLock } from '../store/lock.js';
import { buildNotifiers, pipelineContext, readConfig, sourceSpecs } from './context.js';
import { EXIT_FAILURE } from './exit-codes.js';
import { writeJson, writeLine, type CliIo } from './io.js';
import { printChangeSet } from './print.js';

/** How long a scheduled tick waits for a manual run to finish. */
const WATCH_LOCK_WAIT_MS = 10 * 60 * 1000;

export function secondsOption(name: string, value: string): number {
  const seconds = Number(value);
  if (!/^\d+(?:\.\d+)?$/.test(value.trim()) || !Number.isFinite(seconds))
    throw new UsageError(`${name} takes a number of seconds (0 or more), not "${value}"`);
  return seconds;
}

export function describeResult(result: SourceRunResult): string {
  const commit = result.commit ? ` (commit ${result.commit.slice(0, 10)})` : '';
  switch (result.status) {
    case 'baseline':
      return `${result.source}: baseline, now tracking ${result.entryCount} endpoint${result.entryCount === 1 ? '' : 's'}${commit}`;
    case 'changed':
      return result.changeSet?.changes.length
        ? `${result.source}: ${countsLabel(result.changeSet.changes)}${commit}`
        : `${result.source}: no endpoint change, new layout recorded${commit}`;
    case 'unchanged':
      return `${result.source}: no endpoint change (${result.entryCount ?? 0} endpoints)`;
    case 'dry-run':
      if (result.baseline)
        return `${result.source}: dry run, would record a baseline of ${result.entryCount} endpoint${result.entryCount === 1 ? '' : 's'}; nothing committed or sent`;
      return `${result.source}: dry run, ${result.changeSet ? countsLabel(result.changeSet.changes) : 'no change'}; nothing committed or sent`;
    case 'withheld':
      return `${result.source}: no change committed; ${withheldLine(result)}`;
    case 'failed':
      return `${result.source}: FAILED: ${result.error?.message ?? 'unknown error'}`;
  }
}

/** "4 removals withheld (...), confirmed on ..." for a result that withheld removals. */
function withheldLine(result: SourceRunResult): string {
  const withheld = result.withheld;
  if (!withheld) return 'nothing withheld';
  const count = withheld.removals.length;
  const outlook = withheld.confirmAt
    ? `confirmed at ${withheld.confirmAt} if the page stays so`
    : 'waiting for a person';
  return `WITHHELD ${count} removal${count === 1 ? '' : 's'} that look like breakage (${withheld.reasons.join('; ')}), ${outlook}; preview with \`endpoint-watch run --dry-run --source ${result.source}\`, accept with \`endpoint-watch run --accept --source ${result.source}\``;
}

/** The lines a run prints for one source besides its status line. */
function describeDetails(result: SourceRunResult): string[] {
  const lines = (result.layout ?? []).map((line) => `${result.source}: layout changed: ${line}`);
  if (result.confirmed?.length)
    lines.push(`${result.source}: ${result.confirmed.length} withheld removal(s) confirmed and committed`);
  if (result.withheld && result.status !== 'withheld') lines.push(`${result.source}: ${withheldLine(result)}`);
  return lines;
}

function reportRun(io: CliIo, report: RunReport, json: boolean, dryRun: boolean): void {
  if (json) {
    writeJson(io.stdout, report);
    return;
  }
  for (const result of report.results) {
    if (dryRun && result.changeSet) {
      writeLine(io.stdout, `# ${result.source}`);
      printChangeSet(io, result.changeSet);
    }
    if (dryRun && result.withheld) {
      writeLine(io.stdout, `# ${result.source}: withheld, not in the changes above`);
      for (const item of result.withheld.removals)
        writeLine(
          io.stdout,
          `${[item.region, item.section].filter(Boolean).join(' ') || '(document)'}: ${item.kind} ${item.value} (gone since ${item.since})`,
        );
    }
    const line = describeResult(result);
    writeLine(result.status === 'failed' ? io.stderr : io.stdout, line);
    for (const detail of describeDetails(result)) writeLine(io.stdout, detail);
    for (const [id, message] of Object.entries(result.undelivered ?? {})) {
      writeLine(io.stderr, `${result.source}: alert not delivered by ${id}, kept for the next run: ${message}`);
    }
  }
  for (const [id, message] of Object.entries(report.outboxFailures)) {
    writeLine(io.stderr, `earlier alert still not delivered (${id}): ${message}`);
  }
}

export interface RunCommandOptions {
  config: string;
  source?: string;
  dryRun?: boolean;
  accept?: boolean;
  json?: boolean;
  wait: string;
}

export async function runCommand(io: CliIo, opts: RunCommandOptions, setExit: (code: number) => void): Promise<void> {
  if (opts.accept && !opts.source)
    throw new UsageError('--accept needs --source ID: accept one source after looking at it');
  const waitMs = secondsOption('--wait', opts.wait) * 1000;
  const config = await readConfig(io, opts.config);
  const sources = sourceSpecs(config, opts.source);
  // In --json mode console alerts go to stderr so stdout stays one JSON document.
  const consoleStream = opts.json ? io.stderr : io.stdout;
  // A dry run sends nothing, so it needs no notifier secrets.
  const notifiers = opts.dryRun ? [] : await buildNotifiers(config, consoleStream);
  const now = clockFromEnv(io.env);
  const ctx = { ...(await pipelineContext(config, notifiers, io.stderr)), now };
  const lock = opts.dryRun
    ? null
    : await acquireLock(ctx.store.dir, {
        waitMs,
        onWait: (pid) =>
          writeLine(io.stderr, `waiting for endpoint-watch pid ${pid} to finish with ${ctx.store.dir} ...`),
      });
  try {
    const report = await runSources(ctx, sources, { dryRun: !!opts.dryRun, accept: !!opts.accept });
    reportRun(io, report, !!opts.json, !!opts.dryRun);
    if (!report.ok) setExit(EXIT_FAILURE);
  } finally {
    await lock?.release();
  }
}

export async function watchCommand(io: CliIo, opts: { config: string }): Promise<void> {
  const config = await readConfig(io, opts.config);
  const sources = sourceSpecs(config);
  const notifiers = await buildNotifiers(config, io.stdout);
  const ctx = await pipelineContext(config, notifiers, io.stderr);
  const jobs = config.sources.map((s, i) => ({
    id: s.id,
    schedule: s.schedule,
    run: async () => {
      // A tick that meets a manual run waits for it rather than skipping the source.
      const lock = await acquireLock(ctx.store.dir, { waitMs: WATCH_LOCK_WAIT_MS });
      try {
        const report = await runSources(ctx, [sources[i]!]);
        for (const [id, message] of Object.entries(report.outboxFailures))
          writeLine(io.stderr, `earlier alert still not delivered (${id}): ${message}`);
        return report.results[0]!;
      } finally {
        await lock.release();
      }
    },
  }));
  for (const job of jobs) writeLine(io.stdout, `watching ${job.id} on "${job.schedule}"`);
  const { startWatching } = await import('../pipeline/watch.js');
  const watcher = startWatching(
    jobs,
    (result) => {
      const at = new Date().toISOString();
      writeLine(result.status === 'failed' ? io.stderr : io.stdout, `${at} ${describeResult(result)}`);
      // No exit code under watch: an alert kept for the next tick is said where people look.
      for (const [id, message] of Object.entries(result.undelivered ?? {}))
        writeLine(io.stderr, `${at} ${result.source}: alert not delivered by ${id}, kept for the next run: ${message}`);
    },
    (id, err) => writeLine(io.stderr, `${new Date().toISOString()} ${id}: ${errorMessage(err)}`),
  );
  await (io.untilStopped ? io.untilStopped() : new Promise<void>(() => undefined));
  await watcher.stop();
  writeLine(io.stdout, 'stopped');
}

export interface BackfillCommandOptions {
  source: string;
  gitDir: string;
  path: string;
  allCommits?: boolean;
  config: string;
  json?: boolean;
}

export async function backfillCommand(io: CliIo, opts: BackfillCommandOptions): Promise<void> {
  const config = await readConfig(io, opts.config);
  const [source] = sourceSpecs(config, opts.source);
  const ctx = await pipelineContext(config, [], io.stderr);
  const lock = await acquireLock(ctx.store.dir);
  try {
    const { backfill } = await import('../pipeline/backfill.js');
    const result = await backfill(ctx.store, source!, resolve(io.cwd, opts.gitDir), opts.path, {
      allCommits: !!opts.allCommits,
      log: io.stderr,
    });
    if (opts.json) writeJson(io.stdout, result);
    else
      writeLine(
        io.stdout,
        `${opts.source}: ${result.versions} upstream versions read, ${result.commits} snapshot commits written` +
          `${result.skipped.length ? `, ${result.skipped.length} skipped (no endpoints or unreadable)` : ''}` +
          `${result.warnings.length ? `, ${result.warnings.length} with parser-health warnings` : ''}`,
      );
  } finally {
    await lock.release();
  }
}
