/**
 * POST /run: the manual re-ingest before a change window, without a shell on the machine.
 * `?source=ID` runs one source, `?dryRun=1` diffs without committing or alerting, `?wait=0`
 * answers 202 at once instead of waiting for the report. It needs `Authorization: Bearer
 * <serve.token>`; with no token configured the endpoint does not exist (404). A trigger that
 * arrives while another run is busy waits for it in the queue: runs never overlap.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UsageError, errorMessage } from '../errors/index.js';
import type { SourceSpec } from '../pipeline/run.js';
import { HttpProblem, flag, hasBearerToken, onlyParams, sendJson } from './http.js';
import { ShuttingDown, type RunQueue } from './runner.js';
import type { RunStats } from './stats.js';

export interface TriggerSettings {
  /** null: no trigger endpoint. */
  token: string | null;
  queue: RunQueue;
  stats: RunStats;
  /** The sources of the config; `only` picks one by id or throws UsageError (cli/context.ts sourceSpecs). */
  sources: (only?: string) => SourceSpec[];
  log: (line: string) => void;
}

const PARAMS = ['source', 'dryRun', 'wait'] as const;

export async function serveTrigger(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  settings: TriggerSettings,
): Promise<void> {
  if (settings.token === null) throw new HttpProblem(404, 'not found');
  if (req.method !== 'POST') throw new HttpProblem(405, 'POST /run triggers a run', { allow: 'POST' });
  if (!hasBearerToken(req, settings.token)) {
    settings.stats.rejectedTriggers += 1;
    throw new HttpProblem(401, 'a valid "Authorization: Bearer <token>" header is needed', {
      'www-authenticate': 'Bearer realm="endpoint-watch"',
    });
  }
  onlyParams(url.searchParams, PARAMS);
  const dryRun = flag(url.searchParams, 'dryRun');
  const wait = url.searchParams.has('wait') ? flag(url.searchParams, 'wait') : true;
  let sources: SourceSpec[];
  try {
    sources = settings.sources(url.searchParams.get('source') ?? undefined);
  } catch (err) {
    if (err instanceof UsageError) throw new HttpProblem(404, err.message);
    throw err;
  }
  if (settings.queue.closed) throw new HttpProblem(503, new ShuttingDown().message);

  const ids = sources.map((s) => s.id).join(', ');
  const ahead = settings.queue.queued + (settings.queue.running ? 1 : 0);
  const busy = ahead > 0;
  settings.log(`triggered run of ${ids}${dryRun ? ' (dry run)' : ''}${busy ? ', queued behind the running one' : ''}`);
  const pending = settings.queue.run({ origin: 'trigger', sources, dryRun });
  if (!wait) {
    // Failures are logged and counted by the queue; nobody waits for this promise.
    pending.catch((err: unknown) => settings.log(`triggered run of ${ids}: ${errorMessage(err)}`));
    sendJson(req, res, 202, { queued: true, sources: sources.map((s) => s.id), dryRun, ahead });
    return;
  }
  try {
    const report = await pending;
    // 502: the run happened, but a source (or a notifier) upstream of us failed.
    sendJson(req, res, report.ok ? 200 : 502, report);
  } catch (err) {
    if (err instanceof ShuttingDown) throw new HttpProblem(503, err.message);
    throw new HttpProblem(500, `the run failed: ${errorMessage(err)}`);
  }
}
