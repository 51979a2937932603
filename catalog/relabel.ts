/**
 * Pass 2 of the diff (catalog/diff.ts): places written differently in the new version while
 * they list the same endpoints: a re-worded heading or row purpose, a region label changed
 * (US -> US1), a label column added (East US -> "Access controls / East US" and
 * "Session controls / East US", or rows "Access controls" and "Session controls"), region
 * labels added to a list that had none.
 *
 * A place is a container (section + row) or a region within a section. An old place that
 * "leaves" is one whose label the new version no longer has, or the unlabelled place (no
 * region; no row, within its own section). It is mapped onto new places whose labels the old
 * version did not have ("fresh"), when
 *   - each such new place is made mostly (at least half) of endpoints that come from that old
 *     place, and takes more of them from it than from any other old place;
 *   - together they hold most (at least half) of the endpoints that left the old place;
 *   - for regions and row labels, at least 2 endpoints show it (under the new labels of that
 *     place, or under the same new label in other sections): a lone endpoint under a new label
 *     is as likely to have moved.
 * A region may also lose its label (its endpoints now listed without a region), but only when
 * it was the only region of its section: then nobody's list changes.
 *
 * An old endpoint found again under a mapped place is matched there silently (its attributes
 * are still compared), and so is a copy, under a fresh label, of one still listed where it was
 * (a host listed for every row and now under one row label too). The mapping is reported as a
 * `Relabel`, never as a change. It never makes an endpoint appear or vanish: one missing from
 * the new version is still `removed`, one the old version did not list is still `added`.
 * Nothing is mapped onto a label the old version already had, so an endpoint that goes from
 * one existing region to another stays a removal there and an addition here.
 */
import type { CatalogEntry } from './model.js';
import type { EntryRef, Relabel } from './changes.js';
import { identityIndex } from './canonical.js';
import { describeRelabel } from './messages.js';

/** One collator for every sort (localeCompare with a locale builds one per call); same order. */
const byText = new Intl.Collator('en');

const SEP = '\u0000';

function containerOf(e: Pick<CatalogEntry, 'section' | 'groupKey'>): string {
  return `${e.section}${SEP}${e.groupKey ?? ''}`;
}

function sectionOfContainer(place: string): string {
  return place.slice(0, place.lastIndexOf(SEP));
}

function regionPlace(section: string, region: string | null): string {
  return `${section}${SEP}${region ?? ''}`;
}

function endpointOf(e: CatalogEntry): string {
  return `${e.kind}${SEP}${e.value}${SEP}${e.role}`;
}

/**
 * `key` with the last entry's key reused while the entry is in the same place (`same`): entries
 * come in canonical order, place by place, and a 100k-entry catalog has a few hundred places.
 */
function lastKey(key: (e: CatalogEntry) => string, same: (a: CatalogEntry, b: CatalogEntry) => boolean) {
  let last: CatalogEntry | null = null;
  let text = '';
  return (e: CatalogEntry): string => {
    if (last === null || !same(last, e)) text = key(e);
    last = e;
    return text;
  };
}

const sameContainer = (a: CatalogEntry, b: CatalogEntry) => a.section === b.section && a.groupKey === b.groupKey;
const sameRegionPlace = (a: CatalogEntry, b: CatalogEntry) => a.section === b.section && a.region === b.region;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const bucket = map.get(key);
  if (bucket) bucket.push(value);
  else map.set(key, [value]);
}

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** How much a new label looks like an old one: it contains it, or shares a prefix with it. */
function likeness(oldLabel: string, newLabel: string): number {
  if (oldLabel && newLabel.includes(oldLabel)) return 1_000 + oldLabel.length;
  let i = 0;
  while (i < oldLabel.length && oldLabel[i] === newLabel[i]) i += 1;
  return i;
}

interface PlaceRules {
  oldPlace(e: CatalogEntry): string;
  newPlace(e: CatalogEntry): string;
  /** What an old and a new entry must share, besides the place, to be the same endpoint. */
  match(e: CatalogEntry): string;
  /** Entries per place in the whole new catalog. */
  newSize: Map<string, number>;
  /** An old place that may be mapped. */
  leaves(oldPlace: string): boolean;
  /** `fresh`: a label the old version did not have; `collapse`: see the module comment. */
  receives(newPlace: string, oldPlace: string): 'fresh' | 'collapse' | null;
  label(place: string): string;
  /**
   * Endpoints a relabel must be seen with, under the new labels of the old place or under this
   * new label for the same old label anywhere; 0 for none. A lone endpoint under a new label
   * is as likely to have moved.
   */
  minEvidence(oldPlace: string): number;
}

interface Flow {
  old: Set<CatalogEntry>;
  new: Set<CatalogEntry>;
}

/**
 * Old place -> the new places it maps onto, the one that took most of its endpoints first.
 * `oldEntries`: every old entry; those in `oldLeft` (unmatched by pass 1) are the ones that
 * left their place. The others count only towards what a new place is made of: an endpoint
 * still listed without a region and now also under a new region label comes from there too.
 */
function mapPlaces(
  oldEntries: CatalogEntry[],
  oldLeft: Set<CatalogEntry>,
  newLeft: CatalogEntry[],
  rules: PlaceRules,
): Map<string, string[]> {
  const byMatch = new Map<string, CatalogEntry[]>();
  const newLeftValues = new Set<string>();
  for (const n of newLeft) {
    push(byMatch, rules.match(n), n);
    newLeftValues.add(n.value);
  }
  const left = new Map<string, number>();
  const flows = new Map<string, Map<string, Flow>>();
  for (const o of oldEntries) {
    const leaving = oldLeft.has(o);
    // Neither counted as leaving nor matching anything new: nothing to do (most entries).
    if (!leaving && !newLeftValues.has(o.value)) continue;
    const from = rules.oldPlace(o);
    if (!rules.leaves(from)) continue;
    if (leaving) count(left, from);
    for (const n of byMatch.get(rules.match(o)) ?? []) {
      const to = rules.newPlace(n);
      if (to === from || !rules.receives(to, from)) continue;
      let out = flows.get(from);
      if (!out) flows.set(from, (out = new Map()));
      let flow = out.get(to);
      if (!flow) out.set(to, (flow = { old: new Set(), new: new Set() }));
      if (leaving) flow.old.add(o);
      flow.new.add(n);
    }
  }
  // A fresh place has one origin: the old place it takes most endpoints from (made mostly of them).
  const origin = new Map<string, { from: string; size: number; likeness: number }>();
  for (const [from, out] of flows) {
    for (const [to, flow] of out) {
      if (rules.receives(to, from) !== 'fresh') continue;
      const size = flow.new.size;
      if (size * 2 < (rules.newSize.get(to) ?? 0)) continue;
      const like = likeness(rules.label(from), rules.label(to));
      const best = origin.get(to);
      const better =
        !best ||
        size > best.size ||
        (size === best.size && (like > best.likeness || (like === best.likeness && from < best.from)));
      if (better) origin.set(to, { from, size, likeness: like });
    }
  }
  const valid = (from: string, to: string) =>
    rules.receives(to, from) === 'collapse' ? true : origin.get(to)?.from === from;
  // Evidence: endpoints seen under the new labels of one old place, or under one new label of
  // the same old label in any section (US -> US1 in every table).
  const byLabels = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const labels = (from: string, to: string) => `${rules.label(from)}${SEP}${rules.label(to)}`;
  for (const [from, out] of flows) {
    for (const [to, flow] of out) {
      if (!valid(from, to)) continue;
      byLabels.set(labels(from, to), (byLabels.get(labels(from, to)) ?? 0) + flow.new.size);
      byPlace.set(from, (byPlace.get(from) ?? 0) + flow.new.size);
    }
  }
  const targets = new Map<string, string[]>();
  for (const [from, out] of flows) {
    const enough = (to: string) =>
      Math.max(byPlace.get(from) ?? 0, byLabels.get(labels(from, to)) ?? 0) >= rules.minEvidence(from);
    const accepted = [...out].filter(([to]) => valid(from, to) && enough(to));
    const kept = new Set<CatalogEntry>();
    for (const [, flow] of accepted) for (const o of flow.old) kept.add(o);
    if (accepted.length === 0 || kept.size * 2 < (left.get(from) ?? 0)) continue;
    accepted.sort(([a, x], [b, y]) => y.old.size - x.old.size || (a < b ? -1 : a > b ? 1 : 0));
    targets.set(
      from,
      accepted.map(([to]) => to),
    );
  }
  return targets;
}

/** What pass 2 found; see diffCatalogs for how it is used. */
export interface RelabelResult {
  /** New entries found again (silently) as an old entry under a mapped place, each with the first old entry found as it. */
  claimedBy: Map<CatalogEntry, CatalogEntry>;
  /** Old entries found again under a mapped place: neither removed nor moved. */
  found: Set<CatalogEntry>;
  /**
   * The places an old entry may have in the new version, most likely first: itself when none
   * of its places was mapped. For a found entry, the first is where it was found.
   */
  candidates(e: CatalogEntry): CatalogEntry[];
  relabels: Relabel[];
}

/**
 * Maps re-labelled places (see the module comment) and finds the old entries that are listed
 * under them. `oldLeft` / `newLeft`: the entries pass 1 (identity) did not match.
 */
export function findRelabels(
  oldEntries: CatalogEntry[],
  newEntries: CatalogEntry[],
  oldLeft: CatalogEntry[],
  newLeft: CatalogEntry[],
): RelabelResult {
  // Containers (section + row), compared by endpoint alone: a region re-labelled in the same
  // version is mapped next, and a region change that is no relabel stays a change there.
  const oldContainerOf = lastKey(containerOf, sameContainer);
  const oldContainers = new Set(oldEntries.map(oldContainerOf));
  const newContainerOf = lastKey(containerOf, sameContainer);
  const newContainers = new Set<string>();
  const containerSize = new Map<string, number>();
  const containerSample = new Map<string, CatalogEntry>();
  for (const n of newEntries) {
    const key = newContainerOf(n);
    newContainers.add(key);
    count(containerSize, key);
    if (!containerSample.has(key)) containerSample.set(key, n);
  }
  const leftSet = new Set(oldLeft);
  const containerTargets = mapPlaces(oldEntries, leftSet, newLeft, {
    oldPlace: containerOf,
    newPlace: containerOf,
    match: endpointOf,
    newSize: containerSize,
    // A container gone from the new version, or the rows of a section that had no row label.
    leaves: (place) => !newContainers.has(place) || place.endsWith(SEP),
    receives: (to, from) => {
      if (oldContainers.has(to)) return null;
      // Rows that get a label stay in their section; only a container that is gone may be re-headed.
      if (newContainers.has(from) && sectionOfContainer(to) !== sectionOfContainer(from)) return null;
      return 'fresh';
    },
    label: (place) => place,
    // A re-worded heading is no change even for a one-endpoint section (as before regions
    // were mapped); a lone endpoint that gets a row label may as well have moved.
    minEvidence: (place) => (newContainers.has(place) ? 2 : 0),
  });
  /** The old entry in each container it may now be in (first: the one most of its container went to). */
  const inContainers = (o: CatalogEntry): CatalogEntry[] => {
    const targets = containerTargets.get(containerOf(o));
    if (!targets) return [o];
    return targets.map((key) => {
      const sample = containerSample.get(key)!;
      return { ...o, section: sample.section, group: sample.group, groupKey: sample.groupKey };
    });
  };

  // Regions within a section, with old entries named as their containers are now.
  const inFirstContainer = new Map<CatalogEntry, CatalogEntry>();
  for (const o of oldLeft) inFirstContainer.set(o, inContainers(o)[0]!);
  const renamedOld = (o: CatalogEntry) => inFirstContainer.get(o) ?? o;
  const oldRegions = new Map<string, Set<string>>();
  for (const o of oldEntries) {
    const { section, region } = renamedOld(o);
    let set = oldRegions.get(section);
    if (!set) oldRegions.set(section, (set = new Set()));
    set.add(region ?? '');
  }
  const newRegions = new Map<string, Set<string>>();
  const regionSize = new Map<string, number>();
  const newRegionPlace = lastKey((n) => regionPlace(n.section, n.region), sameRegionPlace);
  let lastSection: string | null = null;
  let sectionRegions = new Set<string>();
  for (const n of newEntries) {
    if (n.section !== lastSection) {
      lastSection = n.section;
      sectionRegions = newRegions.get(n.section) ?? new Set();
      newRegions.set(n.section, sectionRegions);
    }
    sectionRegions.add(n.region ?? '');
    count(regionSize, newRegionPlace(n));
  }
  const split = (place: string): [string, string] => {
    const at = place.lastIndexOf(SEP);
    return [place.slice(0, at), place.slice(at + 1)];
  };
  const retired = (section: string, region: string) => !newRegions.get(section)?.has(region);
  const renamedAll = oldEntries.map(renamedOld);
  const regionTargets = mapPlaces(renamedAll, new Set(oldLeft.map(renamedOld)), newLeft, {
    oldPlace: (e) => regionPlace(e.section, e.region),
    newPlace: (e) => regionPlace(e.section, e.region),
    match: (e) => `${endpointOf(e)}${SEP}${e.section}`,
    newSize: regionSize,
    leaves: (place) => {
      const [section, region] = split(place);
      return region === '' || retired(section, region);
    },
    receives: (to, from) => {
      const [section, region] = split(to);
      const [fromSection, fromRegion] = split(from);
      if (section !== fromSection) return null;
      const before = oldRegions.get(section) ?? new Set<string>();
      if (region !== '') return before.has(region) ? null : 'fresh';
      // Losing its label: only the one region of its section, and only when it is gone.
      const labelled = [...before].filter((r) => r !== '');
      return labelled.length === 1 && labelled[0] === fromRegion && retired(section, fromRegion) ? 'collapse' : null;
    },
    label: (place) => split(place)[1],
    minEvidence: () => 2,
  });
  const candidateCache = new Map<CatalogEntry, CatalogEntry[]>();
  const candidatesOf = (o: CatalogEntry): CatalogEntry[] => {
    const cached = candidateCache.get(o);
    if (cached) return cached;
    const out: CatalogEntry[] = [];
    for (const c of inContainers(o)) {
      const regions = regionTargets.get(regionPlace(c.section, o.region));
      if (!regions) out.push(c);
      else for (const place of regions) out.push({ ...c, region: split(place)[1] || null });
    }
    candidateCache.set(o, out);
    return out;
  };

  const findNew = identityIndex(containerTargets.size === 0 && regionTargets.size === 0 ? [] : newEntries);
  const newLeftSet = new Set(newLeft);
  const claimedBy = new Map<CatalogEntry, CatalogEntry>();
  const found = new Set<CatalogEntry>();
  const foundAt = new Map<CatalogEntry, CatalogEntry>();
  // (from, to) -> new entries found there, for the relabel report.
  const report = new Map<string, { kind: Relabel['kind']; from: EntryRef; to: EntryRef; found: Set<CatalogEntry> }>();
  const note = (kind: Relabel['kind'], from: EntryRef, to: EntryRef, n: CatalogEntry) => {
    const key = [
      kind,
      from.section,
      from.region ?? '',
      from.group ?? '',
      to.section,
      to.region ?? '',
      to.group ?? '',
    ].join(SEP);
    let item = report.get(key);
    if (!item) report.set(key, (item = { kind, from, to, found: new Set() }));
    item.found.add(n);
  };
  // Old entries matched by identity are looked for too: one still listed without a region may
  // also be listed under a new region label now, which is no new endpoint either.
  const mapped = containerTargets.size > 0 || regionTargets.size > 0;
  for (const o of mapped ? [...oldLeft, ...oldEntries.filter((e) => !leftSet.has(e))] : []) {
    if (!containerTargets.has(containerOf(o)) && !regionTargets.has(regionPlace(renamedOld(o).section, o.region)))
      continue;
    const leaving = leftSet.has(o);
    for (const candidate of candidatesOf(o)) {
      const n = findNew(candidate);
      if (!n) continue;
      if (leaving && !found.has(o)) {
        found.add(o);
        foundAt.set(o, candidate);
      }
      if (newLeftSet.has(n) && !claimedBy.has(n)) claimedBy.set(n, o);
      if (containerOf(o) !== containerOf(n))
        note(
          'place',
          { section: o.section, region: null, group: o.group },
          { section: n.section, region: null, group: n.group },
          n,
        );
      if ((o.region ?? '') !== (n.region ?? ''))
        note(
          'region',
          { section: n.section, region: o.region, group: null },
          { section: n.section, region: n.region, group: null },
          n,
        );
    }
  }

  const relabels = [...report.values()]
    .map(({ kind, from, to, found: at }) => {
      const relabel = { kind, from, to, endpoints: at.size };
      return { ...relabel, message: describeRelabel(relabel) };
    })
    .sort(
      (a, b) =>
        a.kind.localeCompare(b.kind) ||
        byText.compare(a.to.section, b.to.section) ||
        byText.compare(a.from.region ?? '', b.from.region ?? '') ||
        byText.compare(a.from.group ?? '', b.from.group ?? '') ||
        byText.compare(a.to.region ?? '', b.to.region ?? '') ||
        byText.compare(a.to.group ?? '', b.to.group ?? ''),
    );

  return {
    claimedBy,
    found,
    candidates: (o) => {
      const at = foundAt.get(o);
      const all = candidatesOf(o);
      return at ? [at, ...all.filter((c) => c !== at)] : all;
    },
    relabels,
  };
}
