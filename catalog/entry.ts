/**
 * One constructor for catalog entries: a parser names what its format knows (kind, value, where
 * it was read, and perhaps section, region, ports, ...) and gets every other field at its
 * default, with the keys in the one order catalog.json is written in.
 */
import { groupKeyOf } from './canonical.js';
import type { CatalogEntry, EndpointKind, EndpointRole, PortSpec, Provenance } from './model.js';
import { copyPorts } from './ports.js';

/** What a parser must say about an entry, and what it may. */
export interface EntryFields {
  kind: EndpointKind;
  /** Canonical already (catalog/normalize.ts): the constructor does not re-classify. */
  value: string;
  provenance: Provenance;
  /** Default ''. */
  section?: string;
  /** Default null. */
  region?: string | null;
  /** Default null. */
  group?: string | null;
  /** Default: derived from `group` with groupKeyOf (null when there is no group). */
  groupKey?: string | null;
  /** Default: no port (one frozen object for all). Copied when given, so entries never share port lists. */
  ports?: PortSpec;
  /** Default null (the document does not say). */
  required?: boolean | null;
  /** Default null. */
  expressRoute?: boolean | null;
  /** Default 'destination'. */
  role?: EndpointRole;
  /** Left out of the entry when not given. */
  category?: string | null;
  /** Left out of the entry when not given. */
  notes?: string | null;
}

/**
 * The ports of every entry a parser gives none (every prefix of a cloud feed): one frozen
 * object, not four per entry (15 MB for a 100k-prefix feed). Frozen, so that a change to it
 * throws instead of reaching every such entry; copy it to change it.
 */
const NO_PORTS: PortSpec = Object.freeze({
  tcp: Object.freeze([]) as unknown as string[],
  udp: Object.freeze([]) as unknown as string[],
  any: Object.freeze([]) as unknown as string[],
  custom: false,
});

export function catalogEntry(fields: EntryFields): CatalogEntry {
  const { kind, value, provenance, category, notes } = fields;
  const section = fields.section ?? '';
  const region = fields.region ?? null;
  const group = fields.group ?? null;
  const groupKey = fields.groupKey !== undefined ? fields.groupKey : groupKeyOf(group);
  const ports = fields.ports ? copyPorts(fields.ports) : NO_PORTS;
  const required = fields.required ?? null;
  const expressRoute = fields.expressRoute ?? null;
  const role = fields.role ?? 'destination';
  return entryLiteral(
    kind,
    value,
    section,
    region,
    group,
    groupKey,
    ports,
    required,
    expressRoute,
    role,
    category,
    notes,
    provenance,
  );
}

/**
 * The entry object itself, in the one key order parsed and stored entries share (so the diff's
 * loops over both stay monomorphic). Literals, not spreads, and positional, not an options
 * object: a feed makes 100k entries, and spreading cost five times the rest. `category` and
 * `notes` sit before provenance, as in the model, and only when given (not undefined).
 */
export function entryLiteral(
  kind: EndpointKind,
  value: string,
  section: string,
  region: string | null,
  group: string | null,
  groupKey: string | null,
  ports: PortSpec,
  required: boolean | null,
  expressRoute: boolean | null,
  role: EndpointRole,
  category: string | null | undefined,
  notes: string | null | undefined,
  provenance: Provenance,
): CatalogEntry {
  if (category === undefined && notes === undefined)
    return { kind, value, section, region, group, groupKey, ports, required, expressRoute, role, provenance };
  if (notes === undefined)
    return { kind, value, section, region, group, groupKey, ports, required, expressRoute, role, category, provenance };
  if (category === undefined)
    return { kind, value, section, region, group, groupKey, ports, required, expressRoute, role, notes, provenance };
  return {
    kind,
    value,
    section,
    region,
    group,
    groupKey,
    ports,
    required,
    expressRoute,
    role,
    category,
    notes,
    provenance,
  };
}
