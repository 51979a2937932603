/**
 * A lock race on a dead holder. Each trial leaves `.lock` naming a pid of this host that is gone
 * (a run killed with -9), then:
 *  1. N lock contenders (test/helpers/lock-racer.ts, each its own process) are released at the
 *     same instant on it: exactly one may win;
 *  2. N real `endpoint-watch run` processes are started at once on it, with a new version of
 *     the page waiting: exactly one commits the change, the change reaches Slack and email once
 *     each, every run exits 0 (the others wait for the lock, then find nothing new), and no git
 *     collides on `.git/index.lock`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { crashOf, judgeAlerts } from './judge.js';
import type { Tally } from './tally.js';
import { ROOT, World, at, page } from './world.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

async function writeDeadLock(dir: string): Promise<void> {
  const holder = { host: hostname(), pid: await deadPid(), token: 'killed-run', since: new Date().toISOString() };
  await writeFile(join(dir, '.lock'), `${JSON.stringify(holder)}\n`);
}

/** N lock-racer processes released together; returns their answers (`won` or `busy ...`). */
async function raceContenders(dir: string, n: number): Promise<string[]> {
  const racers = Array.from({ length: n }, () =>
    spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(ROOT, 'test', 'helpers', 'lock-racer.ts'), dir],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  const lines = racers.map((r) => createInterface({ input: r.stdout! })[Symbol.asyncIterator]());
  const next = async (i: number) => String((await lines[i]!.next()).value ?? '');
  await Promise.all(racers.map((_, i) => next(i))); // every one printed `ready`
  for (const r of racers) r.stdin!.write('go\n');
  const answers = await Promise.all(racers.map((_, i) => next(i)));
  for (const r of racers) r.stdin!.end();
  await Promise.all(racers.map((r) => (r.exitCode === null ? once(r, 'exit') : null)));
  return answers;
}

export async function runLockRace(tally: Tally, trials: number, n: number, log: (line: string) => void): Promise<void> {
  const part = 'lock race (dead pid)';
  const row = tally.row(part);
  const reproduce = `FAULTS_ONLY='lock race' npm run test:faults`;
  for (let t = 1; t <= trials; t += 1) {
    const trial = `lock race #${t} (${n} contenders, ${n} runs)`;
    row.trials += 1;
    // 1. The lock alone.
    const dir = await mkdtemp(join(tmpdir(), 'ew-faults-lock-'));
    let winners = 0;
    try {
      await writeDeadLock(dir);
      const answers = await raceContenders(dir, n);
      winners = answers.filter((a) => a === 'won').length;
      if (winners !== 1) {
        row.dupOutside += Math.max(0, winners - 1);
        row.blocked += winners === 0 ? 1 : 0;
        tally.find(part, trial, `${winners} contenders won the lock: ${answers.join(' | ')}`, reproduce);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // 2. Whole runs.
    const world = await World.create('lock');
    try {
      world.serve(page());
      const baseline = await world.run(at(0));
      if (baseline.code !== 0) throw new Error(`lock race baseline failed: ${baseline.stderr}`);
      const reference = world.alerts();
      world.serve(page({ extraIp: true }));
      await writeDeadLock(world.snapshots);
      const runs = await Promise.all(
        Array.from({ length: n }, () => world.spawnRun(at(1), undefined, ['--wait', '60'])),
      );
      const statuses = runs.map((r) => {
        try {
          return (JSON.parse(r.stdout) as { results: Array<{ status: string }> }).results[0]?.status ?? '?';
        } catch {
          return `exit ${r.code}`;
        }
      });
      const writers = statuses.filter((s) => s === 'changed').length;
      const expected = [
        ...reference,
        ...['slack', 'email:netsec@example.com'].map((notifier) => ({
          notifier,
          title: 'cas: +1 IP in Portal access (action needed)',
          resent: false,
        })),
      ];
      const verdict = judgeAlerts(expected, world.alerts(), () => 1);
      row.lost += verdict.lost.length;
      row.dupOutside += verdict.dupOutside.length;
      for (const what of [...verdict.lost, ...verdict.dupOutside]) tally.find(part, trial, what, reproduce);
      const crashes = runs.map((r) => crashOf(r)).filter((c): c is string => c !== null);
      if (crashes.length) {
        row.crashed += 1;
        tally.find(part, trial, `crashed: ${crashes.join('; ')}`, reproduce);
      }
      if (runs.some((r) => r.hung)) {
        row.hung += 1;
        tally.find(part, trial, 'a run hung', reproduce);
      }
      const collisions = runs.filter((r) => /index\.lock/.test(r.stderr + r.stdout)).length;
      if (writers !== 1 || collisions || runs.some((r) => r.code !== 0)) {
        row.blocked += 1;
        tally.find(
          part,
          trial,
          `${writers} runs committed the change, ${collisions} met a git index.lock; exit codes ${runs.map((r) => r.code).join(',')}: ${runs.map((r) => r.stderr.trim().split('\n').at(-1)).join(' | ')}`,
          reproduce,
        );
      }
      const problems = world.repoProblems();
      if (problems.length || world.commits().length !== 2) {
        row.badState += 1;
        tally.find(
          part,
          trial,
          `state: ${[...problems, `commits: ${world.commits().join(' / ')}`].join('; ')}`,
          reproduce,
        );
      }
      log(`  ${trial}: contenders ${winners} won; runs: ${statuses.join(', ')}`);
    } finally {
      await world.close();
    }
  }
}
