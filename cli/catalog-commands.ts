/**
 * Commands that answer questions from the latest committed catalogs: lookup and export.
 */
import { Option, type Command } from 'commander';
import type { Catalog, CatalogEntry } from '../catalog/model.js';
import { entryKey } from '../catalog/canonical.js';
import { lookupValue, type LookupCatalog } from '../lookup/match.js';
import { exportFormats, renderExport, DEFAULT_PAC_FALLBACK } from '../export/formats.js';
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

/**
 * "Listed since": the date of the oldest snapshot in the unbroken run of snapshots, ending at
 * the latest, that list the entry. Computed only for sources that matched, from git.
 */
async function sinceDates(store: SnapshotStore, source: string): Promise<(entry: CatalogEntry) => string | null> {
  const commits = await store.log(source);
  const keysAt: Array<{ date: string; keys: Set<string> }> = [];
  for (const c of commits) {
    const snapshot = await store.at(source, c.commit);
    // The UTC day, as `show --at DAY` reads it (the commit date carries its author's offset).
    if (snapshot)
      keysAt.push({
        date: new Date(c.date).toISOString().slice(0, 10),
        keys: new Set(snapshot.catalog.entries.map(entryKey)),
      });
  }
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

export function registerCatalogCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('lookup')
    .description(
      'which sources, sections, regions and rows list an IP (CIDR containment), a CIDR, a host (exact or *. wildcard) or a URL; exit 1 when none, like grep',
    )
    .argument('<value>', 'IP address, CIDR, host name or URL')
    .option('--source <id>', 'only this source')
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .option('--json', 'print {"matches": [{"source", "kind", "value", "section", "region", "group", "since"}]}')
    .action(async (value: string, opts: { source?: string; config: string; json?: boolean }) => {
      const { store, catalogs } = await latestCatalogs(io, opts.config, opts.source);
      const first = lookupValue(
        value,
        catalogs.map((catalog) => ({ source: catalog.source, catalog })),
      );
      const matchedSources = new Set(first.map((m) => m.source));
      const withSince: LookupCatalog[] = [];
      for (const catalog of catalogs) {
        if (!matchedSources.has(catalog.source)) continue;
        withSince.push({ source: catalog.source, catalog, since: await sinceDates(store, catalog.source) });
      }
      const matches = matchedSources.size ? lookupValue(value, withSince) : [];
      if (opts.json) writeJson(io.stdout, { matches });
      else if (matches.length === 0) writeLine(io.stderr, `${value}: not listed by any source`);
      for (const m of opts.json ? [] : matches) {
        const place = [m.region, m.section, m.group ? `[${m.group}]` : null].filter(Boolean).join(' ');
        writeLine(
          io.stdout,
          `${m.source}: ${m.value} (${m.kind}) ${place}${m.since ? `, listed since ${m.since}` : ''}`,
        );
      }
      if (matches.length === 0) setExit(EXIT_FAILURE);
    });

  const formatHelp = [...exportFormats.values()].map((f) => `${f.id}: ${f.description}`).join('\n');
  program
    .command('export')
    .description('print the latest catalog as a list a firewall or proxy can load')
    .addOption(new Option('--format <id>', 'output format').choices([...exportFormats.keys()]).makeOptionMandatory())
    .option('--source <id>', 'only this source')
    .option('--region <region>', 'only this region (plus entries that have no region)')
    .option('--required-only', 'leave out endpoints the document marks Optional')
    .option('--aggregate', 'merge adjacent and contained CIDRs (covered addresses unchanged)')
    .option('--pac-fallback <directive>', `pac: what to return for everything else (default "${DEFAULT_PAC_FALLBACK}")`)
    .option('--config <file>', 'config file', 'endpoint-watch.yaml')
    .addHelpText('after', `\nFormats:\n${formatHelp}\n`)
    .action(
      async (opts: {
        format: string;
        source?: string;
        region?: string;
        requiredOnly?: boolean;
        aggregate?: boolean;
        pacFallback?: string;
        config: string;
      }) => {
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
      },
    );
}
