/**
 * What the two Microsoft 365 formats (the endpoints web service's JSON and the "URLs and IP
 * address ranges" markdown page) have in common: both list the same endpoint sets, so both turn
 * a set into catalog entries here. Keeping this in one place is what makes the JSON and the
 * markdown of the same data produce the same catalog keys and attributes.
 */
import type { CatalogEntry, PortSpec, Provenance } from '../../catalog/model.js';
import { copyPorts } from '../../catalog/ports.js';
import type { ClassifiedToken } from '../../catalog/normalize.js';

/** One endpoint set, read from either format, without its endpoints. */
export interface EndpointSetFacts {
  /** The set's id; null only when a markdown row has an unreadable ID cell. */
  id: number | null;
  /** Service area display name ("Exchange Online"), used as the entry's section. */
  section: string;
  category: string | null;
  required: boolean | null;
  expressRoute: boolean | null;
  notes: string | null;
  ports: PortSpec;
}

/**
 * Group and group key of an endpoint set.
 *
 * Elsewhere a group key leaves out the row number, because document rows get renumbered. Here
 * the number *is* the identity: the web service's endpoint-set ids are stable identifiers (a set
 * keeps its id across versions, and Microsoft's own change log refers to sets by id), while the
 * display text next to it is just the service area. So the key is `set <id>`, and a set whose
 * addresses change stays the same container in a diff.
 */
export function endpointSetGroup(
  id: number | null,
  section: string,
): { group: string | null; groupKey: string | null } {
  if (id === null) return { group: null, groupKey: null };
  return { group: `${id}: ${section}`, groupKey: `set ${id}` };
}

const KNOWN_CATEGORIES = new Map([
  ['optimize', 'Optimize'],
  ['allow', 'Allow'],
  ['default', 'Default'],
]);

/** "optimize" / "Optimize" -> "Optimize"; an unknown category is kept as written; empty -> null. */
export function canonicalCategory(text: string | null | undefined): string | null {
  const trimmed = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!trimmed) return null;
  return KNOWN_CATEGORIES.get(trimmed.toLowerCase()) ?? trimmed;
}

/** One catalog entry for one endpoint of a set. */
export function endpointSetEntry(set: EndpointSetFacts, token: ClassifiedToken, provenance: Provenance): CatalogEntry {
  const { group, groupKey } = endpointSetGroup(set.id, set.section);
  return {
    kind: token.kind,
    value: token.value,
    section: set.section,
    region: null,
    group,
    groupKey,
    ports: copyPorts(set.ports),
    required: set.required,
    expressRoute: set.expressRoute,
    role: 'destination',
    category: set.category,
    notes: set.notes,
    provenance,
  };
}
