/**
 * The fault suite's parts, in order, and what the sample keeps of each (test/faults/main.ts).
 */
import { SCENARIOS, runKillTrials, type Scenario } from './kills.js';
import { runFuzz } from './fuzz.js';
import { runLockRace } from './lock-race.js';
import { NOTIFIER_FAULTS, runNotifierFaults } from './notifier-faults.js';
import { Tally } from './tally.js';

export interface SuiteOptions {
  /** Fewer trials of every part, for CI. */
  sample: boolean;
  /** Only trials whose name contains this. */
  only: string | null;
  seed: number;
  log: (line: string) => void;
}

/** The sample's kill steps: the crossing points where a kill can lose or double an alert. */
const SAMPLE_STEPS = new Set([
  'change:withheld:alert-queued',
  'change:git-commit',
  'change:commit:after',
  'change:accepted:slack',
  'failing:failure:alert-queued',
]);

function killScenarios(options: SuiteOptions): Scenario[] {
  return SCENARIOS.map((s) => ({
    ...s,
    steps: s.steps.filter(
      (step) =>
        (!options.sample || SAMPLE_STEPS.has(`${s.name}:${step}`)) &&
        (!options.only || `${s.name} kill-at:${step}`.includes(options.only)),
    ),
  })).filter((s) => s.steps.length > 0);
}

export async function runFaultSuite(options: SuiteOptions): Promise<Tally> {
  const tally = new Tally();
  const timed = async (name: string, part: () => Promise<void>) => {
    const started = Date.now();
    options.log(`${name}:`);
    await part();
    tally.notes.push(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  const kills = killScenarios(options);
  if (kills.length) await timed('kill -9 at each step', () => runKillTrials(tally, kills, options.log));
  const faults = NOTIFIER_FAULTS.filter(
    (f) => (!options.sample || f.sample) && (!options.only || f.name.includes(options.only)),
  );
  if (faults.length)
    await timed('slack and smtp faults', () => runNotifierFaults(tally, faults, options.sample ? 1 : 2, options.log));
  if (!options.only || 'lock race (dead pid)'.includes(options.only))
    await timed('lock race', () => runLockRace(tally, options.sample ? 1 : 5, options.sample ? 3 : 4, options.log));
  if (!options.only || 'parser fuzz'.includes(options.only))
    await timed('parser fuzz', () => runFuzz(tally, options.sample ? 20 : 200, options.seed, options.log));
  return tally;
}
