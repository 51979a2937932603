/**
 * Slack and SMTP faults: while a run delivers a change alert, one peer answers 429 with
 * Retry-After (SMTP: 451 try later), 500 (SMTP: 550 refused), hangs, answers 200 only after the
 * client's timeout (it has the message), or refuses the connection. Then two runs with healthy
 * peers. Counted against the clean play: the alert lost, duplicated (inside the README's window:
 * a timed-out Slack POST is re-sent once, marked; an SMTP timeout is retried `retries` times), or
 * blocked (the healthy notifier held back by the faulty one, or a healthy follow-up run that
 * still fails or leaves the alert pending).
 */
import { crashOf, judgeAlerts } from './judge.js';
import type { Tally } from './tally.js';
import { EMAIL_ID, SLACK_ID, World, at, page, refusedUrl, type NotifierSettings, type SeenAlert } from './world.js';

export interface NotifierFault {
  name: string;
  /** The faulty notifier. */
  notifier: typeof SLACK_ID | typeof EMAIL_ID;
  settings: NotifierSettings;
  /** Arms the fault just before the change run. */
  arm: (world: World) => Promise<void> | void;
  /** Heals the peer after the change run. */
  heal?: (world: World) => Promise<void> | void;
  /** Copies the README's duplicate window allows for this fault. */
  window: number;
  /** Part of the CI sample (FAULTS_SAMPLE). */
  sample?: boolean;
  /** An answer still in flight after the run: wait for it before the next run, as an hour would. */
  settleMs?: number;
}

// The faulty notifier's client timeout is 1 s (a "slow" answer comes after 2.5 s); the healthy
// one keeps 5 s, so a loaded machine cannot make it time out.
const SLACK_QUICK: NotifierSettings = { slackTimeoutSeconds: 1 };
const SMTP_QUICK: NotifierSettings = { emailTimeoutSeconds: 1 };

export const NOTIFIER_FAULTS: NotifierFault[] = [
  {
    name: 'slack 429 Retry-After: 1 (retried in the run)',
    notifier: SLACK_ID,
    settings: { ...SLACK_QUICK, slackRetries: 2 },
    sample: true,
    arm: (w) => w.slack.respond({ status: 429, headers: { 'retry-after': '1' } }),
    window: 1,
  },
  {
    name: 'slack 429 Retry-After: 120 (no retries left)',
    notifier: SLACK_ID,
    settings: SLACK_QUICK,
    arm: (w) => w.slack.respond({ status: 429, headers: { 'retry-after': '120' } }),
    window: 1,
  },
  {
    name: 'slack 500',
    notifier: SLACK_ID,
    settings: SLACK_QUICK,
    arm: (w) => w.slack.respond({ status: 500 }),
    window: 1,
  },
  {
    name: 'slack hang (retries: 2, not used after the POST was sent)',
    notifier: SLACK_ID,
    settings: { ...SLACK_QUICK, slackRetries: 2 },
    sample: true,
    arm: (w) => w.slack.respond({ status: 200, hang: true }),
    window: 2,
  },
  {
    name: 'slack slow 200 (after the timeout)',
    notifier: SLACK_ID,
    settings: { ...SLACK_QUICK, slackRetries: 2 },
    sample: true,
    arm: (w) => w.slack.respond({ status: 200, delayMs: 2500 }),
    window: 2,
    settleMs: 2000,
  },
  {
    name: 'slack refused',
    notifier: SLACK_ID,
    settings: SLACK_QUICK,
    arm: async (w) => {
      w.slackUrl = await refusedUrl(w.slack.secretPath);
    },
    heal: (w) => {
      w.slackUrl = null;
    },
    window: 1,
  },
  {
    name: 'smtp 451 try later',
    notifier: EMAIL_ID,
    settings: SMTP_QUICK,
    arm: (w) => w.smtp.rejectNext(1, 451),
    window: 1,
  },
  {
    name: 'smtp 550 refused',
    notifier: EMAIL_ID,
    settings: SMTP_QUICK,
    arm: (w) => w.smtp.rejectNext(1, 550),
    window: 1,
  },
  {
    name: 'smtp hang after DATA',
    notifier: EMAIL_ID,
    settings: { ...SMTP_QUICK, emailRetries: 1 },
    arm: (w) => w.smtp.hangNext(1),
    window: 2,
  },
  {
    name: 'smtp slow 250 (after the timeout)',
    notifier: EMAIL_ID,
    settings: { ...SMTP_QUICK, emailRetries: 1 },
    sample: true,
    arm: (w) => w.smtp.delayNext(1, 2500),
    window: 2,
    settleMs: 2000,
  },
  {
    name: 'smtp refused',
    notifier: EMAIL_ID,
    settings: SMTP_QUICK,
    sample: true,
    arm: (w) => w.smtp.outage(),
    heal: (w) => w.smtp.recover(),
    window: 1,
  },
];

interface FaultPlay {
  alerts: SeenAlert[];
  /** Alerts delivered by the end of the change run. */
  duringFault: SeenAlert[];
  /** Outbox entries left after the first healthy run. */
  pendingAfterHeal: number;
  codes: number[];
  crashes: string[];
  hung: boolean;
}

async function playFault(fault: NotifierFault | null, settings: NotifierSettings): Promise<FaultPlay> {
  const world = await World.create('notify', settings);
  try {
    world.serve(page());
    const runs = [await world.run(at(0))];
    world.serve(page({ extraIp: true }));
    await fault?.arm(world);
    runs.push(await world.run(at(1)));
    const duringFault = world.alerts();
    await fault?.heal?.(world);
    if (fault?.settleMs) await new Promise((resolve) => setTimeout(resolve, fault.settleMs));
    runs.push(await world.run(at(2)));
    const pendingAfterHeal = (await world.outboxEntries()).length;
    runs.push(await world.run(at(3)));
    return {
      alerts: world.alerts(),
      duringFault,
      pendingAfterHeal,
      codes: runs.map((r) => r.code),
      crashes: runs.map((r) => crashOf(r)).filter((c): c is string => c !== null),
      hung: runs.some((r) => r.hung),
    };
  } finally {
    await world.close();
  }
}

export async function runNotifierFaults(
  tally: Tally,
  faults: NotifierFault[],
  repeats: number,
  log: (line: string) => void,
): Promise<void> {
  const part = 'slack / smtp faults';
  const row = tally.row(part);
  // The clean play depends only on the notifier settings.
  const references = new Map<string, FaultPlay>();
  for (const fault of faults) {
    const key = JSON.stringify(fault.settings);
    const reference = references.get(key) ?? (await playFault(null, fault.settings));
    references.set(key, reference);
    for (let n = 1; n <= repeats; n += 1) {
      const trial = `${fault.name}${repeats > 1 ? ` #${n}` : ''}`;
      const reproduce = `FAULTS_ONLY='${fault.name}' npm run test:faults`;
      const result = await playFault(fault, fault.settings);
      row.trials += 1;
      const verdict = judgeAlerts(reference.alerts, result.alerts, (id) => (id === fault.notifier ? fault.window : 1));
      row.lost += verdict.lost.length;
      row.dupInside += verdict.dupInside.length;
      row.dupOutside += verdict.dupOutside.length;
      for (const lost of verdict.lost) tally.find(part, trial, `lost: ${lost}`, reproduce);
      for (const dup of verdict.dupOutside) tally.find(part, trial, `duplicate outside the window: ${dup}`, reproduce);
      if (result.crashes.length) {
        row.crashed += 1;
        tally.find(part, trial, `crashed: ${result.crashes.join('; ')}`, reproduce);
      }
      if (result.hung) {
        row.hung += 1;
        tally.find(part, trial, 'a run hung', reproduce);
      }
      // The healthy notifier got the change during the faulty run; healthy runs settle everything.
      const other = fault.notifier === SLACK_ID ? EMAIL_ID : SLACK_ID;
      const heldBack =
        result.duringFault.filter((a) => a.notifier === other).length <
        reference.duringFault.filter((a) => a.notifier === other).length;
      const blocked = heldBack || result.pendingAfterHeal > 0 || result.codes[2] !== 0 || result.codes[3] !== 0;
      if (blocked) {
        row.blocked += 1;
        tally.find(
          part,
          trial,
          `blocked: ${heldBack ? `${other} was held back; ` : ''}${result.pendingAfterHeal} pending after a healthy run, exit codes ${result.codes.join(',')}`,
          reproduce,
        );
      }
      const copies = result.alerts.filter((a) => a.notifier === fault.notifier && /\+1 IP/.test(a.title));
      log(
        `  ${trial}: ${verdict.lost.length || verdict.dupOutside.length ? 'FAIL' : 'ok'} (${copies.length} cop${copies.length === 1 ? 'y' : 'ies'} of the change to ${fault.notifier}${copies.some((c) => c.resent) ? ', one marked re-sent' : ''}; exit codes ${result.codes.join(',')})`,
      );
    }
  }
}
