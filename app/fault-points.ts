/**
 * Named crossing points of a run, for the fault suite (test/faults/): with
 * `ENDPOINT_WATCH_FAULT=kill-at:<step>` (or `kill-at:<step>#<n>` for its n-th time in the process)
 * the process sends itself SIGKILL when it reaches that step, as an operator's `kill -9` or an
 * OOM kill would, with no chance to clean up. Only tests set it; unset, each point is one
 * comparison. The steps are listed in STEPS so the suite can walk every one of them.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

/** Every named step, in the order a run meets them (notifier ids are appended: `accepted:slack`). */
export const STEPS = [
  'fetch:before',
  'fetch:after',
  'parse:before',
  'parse:after',
  'withheld:alert-queued',
  'withheld:state-written',
  'outbox:prepared',
  'git-commit',
  'commit:after',
  'outbox:ready',
  'withheld:settled',
  'accepted',
  'crossed-off',
  'failure:alert-queued',
  'failure:state-written',
  'flush:state-recorded',
] as const;

const hits = new Map<string, number>();

function target(): { step: string; nth: number } | null {
  const spec = process.env.ENDPOINT_WATCH_FAULT;
  const match = spec ? /^kill-at:([^#]+)(?:#(\d+))?$/.exec(spec) : null;
  return match ? { step: match[1]!, nth: Number(match[2] ?? 1) } : null;
}

/** Whether this is the armed step's n-th arrival (counts each arrival of the armed step). */
function armed(step: string): boolean {
  const wanted = target();
  if (!wanted || wanted.step !== step) return false;
  const count = (hits.get(step) ?? 0) + 1;
  hits.set(step, count);
  return count === wanted.nth;
}

/** Notifiers with a delivery under way in this process: from the send until its outcome is saved. */
const inFlight = new Map<string, number>();

/**
 * Marks a delivery to `notifier` as under way until the returned function is called. A kill
 * meanwhile is inside the duplicate window (the notifier may have the alert before the outbox
 * says so), whatever step it was aimed at: with the lanes beside the run, any step can land
 * there. The fault suite reads the record the kill leaves (ENDPOINT_WATCH_FAULT_REPORT).
 */
export function deliveryUnderWay(notifier: string): () => void {
  if (!process.env.ENDPOINT_WATCH_FAULT) return () => undefined;
  inFlight.set(notifier, (inFlight.get(notifier) ?? 0) + 1);
  return () => {
    const left = (inFlight.get(notifier) ?? 1) - 1;
    if (left > 0) inFlight.set(notifier, left);
    else inFlight.delete(notifier);
  };
}

function die(): never {
  const report = process.env.ENDPOINT_WATCH_FAULT_REPORT;
  if (report) writeFileSync(report, `${JSON.stringify({ inFlight: [...inFlight.keys()] })}\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not deliverable late; this only satisfies the type checker.
  throw new Error('unreachable');
}

/** A crossing point of a run: dies here when the fault hook names this step. */
export function faultPoint(step: string): void {
  if (armed(step)) die();
}

/**
 * A point inside a child process of ours (git commit): when armed, waits until `marker` exists
 * (the child took `.git/index.lock`), then kills the child and this process together, the way
 * `kill -9` of a process group or a container stop does. Returns false when not armed.
 */
export function faultDuringChild(step: string, child: ChildProcess, marker: string): boolean {
  if (!armed(step)) return false;
  const started = Date.now();
  const poll = setInterval(() => {
    if (!existsSync(marker) && Date.now() - started < 5_000) return;
    clearInterval(poll);
    child.kill('SIGKILL');
    die();
  }, 5);
  return true;
}
