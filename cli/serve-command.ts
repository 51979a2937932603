/**
 * `endpoint-watch serve`: the command's options; what it does is in cli/serve.ts, imported
 * only when it runs.
 */
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'run each source on its schedule (as watch does) and serve HTTP: the history page at /, /lists/<source|all>.<format>, /healthz, /metrics, POST /run',
    )
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option('--port <port>', 'TCP port (default: serve.port, 8080; 0 picks a free one)')
    .option('--host <address>', 'address to listen on (default: serve.host, 127.0.0.1; 0.0.0.0 in a container)')
    .action(async (opts: { config: string; port?: string; host?: string }) => {
      const { serveCommand } = await import('./serve.js');
      await serveCommand(io, opts);
    });
}
