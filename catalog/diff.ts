/**
 * Semantic diff of two catalogs of one source.
 *
 * Matching happens in three passes, each on what is left over by the one before:
 *  1. by identity (catalog/canonical.ts entryKey): same endpoint, same place;
 *  2. re-labelled places (catalog/relabel.ts): a re-worded heading or row purpose, a region
 *     label written differently (US -> US1, a label column added, labels added or dropped)
 *     that keeps most of its endpoints is mapped onto its new label; the endpoints found
 *     there are matched silently and the mapping is reported in `relabels`, not as a change;
 *  3. moves: an endpoint that left one place and appears in another of the same region (the
 *     region as pass 2 maps it) is one `moved` change.
 * Whatever is still unmatched is `removed` or `added`.
 *
 * Then the address pass (catalog/address-diff.ts) turns IP adds/removes that leave a scope's
 * covered addresses unchanged into one `reshaped` change and counts net addresses; every change
 * gets its impact and severity (catalog/impact.ts), and changes that need action come first.
 */
import type { Catalog, CatalogEntry } from './model.js';
import { entryKey, identityIndexAt } from './canonical.js';
import { originOnlyEndpoint } from './normalize.js';
import { portsEqual } from './ports.js';
import { summarize, type Change, type ChangedField, type ChangeSet, type EntryRef } from './changes.js';
import { describeChange } from './messages.js';
import { applyAddressDiff, type AddressDiffOptions, type ChangeDraft, type MatchedChange } from './address-diff.js';
import { withImpact } from './impact.js';
import { findRelabels } from './relabel.js';
import { compareChanges } from './order.js';

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

/**
 * The places of `entries` that list the same endpoint as a given entry elsewhere, where its
 * region's team reads them: the same region or no region (any region for an entry without one).
 * Only entries whose value is in `values` (those of the changes asked about) are indexed.
 */
function listedElsewhere(entries: CatalogEntry[], values: ReadonlySet<string>): (entry: CatalogEntry) => EntryRef[] {
  const byEndpoint = new Map<string, CatalogEntry[]>();
  for (const e of entries) {
    if (!values.has(e.value)) continue;
    const key = `${e.kind}\u0000${e.value}\u0000${e.role}`;
    const bucket = byEndpoint.get(key);
    if (bucket) bucket.push(e);
    else byEndpoint.set(key, [e]);
  }
  return (entry) => {
    const key = entryKey(entry);
    const same = byEndpoint.get(`${entry.kind}\u0000${entry.value}\u0000${entry.role}`) ?? [];
    return same
      .filter((e) => entryKey(e) !== key && (!entry.region || !e.region || e.region === entry.region))
      .map((e) => ({ section: e.section, region: e.region, group: e.group }));
  };
}

function withMessage(change: ChangeDraft): Change {
  return { ...change, message: describeChange(change) };
}

/**
 * An entry stored before its value's canonical form changed, in today's form: a catalog
 * committed when an origin-only URL was still kind `url` compares with the host the same
 * document gives now (catalog/normalize.ts), instead of a removal and an addition.
 */
function inCurrentForm(entry: CatalogEntry): CatalogEntry {
  if (entry.kind !== 'url') return entry;
  const endpoint = originOnlyEndpoint(entry.value);
  return endpoint ? { ...entry, ...endpoint } : entry;
}

/** `options` changes how the address pass works (catalog/address-diff.ts), never what it finds. */
export function diffCatalogs(
  oldCatalog: Catalog | null,
  newCatalog: Catalog,
  options: AddressDiffOptions = {},
): ChangeSet {
  // Copied only when a stored entry needs today's form: most catalogs have none.
  const stored = oldCatalog?.entries ?? [];
  const oldEntries = stored.some((e) => e.kind === 'url') ? stored.map(inCurrentForm) : stored;
  const newEntries = newCatalog.entries;
  const matched: MatchedChange[] = [];

  // Pass 1: identity. The partner of a new entry is kept by its index: a Map of 100k entries
  // took more memory than both catalogs' lists.
  const findNew = identityIndexAt(newEntries);
  const partnerAt: (CatalogEntry | undefined)[] = new Array(newEntries.length);
  const oldLeft: CatalogEntry[] = [];
  for (let i = 0; i < oldEntries.length; i += 1) {
    const e = oldEntries[i]!;
    const at = findNew(e);
    if (at >= 0 && partnerAt[at] === undefined) partnerAt[at] = e;
    else oldLeft.push(e);
  }
  const newLeft: CatalogEntry[] = [];
  const newLeftAt = new Map<CatalogEntry, number>();
  for (let i = 0; i < newEntries.length; i += 1) {
    if (partnerAt[i] !== undefined) continue;
    newLeft.push(newEntries[i]!);
    newLeftAt.set(newEntries[i]!, i);
  }

  // Pass 2: re-labelled places. Every new entry found again is compared with the old entry it was.
  const relabelled = findRelabels(oldEntries, newEntries, oldLeft, newLeft);
  const rekeyed = new Map<CatalogEntry, CatalogEntry>();
  const rekey = (e: CatalogEntry): CatalogEntry => rekeyed.get(e) ?? e;
  for (const e of oldLeft) {
    const renamed = relabelled.candidates(e)[0];
    if (renamed && renamed !== e) rekeyed.set(e, renamed);
  }
  for (const [n, o] of relabelled.claimedBy) {
    const at = newLeftAt.get(n);
    if (at !== undefined) partnerAt[at] = o;
  }
  for (let i = 0; i < newEntries.length; i += 1) {
    const original = partnerAt[i];
    if (!original) continue;
    const counterpart = newEntries[i]!;
    const fields = changedFields(original, counterpart);
    if (!fields.length) continue;
    matched.push({
      change: {
        ...baseChange('modified', counterpart),
        fields,
        before: pick(original, fields),
        after: pick(counterpart, fields),
      },
      before: rekey(original),
      after: counterpart,
    });
  }
  const unmatchedOld = oldLeft.filter((e) => !relabelled.found.has(e));
  const unmatchedNew = newLeft.filter((e) => partnerAt[newLeftAt.get(e)!] === undefined);

  // Pass 3: moves, paired in canonical order when an endpoint left and arrived several times.
  const arrivals = new Map<string, CatalogEntry[]>();
  for (const e of unmatchedNew) {
    const bucket = arrivals.get(endpointKey(e)) ?? [];
    bucket.push(e);
    arrivals.set(endpointKey(e), bucket);
  }
  const movedNew = new Set<CatalogEntry>();
  for (const gone of unmatchedOld) {
    let arrived: CatalogEntry | undefined;
    for (const candidate of relabelled.candidates(gone)) {
      arrived = arrivals.get(endpointKey(candidate))?.shift();
      if (arrived) break;
    }
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

  // Address pass, then where else an added or removed endpoint is listed, impact and message.
  const { drafts, netAddresses } = applyAddressDiff(
    matched,
    // Mapped only when a place was renamed: most diffs rename none, and the list has every old entry.
    rekeyed.size ? oldEntries.map(rekey) : oldEntries,
    newEntries,
    options,
  );
  const asked = new Set<string>();
  for (const d of drafts) if (d.type === 'added' || d.type === 'removed') asked.add(d.entry.value);
  const elsewhere = {
    added: listedElsewhere(oldEntries, asked),
    removed: listedElsewhere(newEntries, asked),
  };
  const changes = drafts.map((draft) => {
    const lookup = draft.type === 'added' || draft.type === 'removed' ? elsewhere[draft.type] : null;
    const places = lookup?.(draft.entry) ?? [];
    return withMessage(withImpact(places.length ? { ...draft, listedElsewhere: places } : draft));
  });

  changes.sort(compareChanges);
  return {
    source: newCatalog.source,
    changes,
    summary: { ...summarize(changes), netAddresses },
    relabels: relabelled.relabels,
  };
}
