/** `watch` runs sources on their cron schedules and stops cleanly when asked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { main } from '../cli/main.js';
import { StringSink } from '../cli/io.js';

/** A sink that resolves a promise once its text matches `pattern`. */
class WaitingSink extends StringSink {
  private waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    super._write(chunk, encoding, callback);
    const text = this.toString();
    this.waiters = this.waiters.filter((w) => {
      if (!w.pattern.test(text)) return true;
      w.resolve();
      return false;
    });
  }
  waitFor(pattern: RegExp): Promise<void> {
    if (pattern.test(this.toString())) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }
}

test('watch runs each source on its schedule, one run at a time, until stopped', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-watch-'));
  try {
    await writeFile(join(dir, 'a.md'), '## Portal\n\n|----|----|\n|US1 data center|13.91.91.243|\n');
    await writeFile(join(dir, 'b.md'), '## Portal\n\n|----|----|\n|EU1 data center|52.174.56.180|\n');
    // Every second (node-cron's six-field form), so the test sees runs without waiting long.
    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      'sources:\n  - id: a\n    url: ./a.md\n    schedule: "* * * * * *"\n  - id: b\n    url: ./b.md\n    schedule: "* * * * * *"\n',
    );
    const stdout = new WaitingSink();
    const stderr = new StringSink();
    const untilStopped = async () => {
      await stdout.waitFor(/ a: baseline/);
      await stdout.waitFor(/ b: baseline/);
      await writeFile(join(dir, 'a.md'), '## Portal\n\n|----|----|\n|US1 data center|13.91.91.243<br>13.91.91.244|\n');
      await stdout.waitFor(/ a: \+1 IP/);
    };
    const code = await main(['watch'], { stdout, stderr, env: {}, cwd: dir, untilStopped });
    assert.equal(code, 0, stderr.toString());
    const out = stdout.toString();
    assert.match(out, /watching a on "\* \* \* \* \* \*"/);
    assert.match(out, /stopped\n$/);
    const log = execFileSync('git', ['log', '--format=%s'], { cwd: join(dir, 'snapshots'), encoding: 'utf8' })
      .trim()
      .split('\n');
    assert.deepEqual(
      log.filter((s) => s.startsWith('a:')),
      ['a: +1 IP (US1 Portal 13.91.91.244)', 'a: baseline, now tracking 1 endpoint'],
    );
    assert.deepEqual(
      log.filter((s) => s.startsWith('b:')),
      ['b: baseline, now tracking 1 endpoint'],
    );
    assert.equal(stderr.toString(), '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
