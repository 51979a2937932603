/**
 * A run killed during `git commit` leaves `.git/index.lock`, which blocks every later git
 * command. Under our snapshot lock no git of ours can be running, so a run removes an old one
 * and says so; a fresh one (a person's git at work) is left alone and the error names the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli-run.js';

const page = (ips: string[]) =>
  ['## Portal access', '', '|----|----|', `|US1 data center|${ips.join('<br/>')}|`, ''].join('\n');

test('a stale .git/index.lock is removed and logged; a fresh one is named in the error', {
  timeout: 60_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-index-lock-'));
  try {
    await writeFile(join(dir, 'a.md'), page(['13.91.91.243']));
    await writeFile(join(dir, 'endpoint-watch.yaml'), 'sources:\n  - id: a\n    url: ./a.md\n');
    assert.equal((await runCli(['run'], { cwd: dir })).code, 0);
    const indexLock = join(dir, 'snapshots', '.git', 'index.lock');

    // Left by a git killed a minute ago.
    await writeFile(indexLock, '');
    const then = new Date(Date.now() - 60_000);
    await utimes(indexLock, then, then);
    await writeFile(join(dir, 'a.md'), page(['13.91.91.243', '13.91.91.244']));
    const cleared = await runCli(['run'], { cwd: dir });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.ok(cleared.stderr.includes(`removed ${indexLock}, left by a git that was killed`), cleared.stderr);
    assert.match(cleared.stdout, /13\.91\.91\.244/);
    assert.equal(existsSync(indexLock), false);

    // Just created: maybe a person's git at work. Left alone, and the failure names it.
    await writeFile(indexLock, '');
    await writeFile(join(dir, 'a.md'), page(['13.91.91.243']));
    const blocked = await runCli(['run'], { cwd: dir });
    assert.equal(blocked.code, 1);
    assert.ok(blocked.stderr.includes(indexLock), blocked.stderr);
    assert.match(blocked.stderr, /index\.lock is left by a git that was killed, or another git is running/);
    assert.ok(existsSync(indexLock));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
