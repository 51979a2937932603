/**
 * Parser health: which removals of a new version look like breakage (a broken page, a
 * generation published empty, a table the parser no longer reads) rather than a vendor's
 * decision. Only those are withheld; everything else goes through at once:
 *  - additions, attribute changes, moves and re-shapings are never held back;
 *  - a layout change alone (columns renamed, added, split or dropped, tables merged or split,
 *    sections re-ordered) holds nothing: it is described once (pipeline/layout.ts);
 *  - removals are withheld when the page lost more than half of its endpoints (or all, or
 *    nearly all), or when a whole section is gone and its endpoints are listed nowhere else.
 * A page with no endpoint left, or nearly none, waits for a person however long it lasts (and
 * its layout is not taken as the new reference); other withheld removals are confirmed once the page has kept that state for `confirmAfter`.
 */
import type { Change, ChangeSet } from '../catalog/changes.js';
import type { Catalog } from '../catalog/model.js';
import { describeLayoutChange } from './layout.js';

/** At most this share of the previous endpoints left is "nearly none". */
export const NEARLY_NONE_SHARE = 0.05;

export interface HealthAssessment {
  /** Layout changes, said once in the alert and the commit; empty when the layout is the same. */
  layout: string[];
  /** Removals that look like breakage: withheld, still in the committed catalog. */
  withheld: Change[];
  /** Why they look like breakage, one line each. */
  reasons: string[];
  /** No endpoint left, or nearly none: only a person confirms the removals. */
  needsPerson: boolean;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function assessChange(previous: Catalog, next: Catalog, changeSet: ChangeSet): HealthAssessment {
  const layout = describeLayoutChange(previous.shape, next.shape, changeSet.changes);
  const removed = changeSet.changes.filter((c) => c.type === 'removed');
  const before = previous.entries.length;
  const after = next.entries.length;
  const none = { layout, withheld: [], reasons: [], needsPerson: false };
  if (removed.length === 0 || before === 0) return none;

  if (after <= Math.floor(before * NEARLY_NONE_SHARE)) {
    return {
      // The layout of a page that lost (nearly) everything is no reference for the next version.
      layout: [],
      withheld: removed,
      reasons: [
        after === 0
          ? `the page lists no endpoint any more (${before} before)`
          : `the page lists nearly no endpoint any more: ${after}, against ${before} before`,
      ],
      needsPerson: true,
    };
  }
  if (removed.length * 2 > before) {
    return {
      layout,
      withheld: removed,
      reasons: [`more than half of the endpoints would be removed: ${removed.length} of ${before}`],
      needsPerson: false,
    };
  }

  // A whole section gone, with endpoints that are listed nowhere else in the new version.
  const oldPerSection = new Map<string, number>();
  for (const entry of previous.entries) oldPerSection.set(entry.section, (oldPerSection.get(entry.section) ?? 0) + 1);
  const removedPerSection = new Map<string, Change[]>();
  for (const change of removed) {
    const list = removedPerSection.get(change.section) ?? [];
    list.push(change);
    removedPerSection.set(change.section, list);
  }
  const listedNow = new Set(next.entries.map((e) => `${e.kind}\u0000${e.value}`));
  const sectionsNow = new Set(next.entries.map((e) => e.section));
  const withheld: Change[] = [];
  const reasons: string[] = [];
  for (const [section, changes] of removedPerSection) {
    // Gone: every endpoint it had is removed and it lists none now (a section whose list was
    // replaced by new endpoints is a change, not a loss).
    if (changes.length !== oldPerSection.get(section) || sectionsNow.has(section)) continue;
    const vanished = changes.filter((c) => !listedNow.has(`${c.kind}\u0000${c.value}`));
    if (vanished.length === 0) continue;
    withheld.push(...vanished);
    reasons.push(
      `section "${section || '(no heading)'}" is gone with ${plural(vanished.length, 'endpoint')} listed nowhere else`,
    );
  }
  return { layout, withheld, reasons, needsPerson: false };
}
