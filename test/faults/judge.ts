/**
 * Judging one trial against the same scenario played without the fault: every alert the clean
 * play delivered must have reached each notifier exactly once; a second copy is allowed only
 * inside the README's duplicate window (the caller says for which notifier and how many copies);
 * an alert the clean play never sent is an alert for something that did not change.
 */
import type { RunOutcome, SeenAlert } from './world.js';

export interface Verdict {
  lost: string[];
  dupInside: string[];
  dupOutside: string[];
}

function countBy(alerts: SeenAlert[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(`${a.notifier} | ${a.title}`, (counts.get(`${a.notifier} | ${a.title}`) ?? 0) + 1);
  return counts;
}

/**
 * `window(notifier)` is how many copies the documented window allows that notifier in this trial
 * (1 when the fault is outside every window).
 */
export function judgeAlerts(reference: SeenAlert[], seen: SeenAlert[], window: (notifier: string) => number): Verdict {
  const expected = countBy(reference);
  const got = countBy(seen);
  const verdict: Verdict = { lost: [], dupInside: [], dupOutside: [] };
  for (const [key, want] of expected) {
    const have = got.get(key) ?? 0;
    if (have < want) verdict.lost.push(`${key} (${have} of ${want})`);
    const allowed = want * window(key.split(' | ')[0]!);
    for (let copy = want + 1; copy <= have; copy += 1) {
      if (copy <= allowed) verdict.dupInside.push(`${key} (copy ${copy})`);
      else verdict.dupOutside.push(`${key} (copy ${copy}, window allows ${allowed})`);
    }
  }
  for (const [key, have] of got)
    if (!expected.has(key))
      for (let i = 0; i < have; i += 1) verdict.dupOutside.push(`${key} (never sent without the fault)`);
  return verdict;
}

/** Whether a run crashed: an unexpected exit, an unclassified (INTERNAL) error, or no report at all. */
export function crashOf(run: RunOutcome, killed = false): string | null {
  if (run.hung) return null;
  if (killed && run.signal === 'SIGKILL') return null;
  if (run.signal) return `ended by ${run.signal}`;
  if (run.code !== 0 && run.code !== 1)
    return `exit ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  let report: { results?: Array<{ source: string; error?: { code: string; message: string } }> };
  try {
    report = JSON.parse(run.stdout);
  } catch {
    return `no JSON report (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  }
  const internal = report.results?.find((r) => r.error?.code === 'INTERNAL');
  return internal ? `${internal.source}: internal error: ${internal.error!.message}` : null;
}
