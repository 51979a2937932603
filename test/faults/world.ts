/**
 * One fault trial's world: a temporary project (config + snapshot repository), a loopback
 * documentation site, a Slack stand-in and a real SMTP server, and the means to run the CLI in
 * this process or as a real child process (which the kill trials SIGKILL), to count what reached
 * people, and to check that the snapshot repository is sound.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryKey } from '../../catalog/canonical.js';
import { parseStoredCatalog } from '../../catalog/canonical.js';
import { parseDocument } from '../../parsers/parse-document.js';
import { runCli, snapshotSubjects, type CliResult } from '../helpers/cli-run.js';
import { reply, startDocServer, type DocServer } from '../helpers/doc-server.js';
import { startSlackStub, type SlackStub } from '../helpers/slack-stub.js';
import { startSmtpStub, type SmtpStub } from '../helpers/smtp-stub.js';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const SLACK_ID = 'slack';
export const EMAIL_ID = 'email:netsec@example.com';
/** A child run that has not ended after this long is hung. */
export const CHILD_DEADLINE_MS = 90_000;

const T0 = Date.parse('2024-05-01T10:00:00Z');
/** The run's "now", `hours` after the trial's start. */
export const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

/** A network-requirements page of three tables (our own prose); `lost` drops the gateway table. */
export function page(options: { extraIp?: boolean; lost?: boolean } = {}): string {
  const table = (rows: Array<[string, string[]]>) => [
    '| Data center | IP addresses |',
    '|---|---|',
    ...rows.map(([dc, ips]) => `| ${dc} | ${ips.join('<br>')} |`),
    '',
  ];
  return [
    '# Network requirements',
    '',
    '## Portal access',
    '',
    'Allow outbound port 443 to these addresses.',
    '',
    ...table([
      ['US1', options.extraIp ? ['13.91.91.243', '13.91.91.244'] : ['13.91.91.243']],
      ['EU1', ['52.174.56.180']],
    ]),
    '## App connector',
    '',
    ...table([
      ['US1', ['104.209.35.177', '13.91.98.185', '40.118.211.172']],
      ['EU1', ['13.80.22.71', '13.95.29.177', '13.95.30.46']],
    ]),
    ...(options.lost
      ? []
      : [
          '## Authentication gateway',
          '',
          ...table([
            ['US1', ['52.183.75.62']],
            ['EU1', ['13.80.125.22']],
          ]),
        ]),
  ].join('\n');
}

export interface NotifierSettings {
  slackTimeoutSeconds?: number;
  slackRetries?: number;
  emailTimeoutSeconds?: number;
  emailRetries?: number;
}

export interface RunOutcome extends CliResult {
  /** The signal that ended a child run (SIGKILL for a kill trial), or null. */
  signal: NodeJS.Signals | null;
  hung: boolean;
  ms: number;
  /** For a killed run: the notifiers it had a delivery under way to when it died. */
  inFlight?: string[];
}

/** An alert as a person saw it: which notifier, its title, and whether it said it may be a copy. */
export interface SeenAlert {
  notifier: string;
  title: string;
  resent: boolean;
}

export class World {
  /** A Slack webhook URL to use instead of the stand-in's (a port nobody listens on). */
  slackUrl: string | null = null;

  private constructor(
    readonly dir: string,
    readonly docs: DocServer,
    readonly slack: SlackStub,
    readonly smtp: SmtpStub,
  ) {}

  static async create(name: string, settings: NotifierSettings & { sourceExtra?: string[] } = {}): Promise<World> {
    const dir = await mkdtemp(join(tmpdir(), `ew-faults-${name}-`));
    const world = new World(dir, await startDocServer(), await startSlackStub(), await startSmtpStub());
    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      [
        'snapshotDir: ./snapshots',
        'confirmAfter: 48h',
        'sources:',
        '  - id: cas',
        `    url: ${world.docs.url('/network.md')}`,
        '    retries: 0',
        '    timeoutSeconds: 5',
        ...(settings.sourceExtra ?? []),
        'notifiers:',
        '  - type: slack',
        '    webhookUrl: ${EW_SLACK}',
        `    retries: ${settings.slackRetries ?? 0}`,
        `    timeoutSeconds: ${settings.slackTimeoutSeconds ?? 5}`,
        '  - type: email',
        '    smtpUrl: ${EW_SMTP}',
        '    from: endpoint-watch@example.com',
        '    to: [netsec@example.com]',
        `    retries: ${settings.emailRetries ?? 0}`,
        `    timeoutSeconds: ${settings.emailTimeoutSeconds ?? 5}`,
        '',
      ].join('\n'),
    );
    return world;
  }

  get snapshots(): string {
    return join(this.dir, 'snapshots');
  }

  serve(body: string): void {
    this.docs.set('/network.md', reply.document(body));
  }

  serveStatus(status: number): void {
    this.docs.set('/network.md', reply.status(status));
  }

  private env(now: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    // The machine's proxy settings must not send loopback requests elsewhere.
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));
    delete base.ENDPOINT_WATCH_FAULT;
    return {
      ...base,
      EW_SLACK: this.slackUrl ?? this.slack.url,
      EW_SMTP: this.smtp.url(),
      ENDPOINT_WATCH_NOW: now,
      ...extra,
    };
  }

  /** `endpoint-watch run --json` in this process (the parse worker stays warm between runs). */
  async run(now: string, ...args: string[]): Promise<RunOutcome> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<RunOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ code: -1, stdout: '', stderr: 'hung', signal: null, hung: true, ms: CHILD_DEADLINE_MS }),
        CHILD_DEADLINE_MS,
      );
    });
    const ran = runCli(['run', '--json', ...args], { cwd: this.dir, env: this.env(now) }).then(
      (result): RunOutcome => ({ ...result, signal: null, hung: false, ms: Date.now() - started }),
    );
    try {
      return await Promise.race([ran, hung]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `endpoint-watch run --json` as a real process, with the fault hook set when `fault` is given. */
  async spawnRun(now: string, fault?: string, args: string[] = []): Promise<RunOutcome> {
    // Where the killed process says which deliveries were under way (app/fault-points.ts).
    const report = join(this.dir, 'fault-report.json');
    await rm(report, { force: true });
    const extra: Record<string, string> = fault
      ? { ENDPOINT_WATCH_FAULT: fault, ENDPOINT_WATCH_FAULT_REPORT: report }
      : {};
    const outcome = await runChild(['run', '--json', ...args], this.dir, this.env(now, extra));
    const written = await readFile(report, 'utf8').catch(() => null);
    const inFlight = written ? ((JSON.parse(written) as { inFlight?: string[] }).inFlight ?? []) : [];
    return { ...outcome, inFlight };
  }

  /** What reached people so far, Slack then email, in order of arrival. */
  alerts(): SeenAlert[] {
    const slack = this.slack.delivered().map((body) => {
      const text = String((body as { text?: unknown }).text ?? '');
      return alertOf(SLACK_ID, text.split('\n')[0]!);
    });
    const email = this.smtp.messages.map((mail) => alertOf(EMAIL_ID, mail.subject.replace(/^\[endpoint-watch\] /, '')));
    return [...slack, ...email];
  }

  commits(): string[] {
    return snapshotSubjects(this.snapshots);
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.snapshots, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async outboxEntries(): Promise<string[]> {
    const names = await readdir(join(this.snapshots, '.outbox')).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json'));
  }

  async withheldState(): Promise<string> {
    const names = await readdir(join(this.snapshots, '.withheld')).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json')).join(',');
  }

  /**
   * Problems with the snapshot repository: git fsck, a dirty tree or a left index.lock, and a
   * committed catalog that does not hold what its committed document lists. Empty when sound.
   */
  repoProblems(): string[] {
    const problems: string[] = [];
    try {
      this.git('fsck', '--no-progress');
    } catch (err) {
      problems.push(`git fsck: ${(err as { stderr?: string }).stderr ?? String(err)}`.trim());
    }
    if (existsSync(join(this.snapshots, '.git', 'index.lock'))) problems.push('.git/index.lock left behind');
    const dirty = this.git('status', '--porcelain', '--untracked-files=no').trim();
    if (dirty) problems.push(`tracked files differ from HEAD: ${dirty}`);
    let stored: ReturnType<typeof parseStoredCatalog> | null = null;
    try {
      stored = parseStoredCatalog(this.git('show', 'HEAD:cas/catalog.json'));
    } catch (err) {
      problems.push(`HEAD:cas/catalog.json unreadable: ${String(err)}`);
    }
    if (stored) {
      const document = this.git('show', 'HEAD:cas/document.md');
      const listed = parseDocument('cas', {
        location: 'document.md',
        body: Buffer.from(document),
        contentType: 'text/markdown',
        etag: null,
        lastModified: null,
      });
      const keys = new Set(stored.entries.map(entryKey));
      const missing = listed.entries.filter((e) => !keys.has(entryKey(e)));
      if (missing.length) problems.push(`catalog.json lacks ${missing.length} endpoint(s) of the committed document`);
    }
    return problems;
  }

  async close(): Promise<void> {
    await this.docs.close();
    await this.slack.close();
    await this.smtp.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A loopback URL whose port nobody listens on: connection refused. */
export async function refusedUrl(path: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

function alertOf(notifier: string, line: string): SeenAlert {
  const resent = / \(re-sent, may be a duplicate\)$/.test(line);
  return { notifier, title: normalizeTitle(line.replace(/ \(re-sent, may be a duplicate\)$/, '')), resent };
}

/** The alert a title belongs to: run counts in health titles may differ by a killed run. */
function normalizeTitle(title: string): string {
  return title
    .replace(/\(\d+ (failed )?runs?\)/, '(N runs)')
    .replace(/after \d+ (failed )?runs?/, 'after N runs')
    .replace(/^(\S+): source (failing|works again).*$/, '$1: $2')
    .replace(/^(\S+): failing since .*$/, '$1: failing')
    .replace(/^(\S+): works again after .*$/, '$1: works again');
}

/** Runs the CLI as its own process (tsx from the sources), killed and marked hung past the deadline. */
export function runChild(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunOutcome> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(ROOT, 'cli', 'bin.ts'), ...args],
    {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let hung = false;
  const watchdog = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, CHILD_DEADLINE_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code: code ?? -1, signal: hung ? null : signal, hung, stdout, stderr, ms: Date.now() - started });
    });
  });
}
