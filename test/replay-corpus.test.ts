/**
 * The real history of two Microsoft pages, replayed the way an hourly job would have lived it:
 * every version of ../shared/corpus/cas-network-requirements/ (197) and
 * ../shared/corpus/m365-learn-identify-endpoints/ (4) served in order from a loopback server,
 * `endpoint-watch run` at each version's date (ENDPOINT_WATCH_NOW), again 24, 49 and 72 hours
 * later while the next version is not due (withheld removals are confirmed after 48 h), and twice
 * more days after the last version; Slack (a stand-in) is the only notifier; nobody ever runs
 * `--accept`.
 *
 * Judged by an independent token scan of the raw versions (test/helpers/token-scan.ts), never
 * by the project's parsers:
 *  - every IP, CIDR or host that appears or vanishes and stays so for more than 48 h is named in
 *    an alert sent within 72 h of its version (an alert cut short by Slack's limits counts
 *    through the commit message it links to);
 *  - no alert (other than the baseline notice and confirmations of withheld removals) on a run
 *    whose version has the same tokens as the last committed document;
 *  - no internal error, crash or exit code 2.
 * Each corpus is its own source with its own snapshot directory. REPLAY_REPORT=FILE writes the
 * full findings there as JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  detailLines,
  type Findings,
  judgeReplay,
  loadCorpus,
  type LoadOptions,
  type MoveException,
  planRuns,
  type ReplayLog,
  replayHistory,
  summaryLine,
  type TokenException,
} from './helpers/replay.js';

const CORPUS = new URL('../../shared/corpus/', import.meta.url).pathname;

/**
 * Tokens the scan finds that are not endpoints. Each is taken out of every comparison (not
 * required in an alert, and not counted as a token change).
 */
const EXCEPTIONS: TokenException[] = [
  {
    token: /^host:(contoso|mod244533|tenant2)\./,
    reason:
      'an example tenant in a note ("you can open only your specific tenant URL, for example ..."), not an endpoint to allow',
  },
  {
    token: 'host:<mytenant>.us2.cloudappsecurity.com',
    reason: 'the same example tenant note, written with a placeholder (CAS v161-v168)',
  },
  {
    token: 'host:access.mcas.ms',
    reason:
      'named only in an announcement ("we will change our access endpoint from <AppName>.access-control.cas.ms to access.mcas.ms", CAS v107-v111), not an allow instruction; the table lists *.access.mcas.ms for it from v107 on, and that is alerted',
  },
];

/**
 * Versions whose token counts did not change although an alert is right: an address moved from
 * one row or region to another. The alert there may name these tokens, and no other.
 */
const MOVES: MoveException[] = [
  {
    version: '008',
    tokens: ['ip:13.80.125.22', 'ip:52.183.75.62'],
    reason:
      'the Authentication gateway table was merged into the portal table: both addresses moved there and gained "port 443" (ports stated for the first time), which a firewall owner acts on; the token scan does not see ports',
  },
  {
    version: '129',
    tokens: /^ip:(20\.101\.177|20\.85\.63|20\.115\.249|20\.108\.77)\.\d+$/,
    reason:
      'v128 put four new address blocks in the wrong data-center rows; v129 moves each to its own row (US2, US3, EU1, EU2): a move between regions is an add for one and a removal for the other',
  },
  {
    version: '147',
    tokens: ['ip:20.150.143.88'],
    reason: 'West US 3 address moved from the SAML proxy row to the Access controls row',
  },
];

/** m365 versions 003 and 004 have no date in versions.tsv. */
const M365_UNDATED: LoadOptions['undated'] = {
  '003': {
    time: '2021-11-15T12:00:00Z',
    reason:
      'undated: after 002 (2021-06-30); it renames Cloud App Security to Defender for Cloud Apps, the late-2021 rebrand (Nov 2021)',
  },
  '004': {
    time: '2022-04-05T12:00:00Z',
    reason: 'undated: the ms.date (04/05/2022) of its unit .yml, the renumbered 6-identify-endpoints',
  },
};

const PLAN = { afterHours: [24, 49, 72], tailHours: [5 * 24, 10 * 24] };

interface Case {
  name: string;
  folder: string;
  sourceId: string;
  load: LoadOptions;
}

const CASES: Case[] = [
  { name: 'cas-network-requirements', folder: 'cas-network-requirements', sourceId: 'cloud-app-security', load: {} },
  {
    name: 'm365-learn-identify-endpoints',
    folder: 'm365-learn-identify-endpoints',
    sourceId: 'm365-learn',
    load: { undated: M365_UNDATED },
  },
];

/** When the snapshot repository's first commit was made, or null when it has none. */
function firstCommitDate(snapshotDir: string): number | null {
  try {
    const dates = execFileSync('git', ['log', '--reverse', '--format=%cI'], {
      cwd: snapshotDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const first = dates.split('\n')[0];
    return first ? Date.parse(first) : null;
  } catch {
    return null;
  }
}

const findingsByCase = new Map<string, { findings: Findings; log: ReplayLog }>();

async function writeReport(): Promise<void> {
  const file = process.env.REPLAY_REPORT;
  if (!file) return;
  const json = Object.fromEntries(
    [...findingsByCase].map(([name, { findings: f, log }]) => [
      name,
      {
        ...f,
        runs: log.runs.map((r) => ({
          run: r.label,
          time: new Date(r.time).toISOString(),
          code: r.code,
          results: r.report?.results,
          alerts: r.alerts.map((a) => a.text),
        })),
        falseAlerts: f.falseAlerts.map((r) => ({
          run: r.alert.run,
          kind: r.kind,
          because: r.falseBecause,
          text: r.alert.text,
        })),
        excepted: Object.fromEntries(f.excepted),
      },
    ]),
  );
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
}

for (const c of CASES) {
  const dir = join(CORPUS, c.folder);
  test(`replay of ${c.name}: every lasting token change alerted within 72 h, no false alert, no internal error`, {
    timeout: 10 * 60_000,
    skip: existsSync(join(dir, 'versions.tsv')) ? false : `no corpus at ${dir}`,
  }, async (t) => {
    const versions = await loadCorpus(dir, c.load);
    const runs = planRuns(versions, PLAN);
    const workDir = await mkdtemp(join(tmpdir(), `ew-replay-${c.sourceId}-`));
    t.after(() => rm(workDir, { recursive: true, force: true }));
    const started = Date.now();
    const log = await replayHistory({ versions, runs, sourceId: c.sourceId, workDir });
    const findings = judgeReplay(versions, log, { exceptions: EXCEPTIONS, moves: MOVES });
    findingsByCase.set(c.name, { findings, log });
    await writeReport();

    t.diagnostic(`${summaryLine(c.name, findings)}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
    for (const [token, count] of findings.excepted) t.diagnostic(`exception: ${token} (in ${count} versions)`);
    for (const line of detailLines(findings)) t.diagnostic(line);

    // Only meaningful once `run` takes "now" from ENDPOINT_WATCH_NOW: then the baseline is
    // committed at the first version's date, and the 48 h of confirmAfter are counted in replay time.
    const baselineDate = firstCommitDate(log.snapshotDir);
    const honoured = baselineDate !== null && Math.abs(baselineDate - versions[0]!.time) < 1000;
    t.diagnostic(
      `run takes "now" from ENDPOINT_WATCH_NOW: ${honoured ? 'yes' : 'no'} (baseline committed at ${baselineDate === null ? 'none' : new Date(baselineDate).toISOString()}, first version ${new Date(versions[0]!.time).toISOString()})`,
    );

    const lines = detailLines(findings, 40);
    const detail = (prefix: string) =>
      lines.filter((line) => line.startsWith(prefix)).join('\n') || '(see the diagnostics above)';
    await t.test('every version was served and the baseline announced', () => {
      assert.equal(log.runs.length, runs.length);
      assert.equal(new Set(log.runs.map((r) => r.version)).size, versions.length);
      assert.ok(findings.alertsByKind.baseline >= 1, 'no baseline notice was sent');
    });
    await t.test('no internal error, crash or exit code 2', () => {
      assert.equal(findings.internal.length, 0, `internal errors:\n${detail('internal')}`);
    });
    await t.test('every lasting token change is named in an alert within 72 h', () => {
      assert.equal(
        findings.missed.length,
        0,
        `${findings.missed.length} lasting token changes never named in an alert within 72 h:\n${detail('missed')}`,
      );
    });
    await t.test('no alert on a version whose token counts equal the committed ones', () => {
      assert.equal(findings.falseAlerts.length, 0, `${findings.falseAlerts.length} false alerts:\n${detail('false')}`);
    });
  });
}
