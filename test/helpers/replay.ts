/**
 * Replaying a document's real history through `endpoint-watch run`, and judging what a security
 * team would have been told, for test/replay-corpus.test.ts.
 *
 *   const versions = await loadCorpus(dir, { undated: {...} });
 *   const log = await replayHistory({ versions, sourceId, workDir });
 *   const findings = judgeReplay(versions, log, { exceptions });
 *
 * The replay serves each version from a loopback HTTP server at its own date, runs `run --json`
 * in-process with ENDPOINT_WATCH_NOW set to that date and a Slack stand-in as the only notifier,
 * and records every Slack message with the time it was sent. Nobody ever runs `--accept`.
 *
 * The judge knows nothing of the parsers: it compares the token scans (token-scan.ts) of the raw
 * versions with the tokens named in the alerts.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notifiersYaml, runCli } from './cli-run.js';
import { reply, startDocServer } from './doc-server.js';
import { startSlackStub } from './slack-stub.js';
import { decodeText, scanTokenCounts, scanTokens } from './token-scan.js';

const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// The corpus

export interface CorpusVersion {
  /** "001" */
  index: string;
  file: string;
  /** When the version appeared: `commit_date`, else `date` at 12:00 UTC, else the given date. */
  time: number;
  /** Where `time` comes from: "commit_date", "date", or the reason given for an undated one. */
  timeBasis: string;
  body: Buffer;
  /** The token scan of the raw version (exceptions not yet removed): token -> occurrences. */
  counts: Map<string, number>;
}

export interface LoadOptions {
  /** Dates for versions without one in versions.tsv, by index, each with its reason. */
  undated?: Record<string, { time: string; reason: string }>;
}

/** Every version of a corpus folder (versions.tsv plus NNN_*.md files), oldest first. */
export async function loadCorpus(dir: string, options: LoadOptions = {}): Promise<CorpusVersion[]> {
  const tsv = (await readFile(join(dir, 'versions.tsv'), 'utf8')).trimEnd().split('\n');
  const header = tsv[0]!.split('\t');
  const column = (name: string) => header.indexOf(name);
  const files = (await readdir(dir)).filter((name) => /^\d{3}_.*\.md$/.test(name));
  const versions: CorpusVersion[] = [];
  for (const line of tsv.slice(1)) {
    const cells = line.split('\t');
    const index = cells[column('index')]!;
    const file = files.find((name) => name.startsWith(`${index}_`));
    if (!file) throw new Error(`${dir}: no file for version ${index}`);
    const commitDate = column('commit_date') >= 0 ? cells[column('commit_date')] : '';
    const date = cells[column('date')];
    let time: number;
    let timeBasis: string;
    if (commitDate) {
      time = Date.parse(commitDate);
      timeBasis = 'commit_date';
    } else if (date) {
      time = Date.parse(`${date}T12:00:00Z`);
      timeBasis = 'date';
    } else {
      const given = options.undated?.[index];
      if (!given) throw new Error(`${dir}: version ${index} has no date and none was given`);
      time = Date.parse(given.time);
      timeBasis = given.reason;
    }
    if (Number.isNaN(time)) throw new Error(`${dir}: version ${index} has an unreadable date`);
    const body = await readFile(join(dir, file));
    versions.push({ index, file, time, timeBasis, body, counts: scanTokenCounts(decodeText(body)) });
  }
  for (let i = 1; i < versions.length; i++) {
    if (versions[i]!.time <= versions[i - 1]!.time)
      throw new Error(`${dir}: version ${versions[i]!.index} is not later than the one before it`);
  }
  return versions;
}

// ---------------------------------------------------------------------------------------------
// The runs

export interface PlannedRun {
  time: number;
  /** Position in the versions array of the version served. */
  version: number;
  /** "v012", "v012+24h", "tail+5d". */
  label: string;
}

export interface PlanOptions {
  /** Extra runs after each version while the next one is not due yet (hours). */
  afterHours: number[];
  /** Runs after the last version (hours after its extra runs are done). */
  tailHours: number[];
}

/**
 * A run at each version's time, a few more after it while the next version is not due (so
 * withheld removals can be confirmed), and some more days after the last one. Every version
 * also gets one run between 48 and 72 hours after it, whatever version is served by then: a
 * removal confirmed after 48 h must have a run inside the judge's 72 h window.
 */
export function planRuns(versions: CorpusVersion[], options: PlanOptions): PlannedRun[] {
  const runs: PlannedRun[] = [];
  versions.forEach((version, i) => {
    runs.push({ time: version.time, version: i, label: `v${version.index}` });
    const next = versions[i + 1]?.time ?? Number.POSITIVE_INFINITY;
    for (const hours of options.afterHours) {
      const time = version.time + hours * HOUR;
      if (time < next) runs.push({ time, version: i, label: `v${version.index}+${hours}h` });
    }
  });
  const last = versions.length - 1;
  for (const hours of options.tailHours) {
    runs.push({ time: versions[last]!.time + hours * HOUR, version: last, label: `tail+${hours / 24}d` });
  }
  const servedAt = (time: number) => versions.findLastIndex((version) => version.time <= time);
  for (const version of versions) {
    const from = version.time + 48 * HOUR;
    if (runs.some((run) => run.time > from && run.time <= from + 24 * HOUR)) continue;
    const time = from + HOUR;
    const served = servedAt(time);
    runs.push({ time, version: served, label: `v${versions[served]!.index} (v${version.index}+49h)` });
  }
  return runs.sort((a, b) => a.time - b.time);
}

/** One Slack message as the stand-in received it. */
export interface SentAlert {
  /** ENDPOINT_WATCH_NOW of the run that sent it. */
  time: number;
  run: string;
  /** The message's fallback text and every block's text, mrkdwn escapes undone. */
  text: string;
  body: unknown;
}

export interface RunRecord extends PlannedRun {
  code: number;
  /** The parsed `run --json` report, or null when stdout was not JSON. */
  report: RunReportLike | null;
  stderr: string;
  /** A throw out of the CLI entry point (a crash). */
  crash: string | null;
  alerts: SentAlert[];
  /** sha256 of the document committed at HEAD after the run (null before the first commit). */
  committed: string | null;
}

/** The parts of the run report the judge reads; the rest may change freely. */
export interface RunReportLike {
  results?: Array<{
    source?: string;
    status?: string;
    error?: { code?: string; message?: string } | null;
    [key: string]: unknown;
  }>;
  [key: string]: unknown;
}

export interface ReplayLog {
  sourceId: string;
  snapshotDir: string;
  runs: RunRecord[];
  /** Which committed document (sha256) is which version index. */
  versionBySha: Map<string, number>;
}

/** The text of a Slack message body: its fallback text and each block's text, unescaped. */
export function slackMessageText(body: unknown): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') parts.push(inner);
        else visit(inner);
      }
    }
  };
  visit(body);
  return parts.join('\n').replace(/`/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function sha256(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

function headDocument(snapshotDir: string, sourceId: string): Buffer | null {
  try {
    return execFileSync('git', ['show', `HEAD:${sourceId}/document.md`], {
      cwd: snapshotDir,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return null;
  }
}

/** The message (subject and body) of a snapshot commit, or '' when there is no such commit. */
export function commitMessage(snapshotDir: string, commit: string): string {
  try {
    return execFileSync('git', ['log', '-1', '--format=%B', commit, '--'], {
      cwd: snapshotDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return '';
  }
}

export interface ReplayOptions {
  versions: CorpusVersion[];
  runs: PlannedRun[];
  sourceId: string;
  /** An empty directory: config, snapshots. */
  workDir: string;
}

/** Serves the versions in order and runs `run --json` at each planned time. */
export async function replayHistory(options: ReplayOptions): Promise<ReplayLog> {
  const { versions, runs, sourceId, workDir } = options;
  const docs = await startDocServer();
  const slack = await startSlackStub();
  const path = `/${sourceId}/network-requirements.md`;
  const snapshotDir = join(workDir, 'snapshots');
  const versionBySha = new Map(versions.map((version, i) => [sha256(version.body), i]));
  const records: RunRecord[] = [];
  try {
    await writeFile(
      join(workDir, 'endpoint-watch.yaml'),
      [
        'snapshotDir: ./snapshots',
        'commitUrl: https://history.example/commit/{commit}',
        'sources:',
        `  - id: ${sourceId}`,
        `    url: ${docs.url(path)}`,
        '    retries: 0',
        '    timeoutSeconds: 30',
        ...notifiersYaml({ slack: true }),
        '',
      ].join('\n'),
    );
    let served = -1;
    for (const run of runs) {
      if (run.version !== served) {
        const version = versions[run.version]!;
        // As the documentation site does: validators, so an unchanged page can answer 304.
        docs.set(
          path,
          reply.document(version.body, {
            etag: `"${sha256(version.body).slice(0, 16)}"`,
            lastModified: new Date(version.time).toUTCString(),
          }),
        );
        served = run.version;
      }
      const seen = slack.requests.length;
      let code = -1;
      let stdout = '';
      let stderr = '';
      let crash: string | null = null;
      try {
        const result = await runCli(['run', '--json'], {
          cwd: workDir,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            EW_SLACK: slack.url,
            ENDPOINT_WATCH_NOW: new Date(run.time).toISOString(),
          },
        });
        ({ code, stdout, stderr } = result);
      } catch (err) {
        crash = err instanceof Error ? (err.stack ?? err.message) : String(err);
      }
      let report: RunReportLike | null = null;
      try {
        report = JSON.parse(stdout) as RunReportLike;
      } catch {
        report = null;
      }
      const alerts = slack.requests.slice(seen).map((request) => ({
        time: run.time,
        run: run.label,
        text: slackMessageText(request.body),
        body: request.body,
      }));
      const head = headDocument(snapshotDir, sourceId);
      const record: RunRecord = {
        ...run,
        code,
        report,
        stderr,
        crash,
        alerts,
        committed: head ? sha256(head) : null,
      };
      records.push(record);
    }
  } finally {
    await docs.close();
    await slack.close();
  }
  return { sourceId, snapshotDir, runs: records, versionBySha };
}

// ---------------------------------------------------------------------------------------------
// The judge

/** A token the scan sees that the judge must not ask an alert for, with the reason. */
export interface TokenException {
  /** Exact token (`host:contoso.cloudappsecurity.com`) or a pattern over tokens. */
  token: string | RegExp;
  reason: string;
}

/**
 * A version where an alert is right although the token counts did not change (an address moved
 * from one row or region to another): the alert may name these tokens and no other.
 */
export interface MoveException {
  version: string;
  tokens: string[] | RegExp;
  reason: string;
}

/** `layout`: a notice that the layout changed, naming no endpoint of the document (set by the judge). */
export type AlertKind = 'baseline' | 'change' | 'held' | 'withheld' | 'confirmed' | 'layout';

/** What an alert is, read from its words (the judge does not read the notification's type). */
export function alertKind(text: string): AlertKind {
  if (/\bconfirmed\b/i.test(text)) return 'confirmed';
  if (/\bwithheld\b|\bwithholding\b/i.test(text)) return 'withheld';
  if (/now tracking|first snapshot|\bbaseline\b/i.test(text) && !/\b(added|removed)\b/i.test(text)) return 'baseline';
  if (/parser-health|\bheld\b/i.test(text)) return 'held';
  return 'change';
}

/** Tokens named by an alert; for an alert cut short ("... and N more"), its commit's message too. */
export interface AlertReading {
  alert: SentAlert;
  kind: AlertKind;
  named: Set<string>;
  /** Tokens in the alert's own text. */
  direct: Set<string>;
  /** The alert said it left changes out, and the tokens of its commit message were added. */
  summarised: boolean;
  commit: string | null;
  /** Filled by the judge: why this alert counts as false, when it does. */
  falseBecause?: string;
}

/** IPv4 as a number, or null. */
function ipv4Number(text: string): number | null {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/**
 * Every address of each run an alert writes as a range ("13.86.219.224 - 13.86.219.250, 27
 * addresses", notify/summary.ts): the alert names them all. Runs over 65,536 are not expanded.
 */
function rangeTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/(\d{1,3}(?:\.\d{1,3}){3}) - (\d{1,3}(?:\.\d{1,3}){3})(?![\d./])/g)) {
    const first = ipv4Number(match[1]!);
    const last = ipv4Number(match[2]!);
    if (first === null || last === null || last < first || last - first > 65_536) continue;
    for (let n = first; n <= last; n += 1)
      tokens.push(`ip:${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')}`);
  }
  return tokens;
}

export function readAlert(alert: SentAlert, snapshotDir: string): AlertReading {
  const kind = alertKind(alert.text);
  const direct = scanTokens(alert.text);
  for (const token of rangeTokens(alert.text)) direct.add(token);
  const named = new Set(direct);
  const commit = /history\.example\/commit\/([0-9a-f]{40})/.exec(alert.text)?.[1] ?? null;
  const summarised = /\.\.\. and \d+ more|… and \d+ more/.test(alert.text);
  if (summarised && commit) for (const token of scanTokens(commitMessage(snapshotDir, commit))) named.add(token);
  return { alert, kind, named, direct, summarised, commit };
}

/** A token that appeared or vanished at a version and stayed so for more than 48 hours. */
export interface LastingChange {
  token: string;
  change: 'appeared' | 'vanished';
  /** Index ("012") of the version where it changed. */
  version: string;
  time: number;
  /** The alerts (run labels) that named it within the window; empty when missed. */
  namedBy: string[];
  /** Named only by an alert cut short, through the commit message it links to. */
  onlyThroughCommit: boolean;
  /** What the runs of the window did ("v069 held, v070 changed"): a hint at why it was missed. */
  window: string;
}

export interface RunProblem {
  run: string;
  version: string;
  code: number;
  status: string | null;
  errorCode: string | null;
  message: string;
}

export interface Findings {
  versions: number;
  runs: number;
  alerts: number;
  alertsByKind: Record<AlertKind, number>;
  /** Runs by report status ("changed": 40, "held": 12, ...). */
  statuses: Record<string, number>;
  lasting: LastingChange[];
  missed: LastingChange[];
  /** Alerts (other than the baseline notice and confirmations) on a version whose tokens equal the committed state's. */
  falseAlerts: AlertReading[];
  /** Internal errors, crashes, exit code 2, unreadable reports. */
  internal: RunProblem[];
  /** Other failed runs (fetch or parse errors), reported, not asserted. */
  failures: RunProblem[];
  /** Tokens named in change alerts whose presence in the document did not change (moves, relabels). */
  unchangedNamed: number;
  /** Tokens taken out of the comparison by an exception, with how many versions held them. */
  excepted: Map<string, number>;
}

const WINDOW_MS = 72 * HOUR;
const LASTING_MS = 48 * HOUR;

function matches(exception: TokenException, token: string): boolean {
  return typeof exception.token === 'string' ? exception.token === token : exception.token.test(token);
}

export interface JudgeOptions {
  exceptions: TokenException[];
  moves?: MoveException[];
}

export function judgeReplay(versions: CorpusVersion[], log: ReplayLog, options: JudgeOptions): Findings {
  const excepted = new Map<string, number>();
  const countsOf = versions.map((version) => {
    const kept = new Map<string, number>();
    for (const [token, count] of version.counts) {
      if (options.exceptions.some((exception) => matches(exception, token)))
        excepted.set(token, (excepted.get(token) ?? 0) + 1);
      else kept.set(token, count);
    }
    return kept;
  });
  const tokensOf = countsOf.map((counts) => new Set(counts.keys()));

  // Lasting changes: a token's presence flips at version i and does not flip back within 48 h.
  // A flip back to the last lasting state (a draft that came and went) is no change either.
  const lasting: LastingChange[] = [];
  const everyToken = new Set(tokensOf.flatMap((tokens) => [...tokens]));
  for (const token of everyToken) {
    let settled = tokensOf[0]!.has(token);
    for (let i = 1; i < versions.length; i++) {
      const present = tokensOf[i]!.has(token);
      if (present === tokensOf[i - 1]!.has(token)) continue;
      let back = i + 1;
      while (back < versions.length && tokensOf[back]!.has(token) === present) back++;
      if (back < versions.length && versions[back]!.time - versions[i]!.time <= LASTING_MS) continue;
      if (present === settled) continue;
      settled = present;
      lasting.push({
        token,
        change: present ? 'appeared' : 'vanished',
        version: versions[i]!.index,
        time: versions[i]!.time,
        namedBy: [],
        onlyThroughCommit: false,
        window: '',
      });
    }
  }
  lasting.sort((a, b) => a.time - b.time || (a.token < b.token ? -1 : 1));

  const readings: AlertReading[] = [];
  const internal: RunProblem[] = [];
  const failures: RunProblem[] = [];
  const statuses: Record<string, number> = {};
  const alertsByKind: Record<AlertKind, number> = {
    baseline: 0,
    change: 0,
    held: 0,
    withheld: 0,
    confirmed: 0,
    layout: 0,
  };
  let unchangedNamed = 0;
  let committedBefore: string | null = null;
  const runStatuses: Array<{ time: number; label: string; status: string }> = [];

  for (const run of log.runs) {
    const version = versions[run.version]!;
    const result = run.report?.results?.find((r) => r.source === log.sourceId) ?? run.report?.results?.[0];
    const status = result?.status ?? null;
    const errorCode = result?.error?.code ?? null;
    statuses[status ?? '(no report)'] = (statuses[status ?? '(no report)'] ?? 0) + 1;
    runStatuses.push({ time: run.time, label: run.label, status: status ?? `exit ${run.code}` });
    const problem: RunProblem = {
      run: run.label,
      version: version.index,
      code: run.code,
      status,
      errorCode,
      message: run.crash ?? result?.error?.message ?? run.stderr.trim().split('\n').slice(-3).join(' | '),
    };
    if (run.crash || run.code === 2 || errorCode === 'INTERNAL' || !run.report) internal.push(problem);
    else if (status === 'failed') failures.push(problem);

    // The state the alerts of this run are judged against: the document committed before it.
    const refIndex = committedBefore === null ? undefined : log.versionBySha.get(committedBefore);
    const reference = refIndex === undefined ? null : countsOf[refIndex]!;
    const current = countsOf[run.version]!;
    const same =
      reference !== null &&
      reference.size === current.size &&
      [...current].every(([token, count]) => reference.get(token) === count);
    const move = options.moves?.find((m) => m.version === version.index);
    for (const alert of run.alerts) {
      const reading = readAlert(alert, log.snapshotDir);
      readings.push(reading);
      const inDocument = [...reading.direct].filter((t) => current.has(t) || reference?.has(t));
      // "Layout changed: column S.No is now No." and nothing else is said once, by design.
      if (reading.kind === 'change' && /\blayout\b/i.test(alert.text) && inDocument.length === 0)
        reading.kind = 'layout';
      alertsByKind[reading.kind] += 1;
      if (['baseline', 'confirmed', 'layout'].includes(reading.kind) || reference === null) continue;
      const moved = (t: string) => (Array.isArray(move!.tokens) ? move!.tokens.includes(t) : move!.tokens.test(t));
      if (same && !(move && inDocument.every(moved))) {
        reading.falseBecause = `token counts of v${version.index} equal those of the committed v${versions[refIndex!]!.index}`;
      }
      if (reading.kind === 'change')
        for (const token of inDocument) if (current.has(token) && reference.has(token)) unchangedNamed += 1;
    }
    committedBefore = run.committed;
  }

  for (const change of lasting) {
    let direct = false;
    for (const reading of readings) {
      const { time } = reading.alert;
      if (time < change.time || time > change.time + WINDOW_MS) continue;
      if (!reading.named.has(change.token)) continue;
      change.namedBy.push(reading.alert.run);
      if (reading.direct.has(change.token)) direct = true;
    }
    change.onlyThroughCommit = change.namedBy.length > 0 && !direct;
    change.window = runStatuses
      .filter((r) => r.time >= change.time && r.time <= change.time + WINDOW_MS)
      .map((r) => `${r.label} ${r.status}`)
      .join(', ');
  }

  return {
    versions: versions.length,
    runs: log.runs.length,
    alerts: readings.length,
    alertsByKind,
    statuses,
    lasting,
    missed: lasting.filter((change) => change.namedBy.length === 0),
    falseAlerts: readings.filter((reading) => reading.falseBecause),
    internal,
    failures,
    unchangedNamed,
    excepted,
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

function title(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim())
      ?.slice(0, 160) ?? ''
  );
}

/** The figures, one line. */
export function summaryLine(name: string, findings: Findings): string {
  const k = findings.alertsByKind;
  return [
    `${name}: ${findings.versions} versions, ${findings.runs} runs, ${findings.alerts} alerts`,
    `(baseline ${k.baseline}, change ${k.change}, held ${k.held}, withheld ${k.withheld}, confirmed ${k.confirmed}, layout ${k.layout})`,
    `${findings.lasting.length} lasting token changes, ${findings.missed.length} missed`,
    `(${findings.lasting.filter((c) => c.onlyThroughCommit).length} named only in a summarised alert's commit)`,
    `${findings.falseAlerts.length} false alerts, ${findings.internal.length} internal errors, ${findings.failures.length} failed runs`,
    `${findings.unchangedNamed} unchanged tokens named in change alerts`,
    `statuses ${Object.entries(findings.statuses)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
  ].join('; ');
}

/** Misses grouped by version, false alerts and errors: one line each, for the test output. */
export function detailLines(findings: Findings, limit = 200): string[] {
  const lines: string[] = [];
  const byVersion = new Map<string, LastingChange[]>();
  for (const change of findings.missed) {
    const list = byVersion.get(change.version) ?? [];
    list.push(change);
    byVersion.set(change.version, list);
  }
  for (const [version, changes] of byVersion) {
    const describe = (which: 'appeared' | 'vanished', sign: string) => {
      const tokens = changes.filter((c) => c.change === which).map((c) => c.token.replace(/^(ip|host):/, ''));
      if (!tokens.length) return '';
      const shown = tokens.slice(0, 12).join(' ');
      return ` ${sign}${tokens.length} [${shown}${tokens.length > 12 ? ' ...' : ''}]`;
    };
    lines.push(
      `missed v${version}:${describe('appeared', '+')}${describe('vanished', '-')} (runs: ${changes[0]!.window})`,
    );
  }
  for (const reading of findings.falseAlerts) {
    lines.push(
      `false alert at ${reading.alert.run} (${reading.kind}): ${title(reading.alert.text)} (${reading.falseBecause})`,
    );
  }
  for (const problem of findings.internal) {
    lines.push(
      `internal error at ${problem.run}: exit ${problem.code}, ${problem.errorCode ?? '-'}: ${problem.message.slice(0, 300)}`,
    );
  }
  for (const problem of findings.failures) {
    lines.push(`failed at ${problem.run}: ${problem.errorCode ?? '-'}: ${problem.message.slice(0, 300)}`);
  }
  return lines.length > limit ? [...lines.slice(0, limit), `... and ${lines.length - limit} more lines`] : lines;
}
