/**
 * What the commands that read the snapshot history from git do: history, show, diff --source
 * (cli/history-commands.ts defines them). Nothing here writes; every answer is recomputed from
 * the committed catalogs, so the history is exactly what `git log -p` shows.
 */
import { summarize, type ChangeSet } from '../catalog/changes.js';
import { netAddressSummary } from '../catalog/address-diff.js';
import { diffCatalogs } from '../catalog/diff.js';
import { SnapshotStore, type StoredSnapshot } from '../store/snapshots.js';
import { changedValues, documentContext } from '../catalog/document-context.js';
import { UsageError } from '../errors/index.js';
import type { CliIo } from './io.js';
import { writeJson, writeLine } from './io.js';
import { readConfig } from './context.js';
import { countsLabel } from '../pipeline/commit-message.js';
import { printCatalogTo } from './print.js';

/** `store` is null before the first run: reading creates no snapshot directory or repository. */
export async function openStore(
  io: CliIo,
  configPath: string | undefined,
): Promise<{ store: SnapshotStore | null; sourceIds: string[] }> {
  const config = await readConfig(io, configPath);
  const store = await SnapshotStore.find(config.snapshotDir);
  const stored = store ? await store.sources() : [];
  const configured = config.sources.map((s) => s.id);
  return { store, sourceIds: [...new Set([...configured, ...stored])] };
}

export function requireSource(sourceIds: string[], id: string): void {
  if (!sourceIds.includes(id))
    throw new UsageError(`no source "${id}" in the config or the snapshots (known: ${sourceIds.join(', ') || 'none'})`);
}

export interface HistoryItem {
  commit: string;
  date: string;
  source: string;
  subject: string;
  baseline: boolean;
  /** Entries in the catalog as of this commit. */
  entryCount: number;
  /** Counts of `changes`: all zero for a baseline, which lists no change (see entryCount). */
  summary: ChangeSet['summary'];
  changes: ChangeSet['changes'];
  /** With --patch: the document's text around the changed endpoints (see catalog/document-context.ts). */
  patch?: string;
}

/** The raw document `source` had at `rev`, as text; null when the snapshot kept none. */
async function documentText(store: SnapshotStore, source: string, snapshot: StoredSnapshot): Promise<string | null> {
  if (!snapshot.meta?.documentFile) return null;
  return store.repo.show(snapshot.commit, store.repoPath(source, snapshot.meta.documentFile));
}

/** The text around the endpoints `item` changed, between its commit and the one before. */
export async function historyPatch(store: SnapshotStore, item: HistoryItem): Promise<string> {
  const now = await store.at(item.source, item.commit);
  const before = await store.at(item.source, `${item.commit}^`);
  if (!now || !before) return '';
  const [oldText, newText] = await Promise.all([
    documentText(store, item.source, before),
    documentText(store, item.source, now),
  ]);
  if (oldText === null || newText === null) return '(no stored document to compare)';
  return documentContext(oldText, newText, changedValues(item.changes)).text;
}

/** Each committed change of `source`, newest first, recomputed from the catalogs it links. */
export async function sourceHistory(store: SnapshotStore, source: string, since?: string): Promise<HistoryItem[]> {
  const commits = await store.log(source, since ? { since } : {});
  const items: HistoryItem[] = [];
  // The catalog before one commit is the one of the next (older) commit: read each only once.
  let older: StoredSnapshot | null = null;
  for (const c of commits) {
    const now = older?.commit === c.commit ? older : await store.at(source, c.commit);
    if (!now) continue;
    const before = await store.at(source, `${c.commit}^`);
    older = before;
    // A baseline starts tracking: no change, and no counts (adding up history must not take its entries for additions).
    const changeSet = before === null ? null : diffCatalogs(before.catalog, now.catalog);
    items.push({
      commit: c.commit,
      date: c.date,
      source,
      subject: c.subject,
      baseline: before === null,
      entryCount: now.catalog.entries.length,
      summary: changeSet?.summary ?? { ...summarize([]), netAddresses: netAddressSummary([], []) },
      changes: changeSet?.changes ?? [],
    });
  }
  return items;
}

export async function storedDiff(
  io: CliIo,
  opts: { source?: string; from?: string; to?: string; config?: string },
): Promise<ChangeSet> {
  if (!opts.source) throw new UsageError('--source is required');
  if (!opts.from) throw new UsageError('diff --source needs --from DATE|COMMIT');
  const { store, sourceIds } = await openStore(io, opts.config);
  requireSource(sourceIds, opts.source);
  if (!store) throw new UsageError(`no snapshot of ${opts.source} yet: run \`endpoint-watch run\` first`);
  const fromRev = await store.resolveRevision(opts.source, opts.from);
  if (!fromRev) throw new UsageError(`no snapshot of ${opts.source} at or before ${opts.from}`);
  const toRev = opts.to ? await store.resolveRevision(opts.source, opts.to) : 'HEAD';
  if (!toRev) throw new UsageError(`no snapshot of ${opts.source} at or before ${opts.to}`);
  const before = await store.at(opts.source, fromRev);
  const after = await store.at(opts.source, toRev);
  if (!before || !after) throw new UsageError(`no snapshot of ${opts.source} at ${before ? opts.to : opts.from}`);
  return diffCatalogs(before.catalog, after.catalog);
}

export async function historyCommand(
  io: CliIo,
  opts: { config: string; source?: string; since?: string; patch?: boolean; json?: boolean },
): Promise<void> {
  const { store, sourceIds } = await openStore(io, opts.config);
  if (opts.source) requireSource(sourceIds, opts.source);
  const items: HistoryItem[] = [];
  if (store)
    for (const id of opts.source ? [opts.source] : sourceIds)
      items.push(...(await sourceHistory(store, id, opts.since)));
  // By the moment, not the text: dates carry their author's UTC offset (backfilled ones too).
  items.sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || a.source.localeCompare(b.source));
  if (opts.patch && store) for (const item of items) if (!item.baseline) item.patch = await historyPatch(store, item);
  if (opts.json) {
    writeJson(io.stdout, { history: items });
    return;
  }
  if (items.length === 0) writeLine(io.stdout, 'no snapshot commits yet');
  for (const item of items) {
    const what = item.baseline ? 'baseline' : countsLabel(item.changes);
    writeLine(io.stdout, `${item.commit.slice(0, 10)} ${item.date} ${item.source}: ${what}`);
    for (const change of item.changes) writeLine(io.stdout, `    ${change.message}`);
    if (item.patch) writeLine(io.stdout, `\n${item.patch.replace(/^/gm, '    ')}\n`);
  }
}

export async function showCommand(
  io: CliIo,
  opts: { source: string; at?: string; config: string; json?: boolean },
): Promise<void> {
  const { store, sourceIds } = await openStore(io, opts.config);
  requireSource(sourceIds, opts.source);
  const rev = !store ? null : opts.at ? await store.resolveRevision(opts.source, opts.at) : 'HEAD';
  const snapshot = store && rev ? await store.at(opts.source, rev) : null;
  if (!store || !snapshot)
    throw new UsageError(
      `no snapshot of ${opts.source}${opts.at ? ` at or before ${opts.at}` : ' yet: run `endpoint-watch run` first'}`,
    );
  const date = (await store.repo.git(['log', '-1', '--format=%aI', snapshot.commit])).stdout.trim();
  if (opts.json) {
    writeJson(io.stdout, { commit: snapshot.commit, date, ...snapshot.catalog });
    return;
  }
  writeLine(io.stdout, `${opts.source} at ${snapshot.commit.slice(0, 10)} (${date})`);
  printCatalogTo(io, snapshot.catalog);
}
