/**
 * What the commands that answer questions from the latest committed catalogs do: lookup and
 * export (cli/catalog-commands.ts defines them and imports this only when one runs).
 */
import type { Catalog, CatalogEntry } from '../catalog/model.js';
import { entryKey } from '../catalog/canonical.js';
import { formatPorts } from '../catalog/ports.js';
import { listedUntil, lookupValue, type DatedCatalog, type ListedUntil, type LookupCatalog } from '../lookup/match.js';
import { renderExport } from '../export/formats.js';
import { PAC_FALLBACK_EXAMPLE } from '../export/format-list.js';
import { selectEntries } from '../export/select.js';
import { SnapshotStore } from '../store/snapshots.js';
import { UsageError } from '../errors/index.js';
import { EXIT_FAILURE } from './exit-codes.js';
import { readConfig } from './context.js';
import { writeJson, writeLine, type CliIo } from './io.js';

/** Latest committed catalog of every source (configured or stored), optionally one source only. */
async function latestCatalogs(
  io: CliIo,
  configPath: string,
  only?: string,
): Promise<{ store: SnapshotStore; catalogs: Catalog[] }> {
  const config = await readConfig(io, configPath);
  // Reading creates nothing: before the first run there is no snapshot directory or repository.
  const store = await SnapshotStore.find(config.snapshotDir);
  const ids = [...new Set([...config.sources.map((s) => s.id), ...(store ? await store.sources() : [])])];
  if (only && !ids.includes(only))
    throw new UsageError(`no source "${only}" in the config or the snapshots (known: ${ids.join(', ') || 'none'})`);
  const catalogs: Catalog[] = [];
  for (const id of only ? [only] : ids) {
    const latest = store ? await store.latest(id) : null;
    if (latest) catalogs.push({ ...latest.catalog, source: id });
  }
  if (!store || catalogs.length === 0)
    throw new UsageError(`no snapshot yet${only ? ` of ${only}` : ''}: run \`endpoint-watch run\` first`);
  return { store, catalogs };
}

/** Every stored snapshot of a source, newest first, dated by UTC day as `show --at DAY` reads it. */
async function storedHistory(store: SnapshotStore, source: string): Promise<DatedCatalog[]> {
  const history: DatedCatalog[] = [];
  for (const c of await store.log(source)) {
    const snapshot = await store.at(source, c.commit);
    // The commit date carries its author's offset: the UTC day is the one `show --at` takes.
    if (snapshot) history.push({ date: new Date(c.date).toISOString().slice(0, 10), catalog: snapshot.catalog });
  }
  return history;
}

/**
 * "Listed since": the date of the oldest snapshot in the unbroken run of snapshots, ending at
 * the latest, that list the entry.
 */
function sinceDates(history: readonly DatedCatalog[]): (entry: CatalogEntry) => string | null {
  const keysAt = history.map(({ date, catalog }) => ({ date, keys: new Set(catalog.entries.map(entryKey)) }));
  return (entry) => {
    const key = entryKey(entry);
    let since: string | null = null;
    for (const state of keysAt) {
      if (!state.keys.has(key)) break;
      since = state.date;
    }
    return since;
  };
}

/** "TCP 443, Required" / "no ports stated, Optional" / "TCP 443, Required not stated". */
function entryFacts(entry: { ports: Parameters<typeof formatPorts>[0]; required: boolean | null }): string {
  const required = entry.required === null ? 'Required not stated' : entry.required ? 'Required' : 'Optional';
  return `${formatPorts(entry.ports)}, ${required}`;
}

export async function lookupCommand(
  io: CliIo,
  value: string,
  opts: { source?: string; config: string; json?: boolean },
  setExit: (code: number) => void,
): Promise<void> {
  const { store, catalogs } = await latestCatalogs(io, opts.config, opts.source);
  const first = lookupValue(
    value,
    catalogs.map((catalog) => ({ source: catalog.source, catalog })),
  );
  // Every source's history is read: a value no longer listed anywhere is answered from it.
  const withSince: LookupCatalog[] = [];
  const before: ListedUntil[] = [];
  for (const catalog of catalogs) {
    const history = await storedHistory(store, catalog.source);
    if (first.some((m) => m.source === catalog.source))
      withSince.push({ source: catalog.source, catalog, since: sinceDates(history) });
    before.push(...listedUntil(value, catalog.source, [...history].reverse()));
  }
  const matches = withSince.length ? lookupValue(value, withSince) : [];
  if (opts.json) writeJson(io.stdout, { matches, listedUntil: before });
  else if (matches.length === 0) writeLine(io.stderr, `${value}: not listed by any source now`);
  for (const m of opts.json ? [] : matches) {
    const place = [m.region, m.section, m.group ? `[${m.group}]` : null].filter(Boolean).join(' ');
    writeLine(
      io.stdout,
      `${m.source}: ${m.value} (${m.kind}) ${place}, ${entryFacts(m)}${m.since ? `, listed since ${m.since}` : ''}`,
    );
  }
  for (const m of opts.json ? [] : before) {
    const place = [m.section, m.region, m.group ? `[${m.group}]` : null].filter(Boolean).join(', ');
    writeLine(
      io.stdout,
      `${m.source}: ${m.value} (${m.kind}) was listed until ${m.until} (${place}), from ${m.from}, ${entryFacts(m)}`,
    );
  }
  if (matches.length === 0) setExit(EXIT_FAILURE);
}

export interface ExportCommandOptions {
  format: string;
  source?: string;
  region?: string;
  requiredOnly?: boolean;
  aggregate?: boolean;
  pacFallback?: string;
  config: string;
}

export async function exportCommand(io: CliIo, opts: ExportCommandOptions): Promise<void> {
  if (opts.format === 'pac' && !opts.pacFallback?.trim())
    throw new UsageError(
      `--format pac needs --pac-fallback: what the script returns for everything not catalogued, e.g. --pac-fallback ${PAC_FALLBACK_EXAMPLE}`,
    );
  const { catalogs } = await latestCatalogs(io, opts.config, opts.source);
  const entries = selectEntries(catalogs, {
    ...(opts.source ? { source: opts.source } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    requiredOnly: !!opts.requiredOnly,
  });
  io.stdout.write(
    renderExport(opts.format, entries, {
      aggregate: !!opts.aggregate,
      ...(opts.pacFallback ? { pacFallback: opts.pacFallback } : {}),
    }),
  );
}
