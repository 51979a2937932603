/**
 * Commands that answer questions from the latest committed catalogs: lookup and export. Their
 * work is in cli/catalog-queries.ts, imported only when one of them runs.
 */
import { Option, type Command } from 'commander';
import { EXPORT_FORMAT_LIST, PAC_FALLBACK_EXAMPLE } from '../export/format-list.js';
import type { ExportCommandOptions } from './catalog-queries.js';
import type { CliIo } from './io.js';

export function registerCatalogCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('lookup')
    .description(
      'which sources, sections, regions and rows list an IP (CIDR containment), a CIDR, a host (exact or *. wildcard) or a URL; exit 1 when none, like grep',
    )
    .argument('<value>', 'IP address, CIDR, host name or URL')
    .option('--source <id>', 'only this source')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option(
      '--json',
      'print {"matches": [{"source", "kind", "value", "section", "region", "group", "ports", "required", "since"}], "listedUntil": [{..., "from", "until"}]}',
    )
    .action(async (value: string, opts: { source?: string; config: string; json?: boolean }) => {
      const { lookupCommand } = await import('./catalog-queries.js');
      await lookupCommand(io, value, opts, setExit);
    });

  const formatHelp = EXPORT_FORMAT_LIST.map((f) => `${f.id}: ${f.description}`).join('\n');
  program
    .command('export')
    .description('print the latest catalog as a list a firewall or proxy can load')
    .addOption(
      new Option('--format <id>', 'output format').choices(EXPORT_FORMAT_LIST.map((f) => f.id)).makeOptionMandatory(),
    )
    .option('--source <id>', 'only this source')
    .option('--region <region>', 'only this region (plus entries that have no region)')
    .option('--required-only', 'leave out endpoints the document marks Optional')
    .option('--aggregate', 'merge adjacent and contained CIDRs (covered addresses unchanged)')
    .option(
      '--pac-fallback <directive>',
      `pac (required): what to return for everything not catalogued, e.g. ${PAC_FALLBACK_EXAMPLE}`,
    )
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .addHelpText('after', `\nFormats:\n${formatHelp}\n`)
    .action(async (opts: ExportCommandOptions) => {
      const { exportCommand } = await import('./catalog-queries.js');
      await exportCommand(io, opts);
    });
}
