/** `parse`: the catalog of one document, and every token it saw but did not catalogue. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test/helpers/cli-run.js';

const DOC = [
  '## Push',
  '',
  '| Hosts | Notes |',
  '|---|---|',
  '| #-courier.push.apple.com, feedback.push.apple.com(17.0.0.0/8) | relay.example.com is the backup |',
  '| portal</>.example</>.com, 192.0.2.10m | |',
  '',
].join('\n');

test('parse --json prints the warnings and their counts; the human form lists them on stderr', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-parse-'));
  try {
    await writeFile(join(dir, 'push.md'), DOC);
    const json = await runCli(['parse', 'push.md', '--json'], { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as {
      entries: Array<{ kind: string; value: string }>;
      warnings: string[];
      warningCounts: Record<string, number>;
    };
    assert.deepEqual(out.entries.map((e) => `${e.kind} ${e.value}`).sort(), [
      'fqdn #-courier.push.apple.com',
      'fqdn feedback.push.apple.com',
      'ip 17.0.0.0/8',
      'ip 192.0.2.10',
    ]);
    assert.deepEqual(out.warningCounts, { uncatalogued: 2, recovered: 1, other: 0 });
    assert.equal(out.warnings.length, 3);
    assert.match(out.warnings.join('\n'), /"relay\.example\.com" in column "Notes"/);
    assert.match(out.warnings.join('\n'), /"portal<\/>\.example<\/>\.com" in column "Hosts" looks like an endpoint/);
    assert.match(out.warnings.join('\n'), /"192\.0\.2\.10m" .* read as 192\.0\.2\.10/);

    const human = await runCli(['parse', 'push.md'], { cwd: dir });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /4 endpoints \(markdown\)/);
    assert.match(human.stderr, /3 warnings \(2 not catalogued, 1 read from damaged text, 0 other\)/);
    assert.match(human.stderr, /relay\.example\.com/);

    // A stored catalog.json has nothing to warn about.
    await writeFile(join(dir, 'catalog.json'), JSON.stringify({ ...out, source: 'push' }));
    const stored = JSON.parse((await runCli(['parse', 'catalog.json', '--json'], { cwd: dir })).stdout) as {
      warnings: string[];
      warningCounts: Record<string, number>;
    };
    assert.deepEqual(stored.warnings, []);
    assert.deepEqual(stored.warningCounts, { uncatalogued: 0, recovered: 0, other: 0 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
