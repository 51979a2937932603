/**
 * `endpoint-watch report --out DIR`: the history page (report/site.ts) as a static site, from
 * the same history `history` recomputes; `serve` serves the same page at `/` (cachedTimelines).
 */
import { resolve } from 'node:path';
import type { Config } from '../config/load.js';
import { UsageError } from '../errors/index.js';
import { clockFromEnv } from '../pipeline/clock.js';
import type { HistoryReader, SourceTimeline } from '../report/model.js';
import { renderHistorySite } from '../report/site.js';
import { writeHistorySite } from '../report/write.js';
import { SnapshotStore } from '../store/snapshots.js';
import { readConfig } from './context.js';
import { sourceHistory } from './history.js';
import { writeJson, writeLine, type CliIo } from './io.js';

/** Every source's timeline and current entries; null when there is no snapshot commit yet. */
export async function readTimelines(config: Config): Promise<SourceTimeline[] | null> {
  const store = await SnapshotStore.find(config.snapshotDir);
  if (!store || !(await store.repo.hasCommits())) return null;
  const ids = [...new Set([...config.sources.map((s) => s.id), ...(await store.sources())])];
  const timelines: SourceTimeline[] = [];
  for (const source of ids) {
    const items = await sourceHistory(store, source);
    if (items.length === 0) continue;
    const latest = await store.latest(source);
    timelines.push({ source, items, entries: latest?.catalog.entries ?? [] });
  }
  return timelines;
}

/**
 * readTimelines for `serve`: recomputed only when the snapshot repository's HEAD moved, since
 * reading a long history takes seconds (every commit's catalog, one diff each).
 */
export function cachedTimelines(config: Config): HistoryReader {
  let cached: { head: string; timelines: Promise<SourceTimeline[]> } | null = null;
  return async () => {
    const store = await SnapshotStore.find(config.snapshotDir);
    const head = store ? ((await store.repo.tryGit(['rev-parse', '--verify', '-q', 'HEAD']))?.stdout.trim() ?? '') : '';
    if (cached?.head !== head) {
      const timelines = readTimelines(config).then((t) => t ?? []);
      cached = { head, timelines };
      // A failed read is not kept: the next request tries again.
      timelines.catch(() => {
        if (cached?.timelines === timelines) cached = null;
      });
    }
    return cached.timelines;
  };
}

export interface ReportCommandOptions {
  out: string;
  config: string;
  json?: boolean;
}

export async function reportCommand(io: CliIo, opts: ReportCommandOptions): Promise<void> {
  const config = await readConfig(io, opts.config);
  const timelines = await readTimelines(config);
  if (timelines === null)
    throw new UsageError(
      `no snapshot history in ${config.snapshotDir} yet: run \`endpoint-watch run\` first, or check snapshotDir`,
    );
  const page = renderHistorySite(timelines, { generatedAt: clockFromEnv(io.env)() });
  const files = await writeHistorySite(resolve(io.cwd, opts.out), page);
  const sources = timelines.map((t) => ({
    source: t.source,
    commits: t.items.length,
    changes: t.items.reduce((n, i) => n + i.changes.length, 0),
    entries: t.entries.length,
  }));
  if (opts.json) {
    writeJson(io.stdout, { files, sources });
    return;
  }
  for (const f of files) writeLine(io.stdout, `wrote ${f.path} (${f.bytes} bytes)`);
  for (const s of sources)
    writeLine(io.stdout, `  ${s.source}: ${s.commits} commits, ${s.changes} changes, ${s.entries} endpoints now`);
}
