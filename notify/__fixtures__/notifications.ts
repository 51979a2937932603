/**
 * Hand-made catalogs and notifications for the notifier tests. The endpoints are public
 * facts; section names and rows are written for these tests.
 */
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { emptyPorts, type CatalogEntry, type PortSpec } from '../../catalog/model.js';
import { classifyToken } from '../../catalog/normalize.js';
import type { ChangeSet } from '../../catalog/changes.js';
import type { Notification } from '../types.js';

export const SOURCE = 'cloud-app-security';
export const LOCATION = 'https://learn.example.org/defender-cloud-apps/network-requirements';
export const COMMIT = '0123456789abcdef0123456789abcdef01234567';
export const COMMIT_URL = `https://git.example.org/snapshots/commit/${COMMIT}`;

export function tcp(...ports: string[]): PortSpec {
  return { ...emptyPorts(), tcp: ports };
}

export function entry(value: string, place: { section: string; region?: string | null; group?: string | null }, ports: PortSpec = tcp('443')): CatalogEntry {
  const token = classifyToken(value);
  if (!token) throw new Error(`fixture value is not an endpoint: ${value}`);
  return {
    kind: token.kind,
    value: token.value,
    section: place.section,
    region: place.region ?? null,
    group: place.group ?? null,
    groupKey: place.group ? place.group.toLowerCase() : null,
    ports,
    required: true,
    expressRoute: null,
    role: 'destination',
    provenance: { line: 1 },
  };
}

function catalogOf(entries: CatalogEntry[]) {
  return buildCatalog(SOURCE, {
    entries,
    shape: { format: 'markdown-table', tables: 1, rows: entries.length, columns: [], entriesPerSection: {} },
    warnings: [],
  });
}

export function changeSetBetween(before: CatalogEntry[], after: CatalogEntry[]): ChangeSet {
  return diffCatalogs(catalogOf(before), catalogOf(after));
}

const CONNECTOR = 'App connector access';
const PORTAL = 'Portal access';

/**
 * EU1 connector: 13.95.30.47 added, 13.80.22.71 removed; US1 connector: 104.42.54.148 removed;
 * portal: port change on portal.cloudappsecurity.com, *.us3.portal.cloudappsecurity.com added.
 */
export function sampleChangeSet(): ChangeSet {
  const before = [
    entry('13.80.22.71', { section: CONNECTOR, region: 'EU1' }),
    entry('13.95.29.177', { section: CONNECTOR, region: 'EU1' }),
    entry('104.42.54.148', { section: CONNECTOR, region: 'US1' }),
    entry('40.112.62.220', { section: CONNECTOR, region: 'US1' }),
    entry('portal.cloudappsecurity.com', { section: PORTAL }),
  ];
  const after = [
    entry('13.95.29.177', { section: CONNECTOR, region: 'EU1' }),
    entry('13.95.30.47', { section: CONNECTOR, region: 'EU1' }),
    entry('40.112.62.220', { section: CONNECTOR, region: 'US1' }),
    entry('portal.cloudappsecurity.com', { section: PORTAL }, tcp('80', '443')),
    entry('*.us3.portal.cloudappsecurity.com', { section: PORTAL }),
  ];
  return changeSetBetween(before, after);
}

export function changesNotification(changeSet: ChangeSet = sampleChangeSet(), extra: { commit?: string | null; commitUrl?: string | null } = {}): Notification {
  return {
    type: 'changes',
    source: SOURCE,
    location: LOCATION,
    changeSet,
    commit: extra.commit === undefined ? COMMIT : extra.commit,
    commitUrl: extra.commitUrl === undefined ? COMMIT_URL : extra.commitUrl,
  };
}

/** `count` added hosts spread over `sections` sections, for the size-limit tests. */
export function manyAdds(count: number, sections = 1): ChangeSet {
  const after: CatalogEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    after.push(entry(`host-${String(i).padStart(5, '0')}.endpoints.example.com`, { section: `Section ${String(i % sections).padStart(3, '0')}` }));
  }
  return changeSetBetween([], after);
}
