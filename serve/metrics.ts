/**
 * GET /metrics in the Prometheus text exposition format (version 0.0.4): runs, failures and
 * changes per source since the server started, the time of the last successful run, and the
 * outbox depth per notifier, so an alert rule can say "no successful run for 3 hours" or "Slack
 * has not taken an alert for an hour".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VERSION } from '../app/version.js';
import { type HealthSources, outboxDepth } from './health.js';
import { send } from './http.js';

type Labels = Record<string, string>;

/** Label values escaped as the format says: backslash, double quote, newline. */
function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Exposition {
  private readonly lines: string[] = [];

  metric(name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Labels, number]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.lines.push(`${name}${labelText(labels)} ${value}`);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

export async function metricsText(sources: HealthSources): Promise<string> {
  const { stats } = sources;
  const out = new Exposition();
  const perSource = [...stats.sources];

  out.metric('endpoint_watch_info', 'gauge', 'Version of the running endpoint-watch.', [[{ version: VERSION }, 1]]);
  out.metric('endpoint_watch_start_time_seconds', 'gauge', 'When this serve process started (Unix time).', [
    [{}, stats.startedAt.getTime() / 1000],
  ]);
  out.metric(
    'endpoint_watch_runs_total',
    'counter',
    'Runs of a source since start, by outcome (baseline, changed, unchanged, held, failed, dry-run, error).',
    perSource.flatMap(([source, s]) => [...s.runs].map(([status, n]): [Labels, number] => [{ source, status }, n])),
  );
  out.metric(
    'endpoint_watch_run_failures_total',
    'counter',
    'Runs of a source that failed or were held since start.',
    perSource.map(([source, s]) => [{ source }, s.failures]),
  );
  out.metric(
    'endpoint_watch_changes_total',
    'counter',
    'Endpoint changes committed for a source since start.',
    perSource.map(([source, s]) => [{ source }, s.changes]),
  );
  out.metric(
    'endpoint_watch_last_run_timestamp_seconds',
    'gauge',
    'When the last run of a source finished (Unix time).',
    perSource.flatMap(
      ([source, s]): Array<[Labels, number]> => (s.lastRun ? [[{ source }, seconds(s.lastRun.at)]] : []),
    ),
  );
  out.metric(
    'endpoint_watch_last_success_timestamp_seconds',
    'gauge',
    'When the last successful run of a source finished (Unix time).',
    perSource.flatMap(
      ([source, s]): Array<[Labels, number]> => (s.lastSuccessAt ? [[{ source }, seconds(s.lastSuccessAt)]] : []),
    ),
  );
  const depth = await outboxDepth(sources.outbox, sources.notifierIds, sources.digestNotifierIds);
  out.metric(
    'endpoint_watch_outbox_pending',
    'gauge',
    'Alerts a notifier still has to deliver (kept in the outbox, retried on the next run).',
    Object.entries(depth.byNotifier).map(([notifier, n]) => [{ notifier }, n]),
  );
  if (Object.keys(depth.awaitingDigest).length)
    out.metric(
      'endpoint_watch_outbox_awaiting_digest',
      'gauge',
      "Alerts held for a digest notifier's next digest (as configured, not undelivered).",
      Object.entries(depth.awaitingDigest).map(([notifier, n]) => [{ notifier }, n]),
    );
  if (sources.listWithheldVersions) {
    const withheld = await sources.listWithheldVersions();
    out.metric(
      'endpoint_watch_withheld_versions',
      'gauge',
      'Versions held back by parser health, waiting for run --accept.',
      [[{}, withheld.length]],
    );
  }
  out.metric('endpoint_watch_runs_queued', 'gauge', 'Runs waiting behind the running one.', [
    [{}, sources.queue.queued],
  ]);
  out.metric('endpoint_watch_trigger_rejections_total', 'counter', 'POST /run refused for a missing or wrong token.', [
    [{}, stats.rejectedTriggers],
  ]);
  return out.toString();
}

export async function serveMetrics(req: IncomingMessage, res: ServerResponse, sources: HealthSources): Promise<void> {
  send(req, res, 200, await metricsText(sources), { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
}
