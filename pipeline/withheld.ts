/**
 * What happens to withheld removals at a run: which are confirmed now (the page kept that state
 * for `confirmAfter`, or a person accepted what an alert showed), which stay withheld, and
 * whether an alert is due (only for removals no alert has announced yet: the same withheld set
 * is never announced twice). A removal once withheld stays withheld while the page keeps it
 * away, even when the rest of the page changes so that it would no longer look like breakage on
 * its own: only confirmation commits it. Pure: the caller stores the state (store/withheld.ts).
 */
import { entryKey } from '../catalog/canonical.js';
import type { Change } from '../catalog/changes.js';
import type { WithheldRemoval, WithheldState } from '../store/withheld.js';
import type { HealthAssessment } from './health.js';

export const DEFAULT_CONFIRM_AFTER_MS = 48 * 3600 * 1000;

export interface WithheldDecision {
  /** Removals to commit now. */
  confirmed: WithheldRemoval[];
  /** How they were confirmed, for the alert ("the page kept this state for 48h"). */
  confirmedHow: string | null;
  /** Removals still withheld: they stay in the committed catalog. */
  pending: WithheldRemoval[];
  /** True when some pending removal was never announced: one alert then lists the pending set. */
  announce: boolean;
  /** When the pending removals are confirmed if the page stays so; null: only a person can. */
  confirmAt: string | null;
  /** Why they are withheld: this run's reasons, and those of removals withheld earlier. */
  reasons: string[];
  /** The state to keep after this run (pending removals, all announced); null when none is left. */
  state: WithheldState | null;
}

/** "48h", "90m", "2d 12h": a duration as a person writes it. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  // Whole hours read better than days for the usual 48h.
  if (ms % 3_600_000 === 0 && ms < 7 * 86_400_000) return `${ms / 3_600_000}h`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join(' ') || '0s';
}

export function decideWithheld(input: {
  source: string;
  assessment: HealthAssessment;
  /** Every removal of the new version (withheld earlier ones stay withheld while they are removed). */
  removed?: Change[];
  previous: WithheldState | null;
  now: Date;
  confirmAfterMs: number;
  /** `run --accept`: confirm what an alert already showed. */
  accept: boolean;
}): WithheldDecision {
  const { assessment, previous, now, confirmAfterMs, accept } = input;
  // A page that had (nearly) nothing and lists endpoints again starts a new state: what is still
  // missing has been missing from a working page only since now.
  const recovered = !!previous?.needsPerson && !assessment.needsPerson;
  const known = new Map(recovered ? [] : (previous?.removals ?? []).map((r) => [r.key, r]));
  const announced = new Set(previous?.announced ?? []);
  const confirmed: WithheldRemoval[] = [];
  const pending: WithheldRemoval[] = [];
  let byPerson = false;
  const withheldNow = new Set(assessment.withheld.map((c) => entryKey(c.entry)));
  const before = new Set((previous?.removals ?? []).map((r) => r.key));
  const carried = (input.removed ?? []).filter((c) => {
    const key = entryKey(c.entry);
    return !withheldNow.has(key) && before.has(key);
  });
  for (const change of [...assessment.withheld, ...carried]) {
    const key = entryKey(change.entry);
    const removal: WithheldRemoval = {
      key,
      kind: change.kind,
      value: change.value,
      section: change.section,
      region: change.region,
      group: change.group,
      since: known.get(key)?.since ?? now.toISOString(),
    };
    // A person accepts what an alert showed them; a removal nobody has seen yet is announced first.
    if (accept && announced.has(key)) {
      confirmed.push(removal);
      byPerson = true;
    } else if (!assessment.needsPerson && Date.parse(removal.since) + confirmAfterMs <= now.getTime()) {
      confirmed.push(removal);
    } else {
      pending.push(removal);
    }
  }
  const reasons = [...new Set([...assessment.reasons, ...(carried.length ? (previous?.reasons ?? []) : [])])];
  const latestSince = pending.reduce((latest, r) => Math.max(latest, Date.parse(r.since)), 0);
  return {
    confirmed,
    confirmedHow: confirmed.length
      ? byPerson
        ? 'accepted with endpoint-watch run --accept'
        : `the page kept this state for ${formatDuration(confirmAfterMs)}`
      : null,
    pending,
    announce: pending.some((r) => !announced.has(r.key)),
    confirmAt: pending.length && !assessment.needsPerson ? new Date(latestSince + confirmAfterMs).toISOString() : null,
    reasons,
    state: pending.length
      ? {
          source: input.source,
          removals: pending,
          announced: pending.map((r) => r.key).sort(),
          reasons,
          needsPerson: assessment.needsPerson,
        }
      : null,
  };
}
