/**
 * What `endpoint-watch serve` does (cli/serve-command.ts defines the command and imports this
 * only when it runs): the scheduler of `watch` (pipeline/watch.ts) plus HTTP (serve/): lists
 * for firewalls to pull, /healthz, /metrics, and POST /run to trigger a run. Stops on SIGTERM
 * or Ctrl-C once the running job has finished.
 */
import { errorMessage, UsageError } from '../errors/index.js';
import { describeRoute, outboundRoute } from '../outbound/agent.js';
import { startWatching } from '../pipeline/watch.js';
import { CatalogReader } from '../serve/lists.js';
import { RunQueue, ShuttingDown } from '../serve/runner.js';
import { startServer } from '../serve/server.js';
import { listWithheldVersions, WithheldStore } from '../store/withheld.js';
import { RunStats } from '../serve/stats.js';
import { buildNotifiers, pipelineContext, readConfig, sourceSpecs } from './context.js';
import { writeLine, type CliIo } from './io.js';
import { cachedTimelines } from './report.js';
import { describeResult } from './run-command.js';

/** How long a run waits for another process holding the snapshot lock (as a `watch` tick does). */
const LOCK_WAIT_MS = 10 * 60 * 1000;
/** After the last job, how long open HTTP connections may take to finish before they are cut. */
const CLOSE_GRACE_MS = 10_000;

function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) throw new UsageError(`--port takes 0-65535, not "${value}"`);
  return port;
}

export async function serveCommand(io: CliIo, opts: { config: string; port?: string; host?: string }): Promise<void> {
  const config = await readConfig(io, opts.config);
  const settings = config.serve.resolve();
  const port = opts.port === undefined ? settings.port : portOption(opts.port);
  const host = opts.host ?? settings.host;
  const outbound = describeRoute(outboundRoute()); // reads proxy: now, so a mistake stops us here
  const notifiers = await buildNotifiers(config, io.stdout);
  const ctx = await pipelineContext(config, notifiers, io.stderr);
  const log = (line: string) => writeLine(io.stdout, `${new Date().toISOString()} ${line}`);
  const warn = (line: string) => writeLine(io.stderr, `${new Date().toISOString()} ${line}`);

  const stats = new RunStats(config.sources.map((s) => s.id));
  const queue = new RunQueue(ctx, {
    lockWaitMs: LOCK_WAIT_MS,
    stats,
    onReport: (job, report) => {
      for (const result of report.results) {
        const failed = result.status === 'failed';
        (failed ? warn : log)(`${job.origin === 'trigger' ? '[triggered] ' : ''}${describeResult(result)}`);
        for (const [id, message] of Object.entries(result.undelivered ?? {}))
          warn(`${result.source}: alert not delivered by ${id}, kept for the next run: ${message}`);
      }
      for (const [id, message] of Object.entries(report.outboxFailures))
        warn(`earlier alert still not delivered (${id}): ${message}`);
    },
  });
  const server = await startServer(
    {
      lists: new CatalogReader(
        config.snapshotDir,
        config.sources.map((s) => s.id),
      ),
      history: cachedTimelines(config),
      trigger: { token: settings.token, queue, stats, sources: (only) => sourceSpecs(config, only), log },
      health: {
        stats,
        queue,
        outbox: ctx.outbox,
        notifierIds: notifiers.map((n) => n.id),
        digestNotifierIds: notifiers.filter((n) => n.digest).map((n) => n.id),
        schedules: new Map(config.sources.map((s) => [s.id, s.schedule])),
        listWithheldVersions: () => listWithheldVersions(ctx.withheld ?? WithheldStore.forSnapshotDir(ctx.store.dir)),
      },
      log: warn,
    },
    { host, port },
  );

  const specs = sourceSpecs(config);
  const watcher = startWatching(
    config.sources.map((s, i) => ({
      id: s.id,
      schedule: s.schedule,
      run: async () => {
        const report = await queue.run({ origin: 'schedule', sources: [specs[i]!], dryRun: false });
        return report.results[0]!;
      },
    })),
    () => undefined, // results are logged by the queue, for scheduled and triggered runs alike
    (id, err) =>
      err instanceof ShuttingDown
        ? log(`${id}: scheduled run skipped, shutting down`)
        : warn(`${id}: ${errorMessage(err)}`),
  );
  writeLine(io.stdout, `listening on ${server.url} (outbound HTTP: ${outbound})`);
  writeLine(io.stdout, settings.token ? 'POST /run is enabled' : 'POST /run is off: no serve.token configured');
  for (const s of config.sources) writeLine(io.stdout, `watching ${s.id} on "${s.schedule}"`);

  await (io.untilStopped ? io.untilStopped() : new Promise<void>(() => undefined));
  // New connections are refused; the running job finishes, waiting ones are turned away.
  server.stopListening();
  if (queue.running) writeLine(io.stdout, 'stopping: waiting for the running job to finish');
  const drained = queue.stop();
  await watcher.stop();
  await drained;
  await server.closed(CLOSE_GRACE_MS);
  writeLine(io.stdout, 'stopped');
}
