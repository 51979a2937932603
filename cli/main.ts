/**
 * The command line. Commands are thin: they read arguments, call the stages, print, and map
 * errors to exit codes (cli/exit-codes.ts). Human output goes to stdout, errors to stderr;
 * `--json` prints one JSON document on stdout for scripts.
 */
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../errors/index.js';
import { VERSION } from '../app/version.js';
import { configureOutbound, proxyRoute } from '../outbound/agent.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { StringSink, visibleIo, writeLine, type CliIo } from './io.js';
import { registerHistoryCommands } from './history-commands.js';
import { registerCatalogCommands } from './catalog-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerParseCommand } from './parse-command.js';
import type { DiffCommandOptions } from './diff-command.js';
import type { BackfillCommandOptions, RunCommandOptions } from './run-command.js';
import { registerReportCommand } from './report-command.js';

/** How long `run` waits, by default, for a `watch` run (or another run) holding the snapshot lock. */
const DEFAULT_LOCK_WAIT_SECONDS = 120;

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
    .action(async (oldArg: string | undefined, newArg: string | undefined, opts: DiffCommandOptions) => {
      const { diffCommand } = await import('./diff-command.js');
      await diffCommand(io, oldArg, newArg, opts, setExit);
    });

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
    .action(async (opts: RunCommandOptions) => {
      const { runCommand } = await import('./run-command.js');
      await runCommand(io, opts, setExit);
    });

  program
    .command('watch')
    .description('run each source on its cron schedule until stopped (Ctrl-C)')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .action(async (opts: { config: string }) => {
      const { watchCommand } = await import('./run-command.js');
      await watchCommand(io, opts);
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
    .action(async (opts: BackfillCommandOptions) => {
      const { backfillCommand } = await import('./run-command.js');
      await backfillCommand(io, opts);
    });

  registerHistoryCommands(program, io, setExit);
  registerCatalogCommands(program, io, setExit);
  registerServeCommand(program, io);
  registerReportCommand(program, io);
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
