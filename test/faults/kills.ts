/**
 * kill -9 at every named step of a run (app/fault-points.ts). Each scenario is a few runs at
 * chosen times; one of them is a real child process started with
 * `ENDPOINT_WATCH_FAULT=kill-at:<step>` that SIGKILLs itself there, the others run normally.
 * Every trial is judged against the same scenario played without the fault: the same alerts
 * (each exactly once per notifier, twice only for a kill between that notifier accepting and its
 * cross-off), the same commits, the same final catalog and state files, a sound repository,
 * and the same exit codes of the runs after the kill (else the kill blocked them).
 */
import { utimes } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STEPS } from '../../app/fault-points.js';
import { crashOf, judgeAlerts } from './judge.js';
import type { Tally } from './tally.js';
import { EMAIL_ID, SLACK_ID, World, at, page, type RunOutcome, type SeenAlert } from './world.js';

interface Phase {
  hours: number;
  setup?: (world: World) => void;
}

export interface Scenario {
  name: string;
  sourceExtra?: string[];
  phases: Phase[];
  /** The phase run as a child process, killed at the trial's step. */
  killed: number;
  /** Fault specs this scenario reaches: `<step>` or `<step>#<n>`. */
  steps: string[];
}

const v1 = (w: World) => w.serve(page());
const v2 = (w: World) => w.serve(page({ extraIp: true, lost: true }));
const failing = (w: World) => w.serveStatus(500);
const NOTIFIERS = [SLACK_ID, EMAIL_ID];
const delivery = (nth = 1) =>
  NOTIFIERS.flatMap((id) => [
    `accepted:${id}${nth > 1 ? `#${nth}` : ''}`,
    `crossed-off:${id}${nth > 1 ? `#${nth}` : ''}`,
  ]);

export const SCENARIOS: Scenario[] = [
  {
    // A new version adds an address and loses a table: a change alert and a withheld alert.
    name: 'change',
    phases: [{ hours: 0, setup: v1 }, { hours: 1, setup: v2 }, { hours: 2 }, { hours: 3 }],
    killed: 1,
    steps: [
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
      ...delivery(1),
      'withheld:settled',
      ...delivery(2),
    ],
  },
  {
    // Slack was down for both alerts; the next run's outbox flush is killed.
    name: 'flush',
    phases: [
      { hours: 0, setup: v1 },
      {
        hours: 1,
        setup: (w) => {
          v2(w);
          w.slack.respond({ status: 500 }, { status: 500 });
        },
      },
      { hours: 2 },
      { hours: 3 },
      { hours: 4 },
    ],
    killed: 2,
    steps: [
      'flush:state-recorded',
      `accepted:${SLACK_ID}`,
      `crossed-off:${SLACK_ID}`,
      'flush:state-recorded#2',
      `accepted:${SLACK_ID}#2`,
      `crossed-off:${SLACK_ID}#2`,
      'fetch:before',
    ],
  },
  {
    // The source starts failing and is announced at once (failureAlertAfter: 1), then recovers.
    name: 'failing',
    sourceExtra: ['    failureAlertAfter: 1'],
    phases: [
      { hours: 0, setup: v1 },
      { hours: 1, setup: failing },
      { hours: 2 },
      { hours: 3, setup: v1 },
      { hours: 4 },
    ],
    killed: 1,
    steps: ['fetch:before', 'failure:alert-queued', 'failure:state-written', ...delivery(1)],
  },
  {
    name: 'recovered',
    sourceExtra: ['    failureAlertAfter: 1'],
    phases: [
      { hours: 0, setup: v1 },
      { hours: 1, setup: failing },
      { hours: 2, setup: v1 },
      { hours: 3 },
      { hours: 4 },
    ],
    killed: 2,
    steps: ['fetch:after', 'failure:alert-queued', 'failure:state-written', ...delivery(1)],
  },
];

export interface Play {
  runs: RunOutcome[];
  alerts: SeenAlert[];
  commits: string[];
  catalog: string;
  withheld: string;
  outbox: string[];
  problems: string[];
  /** The kill left `.git/index.lock`; it was aged by a minute for the next (scheduled) run. */
  indexLockLeft: boolean;
}

/** Plays a scenario, the killed phase as a child process with `fault` (none: the clean play). */
export async function play(scenario: Scenario, fault: string | null): Promise<Play> {
  const world = await World.create(scenario.name, { sourceExtra: scenario.sourceExtra ?? [] });
  try {
    const runs: RunOutcome[] = [];
    let indexLockLeft = false;
    for (const [i, phase] of scenario.phases.entries()) {
      phase.setup?.(world);
      if (i === scenario.killed) {
        runs.push(await world.spawnRun(at(phase.hours), fault ? `kill-at:${fault}` : undefined));
        const lock = join(world.snapshots, '.git', 'index.lock');
        if (existsSync(lock)) {
          indexLockLeft = true;
          const aMinuteAgo = new Date(Date.now() - 60_000);
          await utimes(lock, aMinuteAgo, aMinuteAgo);
        }
      } else runs.push(await world.run(at(phase.hours)));
    }
    return {
      runs,
      alerts: world.alerts(),
      commits: world.commits(),
      catalog: world.git('show', 'HEAD:cas/catalog.json'),
      withheld: await world.withheldState(),
      outbox: await world.outboxEntries(),
      problems: world.repoProblems(),
      indexLockLeft,
    };
  } finally {
    await world.close();
  }
}

/**
 * The copies the duplicate window allows a notifier after a kill at `step`: two when the kill
 * came between that notifier accepting and its cross-off, which is the kill at `accepted:<id>`,
 * or a kill at any step while a delivery to it was under way (the lanes run beside the steps).
 */
function killWindow(step: string, inFlight: readonly string[]): (notifier: string) => number {
  return (notifier) => (step.replace(/#\d+$/, '') === `accepted:${notifier}` || inFlight.includes(notifier) ? 2 : 1);
}

export async function runKillTrials(tally: Tally, scenarios: Scenario[], log: (line: string) => void): Promise<void> {
  const part = 'kill -9 at a step';
  const row = tally.row(part);
  for (const scenario of scenarios) {
    for (const step of scenario.steps)
      if (!STEPS.some((named) => step.replace(/#\d+$/, '').replace(/:(slack|email:.*)$/, '') === named))
        throw new Error(`${scenario.name}: "${step}" is not a step app/fault-points.ts names`);
    const reference = await play(scenario, null);
    if (reference.problems.length || reference.outbox.length || reference.runs.some((r) => crashOf(r)))
      throw new Error(
        `scenario ${scenario.name} is unsound without a fault: ${JSON.stringify({ ...reference, catalog: undefined }).slice(0, 3000)}`,
      );
    for (const step of scenario.steps) {
      const trial = `${scenario.name} kill-at:${step}`;
      const reproduce = `FAULTS_ONLY='${trial}' npm run test:faults`;
      const result = await play(scenario, step);
      row.trials += 1;
      const killed = result.runs[scenario.killed]!;
      if (killed.signal !== 'SIGKILL' && !killed.hung) {
        tally.invalid.push(`${trial}: the step was never reached (exit ${killed.code})`);
        log(`  ${trial}: NOT REACHED`);
        continue;
      }
      const inFlight = killed.inFlight ?? [];
      const verdict = judgeAlerts(reference.alerts, result.alerts, killWindow(step, inFlight));
      const notes: string[] = [];
      row.lost += verdict.lost.length;
      row.dupInside += verdict.dupInside.length;
      row.dupOutside += verdict.dupOutside.length;
      for (const lost of verdict.lost) tally.find(part, trial, `lost: ${lost}`, reproduce);
      for (const dup of verdict.dupOutside) tally.find(part, trial, `duplicate outside the window: ${dup}`, reproduce);
      if (verdict.dupInside.length) notes.push(`${verdict.dupInside.length} copy in window`);
      if (inFlight.length) notes.push(`under way at the kill: ${inFlight.join(', ')}`);
      if (result.runs.some((r) => r.hung)) {
        row.hung += 1;
        tally.find(part, trial, 'a run hung', reproduce);
      }
      const crashes = result.runs
        .map((r, i) => crashOf(r, i === scenario.killed))
        .filter((c): c is string => c !== null);
      if (crashes.length) {
        row.crashed += 1;
        tally.find(part, trial, `crashed: ${crashes.join('; ')}`, reproduce);
      }
      const blockedAt = result.runs.findIndex((r, i) => i > scenario.killed && r.code !== reference.runs[i]!.code);
      if (blockedAt >= 0) {
        row.blocked += 1;
        const run = result.runs[blockedAt]!;
        tally.find(
          part,
          trial,
          `blocked: run ${blockedAt} exited ${run.code} (clean play: ${reference.runs[blockedAt]!.code}): ${run.stderr.trim().split('\n').slice(-2).join(' / ')}`,
          reproduce,
        );
      }
      const state: string[] = [...result.problems];
      if (JSON.stringify(result.commits) !== JSON.stringify(reference.commits))
        state.push(`commits ${JSON.stringify(result.commits)} instead of ${JSON.stringify(reference.commits)}`);
      if (result.catalog !== reference.catalog) state.push('final catalog.json differs from the clean play');
      if (result.withheld !== reference.withheld)
        state.push(`withheld state "${result.withheld}" instead of "${reference.withheld}"`);
      if (result.outbox.length) state.push(`${result.outbox.length} outbox entr(y/ies) left`);
      if (state.length) {
        row.badState += 1;
        tally.find(part, trial, `state: ${state.join('; ')}`, reproduce);
      }
      if (result.indexLockLeft) notes.push('left index.lock, cleared by the next run');
      log(
        `  ${trial}: ${verdict.lost.length || verdict.dupOutside.length || crashes.length || state.length || blockedAt >= 0 ? 'FAIL' : 'ok'}${notes.length ? ` (${notes.join(', ')})` : ''}`,
      );
    }
  }
}
