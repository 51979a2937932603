/**
 * Semantic diff of two catalogs of one source.
 *
 * Matching happens in three passes, each on what is left over by the one before:
 *  1. by identity (catalog/canonical.ts entryKey): same endpoint, same place;
 *  2. renamed containers: a section heading or row purpose that was re-worded keeps most of its
 *     endpoints, so the old (section, group) is mapped onto the new one and nothing is reported
 *     for the re-wording itself;
 *  3. moves: an endpoint that left one place and appears in another is one `moved` change.
 * Whatever is still unmatched is `removed` or `added`.
 *
 * Then the address pass (catalog/address-diff.ts) turns IP adds/removes that leave a scope's
 * covered addresses unchanged into one `reshaped` change and counts net addresses; every change
 * gets its impact and severity (catalog/impact.ts), and changes that need action come first.
 */
import type { Catalog, CatalogEntry } from './model.js';
import { entryKey } from './canonical.js';
import { portsEqual } from './ports.js';
import { SEVERITY_ORDER, summarize, type Change, type ChangedField, type ChangeSet } from './changes.js';
import { describeChange } from './messages.js';
import { applyAddressDiff, netAddressSummary, type ChangeDraft, type MatchedChange } from './address-diff.js';
import { withImpact } from './impact.js';

function containerKey(e: { section: string; groupKey: string | null }): string {
  return `${e.section}\u0000${e.groupKey ?? ''}`;
}

function endpointKey(e: CatalogEntry): string {
  return [e.kind, e.value, e.role, e.region ?? ''].join('\u0000');
}

function changedFields(before: CatalogEntry, after: CatalogEntry): ChangedField[] {
  const fields: ChangedField[] = [];
  if (!portsEqual(before.ports, after.ports)) fields.push('ports');
  if (before.required !== after.required) fields.push('required');
  if (before.expressRoute !== after.expressRoute) fields.push('expressRoute');
  if ((before.category ?? null) !== (after.category ?? null)) fields.push('category');
  return fields;
}

function pick(entry: CatalogEntry, fields: ChangedField[]): Partial<CatalogEntry> {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = entry[field] ?? null;
  return out as Partial<CatalogEntry>;
}

function baseChange(type: Change['type'], entry: CatalogEntry): Omit<Change, 'message'> {
  return {
    type,
    kind: entry.kind,
    value: entry.value,
    section: entry.section,
    region: entry.region,
    group: entry.group,
    fields: [],
    entry,
  };
}

function withMessage(change: ChangeDraft): Change {
  return { ...change, message: describeChange(change) };
}

/**
 * Maps (section, group) containers that exist only in the old catalog onto containers that
 * exist only in the new one when they share at least half of their endpoints.
 */
function containerRenames(
  oldLeft: CatalogEntry[],
  newLeft: CatalogEntry[],
  oldAll: CatalogEntry[],
  newAll: CatalogEntry[],
): Map<string, CatalogEntry> {
  const oldContainers = new Set(oldAll.map(containerKey));
  const newContainers = new Set(newAll.map(containerKey));
  const group = (list: CatalogEntry[], exclude: Set<string>) => {
    const map = new Map<string, CatalogEntry[]>();
    for (const e of list) {
      const key = containerKey(e);
      if (exclude.has(key)) continue;
      const bucket = map.get(key) ?? [];
      bucket.push(e);
      map.set(key, bucket);
    }
    return map;
  };
  const oldOnly = group(oldLeft, newContainers);
  const newOnly = group(newLeft, oldContainers);
  const renames = new Map<string, CatalogEntry>();
  const taken = new Set<string>();
  for (const [oldKey, oldEntries] of oldOnly) {
    const oldSet = new Set(oldEntries.map(endpointKey));
    let best: { key: string; score: number; sample: CatalogEntry } | null = null;
    for (const [newKey, newEntries] of newOnly) {
      if (taken.has(newKey)) continue;
      const shared = newEntries.filter((e) => oldSet.has(endpointKey(e))).length;
      const score = shared / Math.max(oldEntries.length, newEntries.length);
      if (score >= 0.5 && (!best || score > best.score)) best = { key: newKey, score, sample: newEntries[0]! };
    }
    if (best) {
      taken.add(best.key);
      renames.set(oldKey, best.sample);
    }
  }
  return renames;
}

export function diffCatalogs(oldCatalog: Catalog | null, newCatalog: Catalog): ChangeSet {
  const oldEntries = oldCatalog?.entries ?? [];
  const newEntries = newCatalog.entries;
  const matched: MatchedChange[] = [];

  // Pass 1 and 2: identity, after mapping renamed containers.
  const newByKey = new Map(newEntries.map((e) => [entryKey(e), e]));
  const exactOld = oldEntries.filter((e) => !newByKey.has(entryKey(e)));
  const oldKeys = new Set(oldEntries.map(entryKey));
  const exactNew = newEntries.filter((e) => !oldKeys.has(entryKey(e)));
  const renames = containerRenames(exactOld, exactNew, oldEntries, newEntries);
  const rekey = (e: CatalogEntry): CatalogEntry => {
    const target = renames.get(containerKey(e));
    return target ? { ...e, section: target.section, group: target.group, groupKey: target.groupKey } : e;
  };

  const matchedNew = new Set<string>();
  const unmatchedOld: CatalogEntry[] = [];
  for (const original of oldEntries) {
    const keyed = rekey(original);
    const counterpart = newByKey.get(entryKey(keyed));
    if (!counterpart || matchedNew.has(entryKey(counterpart))) {
      unmatchedOld.push(original);
      continue;
    }
    matchedNew.add(entryKey(counterpart));
    const fields = changedFields(original, counterpart);
    if (fields.length) {
      matched.push({
        change: {
          ...baseChange('modified', counterpart),
          fields,
          before: pick(original, fields),
          after: pick(counterpart, fields),
        },
        before: keyed,
        after: counterpart,
      });
    }
  }
  const unmatchedNew = newEntries.filter((e) => !matchedNew.has(entryKey(e)));

  // Pass 3: moves, paired in canonical order when an endpoint left and arrived several times.
  const arrivals = new Map<string, CatalogEntry[]>();
  for (const e of unmatchedNew) {
    const bucket = arrivals.get(endpointKey(e)) ?? [];
    bucket.push(e);
    arrivals.set(endpointKey(e), bucket);
  }
  const movedNew = new Set<CatalogEntry>();
  for (const gone of unmatchedOld) {
    const bucket = arrivals.get(endpointKey(gone));
    const arrived = bucket?.shift();
    if (!arrived) {
      matched.push({ change: baseChange('removed', gone), before: rekey(gone), after: null });
      continue;
    }
    movedNew.add(arrived);
    const fields = changedFields(gone, arrived);
    matched.push({
      change: {
        ...baseChange('moved', arrived),
        fields,
        ...(fields.length ? { before: pick(gone, fields), after: pick(arrived, fields) } : {}),
        from: { section: gone.section, region: gone.region, group: gone.group },
        to: { section: arrived.section, region: arrived.region, group: arrived.group },
      },
      before: rekey(gone),
      after: arrived,
    });
  }
  for (const e of unmatchedNew) {
    if (!movedNew.has(e)) matched.push({ change: baseChange('added', e), before: null, after: e });
  }

  // Address pass, then impact and message on every change.
  const changes = applyAddressDiff(matched, oldEntries.map(rekey), newEntries).map((draft) =>
    withMessage(withImpact(draft)),
  );

  const order = { added: 0, removed: 1, modified: 2, moved: 3, reshaped: 4 } as const;
  changes.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity ?? 'info'] - SEVERITY_ORDER[b.severity ?? 'info'] ||
      a.section.localeCompare(b.section, 'en') ||
      (a.region ?? '').localeCompare(b.region ?? '', 'en') ||
      (a.group ?? '').localeCompare(b.group ?? '', 'en') ||
      order[a.type] - order[b.type] ||
      a.value.localeCompare(b.value, 'en'),
  );
  return {
    source: newCatalog.source,
    changes,
    summary: { ...summarize(changes), netAddresses: netAddressSummary(oldEntries, newEntries) },
  };
}
