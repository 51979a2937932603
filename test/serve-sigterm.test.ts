/**
 * SIGTERM to a real `endpoint-watch serve` process (as Kubernetes sends it) while a run is busy:
 * the server stops taking connections at once, the running job finishes and commits, nothing is
 * left half-written (no lock, no temporary file, a clean work tree), and the process exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotSubjects } from './helpers/cli-run.js';
import { startGatedSite } from './helpers/serve-run.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PAGE = '## Portal\n\n|Data center|IP addresses|\n|----|----|\n|US1 data center|13.91.91.243|\n';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

test('SIGTERM during a run: the run finishes, nothing half-written, exit 0', { timeout: 90_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-sigterm-'));
  const site = await startGatedSite(PAGE);
  t.after(async () => {
    await site.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    `snapshotDir: ./history\nsources:\n  - id: slow\n    url: ${site.url}\n    schedule: "* * * * * *"\n`,
  );
  // The machine's own proxy settings must not send loopback requests elsewhere.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_proxy$/i.test(name)));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'cli', 'bin.ts'),
      'serve',
      '--port',
      '0',
      '--config',
      join(dir, 'endpoint-watch.yaml'),
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const printed = async (pattern: RegExp) => {
    while (!pattern.test(stdout)) {
      if (child.exitCode !== null) assert.fail(`serve exited early (${child.exitCode}): ${stderr}`);
      await once(child.stdout, 'data');
    }
    return stdout.match(pattern)!;
  };

  const url = (await printed(/listening on (http:\/\/\S+)/))[1]!;
  await site.firstRequest; // the first scheduled run is busy fetching
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await printed(/stopping: waiting for the running job to finish/);
  // Stopped listening: a new connection is refused while the job is still running.
  await assert.rejects(fetch(`${url}/healthz`));
  assert.deepEqual(snapshotSubjects(join(dir, 'history')), [], 'nothing committed yet');

  site.open();
  const [code, signal] = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /slow: baseline, now tracking 1 endpoint/);
  assert.match(stdout, /stopped\n$/);
  assert.deepEqual(snapshotSubjects(join(dir, 'history')), ['slow: baseline, now tracking 1 endpoint']);
  const left = (await filesUnder(join(dir, 'history'))).map((p) => p.slice(dir.length + 1)).sort();
  assert.ok(!left.some((p) => p.endsWith('.lock') || p.includes('.tmp')), left.join(', '));
  assert.equal(
    execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: join(dir, 'history'),
      encoding: 'utf8',
    }),
    '',
  );
});
