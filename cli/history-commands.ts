/**
 * Commands that read the snapshot history from git: history, show (and diff --source, in
 * cli/main.ts). Their work is in cli/history.ts, imported only when one of them runs.
 */
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export function registerHistoryCommands(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('history')
    .description('list the committed endpoint changes, newest first')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option('--source <id>', 'only this source')
    .option(
      '--since <date>',
      'only changes since this date: YYYY-MM-DD (from the start of that day, UTC) or an ISO 8601 time',
    )
    .option('--patch', "show the document's text around each change (like git log -p, of the page, not catalog.json)")
    .option('--json', 'print {"history": [...]} as JSON')
    .action(async (opts: { config: string; source?: string; since?: string; patch?: boolean; json?: boolean }) => {
      const { historyCommand } = await import('./history.js');
      await historyCommand(io, opts);
    });

  program
    .command('show')
    .description('print the catalog of a source as it was at a date or commit (default: latest)')
    .requiredOption('--source <id>', 'source id')
    .option('--at <date|commit>', 'date (YYYY-MM-DD) or commit; the last snapshot at or before it')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option('--json', 'print the catalog as JSON')
    .action(async (opts: { source: string; at?: string; config: string; json?: boolean }) => {
      const { showCommand } = await import('./history.js');
      await showCommand(io, opts);
    });
}
