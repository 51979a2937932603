/**
 * Running the CLI in-process, as the tests of the command line and of whole runs do: the real
 * entry point with string sinks for its output, and what it left in the snapshot repository.
 */
import { execFileSync } from 'node:child_process';
import { main } from '../../cli/main.js';
import { StringSink } from '../../cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `endpoint-watch ARGS` in `cwd` with `env` (default: none at all). */
export async function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  const stdout = new StringSink();
  const stderr = new StringSink();
  const code = await main(args, { stdout, stderr, env: options.env ?? {}, cwd: options.cwd });
  return { code, stdout: stdout.toString(), stderr: stderr.toString() };
}

/** Subjects of the snapshot repository's commits, newest first; none before its first commit. */
export function snapshotSubjects(snapshotDir: string): string[] {
  try {
    return execFileSync('git', ['log', '--format=%s'], {
      cwd: snapshotDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * The `notifiers:` part of a config: Slack at `${EW_SLACK}` and email at `${EW_SMTP}`, whichever
 * are asked for, without retries so an outage shows at once.
 */
export function notifiersYaml(which: { slack?: boolean; email?: boolean }): string[] {
  return [
    'notifiers:',
    ...(which.slack ? ['  - type: slack', '    webhookUrl: ${EW_SLACK}', '    retries: 0'] : []),
    ...(which.email
      ? [
          '  - type: email',
          '    smtpUrl: ${EW_SMTP}',
          '    from: endpoint-watch@example.com',
          '    to: [netsec@example.com]',
          '    retries: 0',
        ]
      : []),
  ];
}
