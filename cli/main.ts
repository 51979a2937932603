/**
 * The command line. Commands are thin: they read arguments, call the stages, print, and map
 * errors to exit codes (cli/exit-codes.ts). Human output goes to stdout, errors to stderr;
 * `--json` prints one JSON document on stdout for scripts.
 */
import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import type { Catalog } from '../catalog/model.js';
import type { ChangeSet } from '../catalog/changes.js';
import { diffCatalogs } from '../catalog/diff.js';
import { changedValues, documentContext, type DocumentContext } from '../catalog/document-context.js';
import { decodeDocument } from '../parsers/decode.js';
import { parseDocument } from '../parsers/parse-document.js';
import { runSources, type RunReport, type SourceRunResult } from '../pipeline/run.js';
import { clockFromEnv } from '../pipeline/clock.js';
import { startWatching } from '../pipeline/watch.js';
import { backfill } from '../pipeline/backfill.js';
import { acquireLock } from '../store/lock.js';
import { EndpointWatchError, UsageError, errorMessage } from '../errors/index.js';
import { VERSION } from '../app/version.js';
import { configureOutbound, proxyRoute } from '../outbound/agent.js';
import { countsLabel } from '../pipeline/commit-message.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { StringSink, visibleIo, writeJson, writeLine, type CliIo } from './io.js';
import { buildNotifiers, pipelineContext, readConfig, sourceSpecs } from './context.js';
import { registerHistoryCommands } from './history-commands.js';
import { registerCatalogCommands } from './catalog-commands.js';
import { registerServeCommand } from './serve-command.js';
import { printChangeSet } from './print.js';
import { readDocumentArgument, registerParseCommand } from './parse-command.js';

/** How long `run` waits, by default, for a `watch` run (or another run) holding the snapshot lock. */
const DEFAULT_LOCK_WAIT_SECONDS = 120;
/** How long a scheduled tick waits for a manual run to finish. */
const WATCH_LOCK_WAIT_MS = 10 * 60 * 1000;

function secondsOption(name: string, value: string): number {
  const seconds = Number(value);
  if (!/^\d+(?:\.\d+)?$/.test(value.trim()) || !Number.isFinite(seconds))
    throw new UsageError(`${name} takes a number of seconds (0 or more), not "${value}"`);
  return seconds;
}

/** Fetches a file or URL and parses it; `catalog.json` files from a snapshot are read as they are. */
export async function loadCatalogArgument(io: CliIo, location: string, format?: string): Promise<Catalog> {
  return (await loadDocumentArgument(io, location, format)).catalog;
}

/** A document or catalog.json given on the command line, with the document's text (null for a catalog). */
async function loadDocumentArgument(
  io: CliIo,
  location: string,
  format?: string,
): Promise<{ catalog: Catalog; text: string | null }> {
  const argument = await readDocumentArgument(io, location);
  if ('catalog' in argument) return { catalog: argument.catalog, text: null };
  return {
    catalog: parseDocument(argument.name, argument.document, format),
    text: decodeDocument(argument.document.body),
  };
}

function describeResult(result: SourceRunResult): string {
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

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('endpoint-watch')
    .description('Watches vendor network-requirement documents and tells you which IPs, hosts and ports changed.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  registerParseCommand(program, io);

  program
    .command('diff')
    .description('compare two documents or catalog.json files, or two stored states of a source (--source)')
    .argument('[old]', 'old document: file path, URL or catalog.json')
    .argument('[new]', 'new document: file path, URL or catalog.json')
    .option('--json', 'print {"changes": [...], "summary": {...}} as JSON')
    .option('--exit-code', 'exit 1 when there are changes, like git diff --exit-code')
    .option('--text', "also show the documents' text around the changed endpoints (two documents only)")
    .option('--source <id>', 'diff stored snapshots of this source (with --from/--to)')
    .option('--from <date|commit>', 'with --source: the older state')
    .option('--to <date|commit>', 'with --source: the newer state (default: latest)')
    .option('--config <file>', 'config file (with --source)', undefined)
    .action(
      async (
        oldArg: string | undefined,
        newArg: string | undefined,
        opts: {
          json?: boolean;
          exitCode?: boolean;
          text?: boolean;
          source?: string;
          from?: string;
          to?: string;
          config?: string;
        },
      ) => {
        let changeSet: ChangeSet;
        let context: DocumentContext | null = null;
        if (opts.source) {
          if (opts.text)
            throw new UsageError('--text compares two documents; for stored states use `history --patch --source ID`');
          if (oldArg || newArg)
            throw new UsageError('give either two documents or --source with --from/--to, not both');
          const { storedDiff } = await import('./history-commands.js');
          changeSet = await storedDiff(io, opts);
        } else {
          if (!oldArg || !newArg)
            throw new UsageError(
              'diff needs OLD and NEW (files, URLs or catalog.json), or --source ID --from DATE|COMMIT',
            );
          // A document that cannot be read is trouble (2, as with diff(1)), never "changes" (1).
          const load = (location: string) =>
            loadDocumentArgument(io, location).catch((err: unknown) => {
              throw err instanceof EndpointWatchError ? new UsageError(err.message) : err;
            });
          const [before, after] = await Promise.all([load(oldArg), load(newArg)]);
          changeSet = diffCatalogs(before.catalog, { ...after.catalog, source: before.catalog.source });
          if (opts.text) {
            if (before.text === null || after.text === null)
              throw new UsageError('--text needs two documents, not catalog.json files: a catalog keeps no text');
            context = documentContext(before.text, after.text, changedValues(changeSet.changes));
          }
        }
        if (opts.json) writeJson(io.stdout, context ? { ...changeSet, text: context.text } : changeSet);
        else {
          printChangeSet(io, changeSet);
          if (context?.text) writeLine(io.stdout, `\n${context.text}`);
        }
        if (opts.exitCode && changeSet.changes.length) setExit(EXIT_FAILURE);
      },
    );

  program
    .command('run')
    .description('fetch every source (or one), record changes in the snapshot repository and send alerts')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option('--source <id>', 'run only this source')
    .option('--dry-run', 'diff and print only: no commit, no alert')
    .option('--accept', 'confirm the withheld removals an alert showed, at once (needs --source)')
    .option('--json', 'print the run report as JSON')
    .option(
      '--wait <seconds>',
      'when a watch (or another run) is busy with the snapshots, wait this long for it',
      String(DEFAULT_LOCK_WAIT_SECONDS),
    )
    .action(
      async (opts: {
        config: string;
        source?: string;
        dryRun?: boolean;
        accept?: boolean;
        json?: boolean;
        wait: string;
      }) => {
        if (opts.accept && !opts.source)
          throw new UsageError('--accept needs --source ID: accept one source after looking at it');
        const waitMs = secondsOption('--wait', opts.wait) * 1000;
        const config = await readConfig(io, opts.config);
        const sources = sourceSpecs(config, opts.source);
        // In --json mode console alerts go to stderr so stdout stays one JSON document.
        const consoleStream = opts.json ? io.stderr : io.stdout;
        // A dry run sends nothing, so it needs no notifier secrets.
        const notifiers = opts.dryRun ? [] : buildNotifiers(config, consoleStream);
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
      },
    );

  program
    .command('watch')
    .description('run each source on its cron schedule until stopped (Ctrl-C)')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .action(async (opts: { config: string }) => {
      const config = await readConfig(io, opts.config);
      const sources = sourceSpecs(config);
      const notifiers = buildNotifiers(config, io.stdout);
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
      const watcher = startWatching(
        jobs,
        (result) =>
          writeLine(
            result.status === 'failed' ? io.stderr : io.stdout,
            `${new Date().toISOString()} ${describeResult(result)}`,
          ),
        (id, err) => writeLine(io.stderr, `${new Date().toISOString()} ${id}: ${errorMessage(err)}`),
      );
      await (io.untilStopped ? io.untilStopped() : new Promise<void>(() => undefined));
      await watcher.stop();
      writeLine(io.stdout, 'stopped');
    });

  program
    .command('backfill')
    .description(
      "record a source's history from a local clone of the documentation repository: one snapshot commit per version that changed endpoints, with the upstream date and commit id",
    )
    .requiredOption('--source <id>', 'source id from the config')
    .requiredOption('--git-dir <dir>', 'local clone of the documentation repository')
    .requiredOption('--path <path>', 'path of the document inside that repository')
    .option('--all-commits', 'include side-branch commits too (default: the mainline, --first-parent)')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        source: string;
        gitDir: string;
        path: string;
        allCommits?: boolean;
        config: string;
        json?: boolean;
      }) => {
        const config = await readConfig(io, opts.config);
        const [source] = sourceSpecs(config, opts.source);
        const ctx = await pipelineContext(config, [], io.stderr);
        const lock = await acquireLock(ctx.store.dir);
        try {
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
      },
    );

  registerHistoryCommands(program, io, setExit);
  registerCatalogCommands(program, io, setExit);
  registerServeCommand(program, io, describeResult);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  const io = visibleIo(rawIo);
  // HTTP_PROXY / HTTPS_PROXY / NO_PROXY of this command's environment; readConfig adds `proxy:`.
  configureOutbound(() => proxyRoute(io.env));
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = Math.max(exitCode, code);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes with 1, which we make 2.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    writeLine(io.stderr, `endpoint-watch: ${errorMessage(err)}`);
    return exitCodeFor(err);
  }
}

export { StringSink };
