/**
 * `endpoint-watch report --out DIR`: the command's options; what it does is in cli/report.ts,
 * imported only when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from './io.js';
import type { ReportCommandOptions } from './report.js';

export function registerReportCommand(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('write the history page (timeline, counts over time, search) as a static site into a folder')
    .requiredOption('--out <dir>', 'folder to write index.html into (created when missing; other files are kept)')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option('--json', 'print {"files": [{"path", "bytes"}], "sources": [{"source", "commits", "changes", "entries"}]}')
    .addHelpText(
      'after',
      '\nThe page is one self-contained file: no CDN and no request of its own, so it opens from\nfile:// and from any static host. `serve` serves the same page at /.',
    )
    .action(async (opts: ReportCommandOptions) => {
      const { reportCommand } = await import('./report.js');
      await reportCommand(io, opts);
    });
}
