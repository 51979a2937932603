/** The result of comparing two catalogs of one source: what a person must hear about. */
import type { CatalogEntry, EndpointKind, PortSpec } from './model.js';

export type ChangeType = 'added' | 'removed' | 'modified' | 'moved' | 'reshaped';

/** Attributes whose change is reported as `modified` (never prose, row numbers or provenance). */
export type ChangedField = 'ports' | 'required' | 'expressRoute' | 'category' | 'role';

export interface EntryRef {
  section: string;
  region: string | null;
  group: string | null;
}

export interface Change {
  type: ChangeType;
  kind: EndpointKind;
  value: string;
  section: string;
  region: string | null;
  group: string | null;
  /** For `modified`: which attributes changed. Empty otherwise. */
  fields: ChangedField[];
  /** For `modified`: old values of the changed fields. */
  before?: Partial<Pick<CatalogEntry, ChangedField>> & { ports?: PortSpec };
  /** For `modified`: new values of the changed fields. */
  after?: Partial<Pick<CatalogEntry, ChangedField>> & { ports?: PortSpec };
  /** For `moved`: where the endpoint was and where it is now. */
  from?: EntryRef;
  to?: EntryRef;
  /** The entry as it is now (for removed: as it was). */
  entry: CatalogEntry;
  /** One line a person can read: "EU1 · App connector access: IP added 13.95.30.47". */
  message: string;
}

export interface ChangeSummary {
  added: number;
  removed: number;
  modified: number;
  moved: number;
  reshaped: number;
}

export interface ChangeSet {
  source: string;
  changes: Change[];
  summary: ChangeSummary;
}

export function summarize(changes: Change[]): ChangeSummary {
  const summary: ChangeSummary = { added: 0, removed: 0, modified: 0, moved: 0, reshaped: 0 };
  for (const change of changes) summary[change.type] += 1;
  return summary;
}

export function isEmptyChangeSet(set: ChangeSet): boolean {
  return set.changes.length === 0;
}
