/** Builders for catalog entries and catalogs in the catalog/* tests. */
import type { Catalog, CatalogEntry } from '../model.js';
import { emptyPorts } from '../model.js';
import { canonicalEntries } from '../canonical.js';
import { groupKeyOf } from '../canonical.js';
import { classifyToken } from '../normalize.js';

export function entry(value: string, overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  const classified = classifyToken(value);
  if (!classified) throw new Error(`not an endpoint: ${value}`);
  const group = overrides.group === undefined ? '1: Portal access' : overrides.group;
  return {
    kind: classified.kind,
    value: classified.value,
    section: 'Portal access',
    region: 'EU1',
    group,
    groupKey: groupKeyOf(group === null ? null : group.replace(/^\d+:\s*/, '')),
    ports: { ...emptyPorts(), tcp: ['443'] },
    required: null,
    expressRoute: null,
    role: 'destination',
    provenance: { line: 1 },
    ...overrides,
  };
}

export function catalog(entries: CatalogEntry[], source = 'cloud-app-security'): Catalog {
  const canonical = canonicalEntries(entries);
  return {
    source,
    format: 'test',
    entries: canonical,
    shape: { format: 'test', tables: 1, rows: canonical.length, columns: [], entriesPerSection: {} },
  };
}
