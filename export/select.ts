/** Which catalog entries an export holds: `--source`, `--region` and `--required-only`. */
import type { Catalog, CatalogEntry } from '../catalog/model.js';
import { compareEntries, entryKey } from '../catalog/canonical.js';
import { UsageError } from '../errors/index.js';

/** A catalog entry together with the source it was listed by. */
export type ExportEntry = CatalogEntry & { source: string };

export interface ExportFilter {
  /** Only this source id (exact). Unknown id -> UsageError. */
  source?: string;
  /**
   * Only this region (case-insensitive), PLUS the entries that have no region: those apply in
   * every region, so a list for EU1 without them would be incomplete. A region that no
   * selected entry has -> UsageError (a typo must not yield a silently short allowlist).
   */
  region?: string;
  /** Only required endpoints. `required === null` (not stated) counts as required, as in catalog/impact.ts. */
  requiredOnly?: boolean;
}

/**
 * The entries of `catalogs` that pass `filter`, each tagged with its source, in a stable order
 * (source, then catalog order) and without duplicates.
 */
export function selectEntries(catalogs: readonly Catalog[], filter: ExportFilter = {}): ExportEntry[] {
  let chosen = [...catalogs];
  if (filter.source !== undefined) {
    chosen = chosen.filter((c) => c.source === filter.source);
    if (chosen.length === 0) {
      const known = [...new Set(catalogs.map((c) => c.source))].sort().join(', ') || 'none';
      throw new UsageError(`unknown source "${filter.source}" (known: ${known})`);
    }
  }
  let entries: ExportEntry[] = chosen.flatMap((c) => c.entries.map((e) => ({ ...e, source: c.source })));
  if (filter.region !== undefined) {
    const wanted = filter.region.trim().toLowerCase();
    const regions = new Set(entries.map((e) => e.region).filter((r): r is string => r !== null));
    if (![...regions].some((r) => r.toLowerCase() === wanted)) {
      const known = [...regions].sort().join(', ') || 'none';
      throw new UsageError(`no entry is listed for region "${filter.region}" (regions: ${known})`);
    }
    entries = entries.filter((e) => e.region === null || e.region.toLowerCase() === wanted);
  }
  if (filter.requiredOnly) entries = entries.filter((e) => e.required !== false);

  const seen = new Set<string>();
  const unique = entries.filter((e) => {
    const key = `${e.source}\u0000${entryKey(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : compareEntries(a, b)));
}
