/**
 * A source's slice of a large feed: `include` / `exclude` rules on section, region and service
 * (only `AMAZON` in `eu-west-1`, only `AzureFrontDoor.Frontend`), applied to the catalog before
 * it is diffed or stored, so a team is alerted on its slice only.
 *
 * A rule names any of `section`, `region`, `service`, each one value or a list; a value may hold
 * `*` (any run of characters: `AzureFrontDoor.*`). An entry matches a rule when it matches every
 * field the rule names (one of the values of each). It is kept when it matches some `include`
 * rule (or there is none) and no `exclude` rule. `service` is the feed's service: the section
 * (AWS and Google `service`, an Azure tag's name) or the Azure tag's `systemService`.
 */
import { entriesPerSection } from './canonical.js';
import type { Catalog, CatalogEntry } from './model.js';
import { ParseError } from '../errors/index.js';

export interface FilterRule {
  section?: string[];
  region?: string[];
  service?: string[];
}

export interface CatalogFilter {
  include: FilterRule[];
  exclude: FilterRule[];
}

function matcher(patterns: string[]): (value: string | null) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns
    .filter((p) => p.includes('*'))
    .map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`));
  return (value) => value !== null && (exact.has(value) || globs.some((g) => g.test(value)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Azure tag's systemService, kept in the entry's notes by its parser ("systemService X"). */
function systemService(entry: CatalogEntry): string | null {
  return entry.notes ? (/(?:^|; )systemService ([^;]+)/.exec(entry.notes)?.[1] ?? null) : null;
}

function ruleMatcher(rule: FilterRule): (entry: CatalogEntry) => boolean {
  const section = rule.section && matcher(rule.section);
  const region = rule.region && matcher(rule.region);
  const service = rule.service && matcher(rule.service);
  return (entry) =>
    (!section || section(entry.section)) &&
    (!region || region(entry.region)) &&
    (!service || service(entry.section) || service(systemService(entry)));
}

/** True when the filter keeps every entry (no rule at all). */
export function isEmptyFilter(filter: CatalogFilter | null | undefined): boolean {
  return !filter || (filter.include.length === 0 && filter.exclude.length === 0);
}

/**
 * The catalog with only the entries `filter` keeps, its per-section counts recomputed; the
 * catalog itself when there is no rule. Pure: the input is not changed.
 */
export function filterCatalog(catalog: Catalog, filter: CatalogFilter | null | undefined): Catalog {
  if (!filter || isEmptyFilter(filter)) return catalog;
  const include = filter.include.map(ruleMatcher);
  const exclude = filter.exclude.map(ruleMatcher);
  const entries = catalog.entries.filter(
    (e) => (include.length === 0 || include.some((m) => m(e))) && !exclude.some((m) => m(e)),
  );
  // Rules that match nothing (a misspelt region) must not read as a page that lost everything.
  if (entries.length === 0 && catalog.entries.length > 0)
    throw new ParseError(
      `the include/exclude rules keep none of the ${catalog.entries.length} entries (sections: ${Object.keys(catalog.shape.entriesPerSection).slice(0, 5).join(', ')}${Object.keys(catalog.shape.entriesPerSection).length > 5 ? ', ...' : ''})`,
    );
  return { ...catalog, entries, shape: { ...catalog.shape, entriesPerSection: entriesPerSection(entries) } };
}
