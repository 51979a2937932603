/**
 * `parse FILE|URL`: one document's catalog, with what the parser has to say about it. The work
 * is in cli/documents.ts, imported only when the command runs.
 */
import { Option, type Command } from 'commander';
import { PARSER_IDS } from '../parsers/ids.js';
import type { CliIo } from './io.js';

export function registerParseCommand(program: Command, io: CliIo): void {
  program
    .command('parse')
    .description('parse a document (file or URL) and print its endpoints, and what it saw but did not catalogue')
    .argument('<document>', 'file path or http(s) URL')
    .option('--json', 'print {"source", "format", "entries", "shape", "warnings", "warningCounts"} as JSON')
    .addOption(new Option('--format <id>', 'parser to use instead of detecting it').choices(PARSER_IDS))
    .action(async (document: string, opts: { json?: boolean; format?: string }) => {
      const { parseCommand } = await import('./documents.js');
      await parseCommand(io, document, opts);
    });
}
