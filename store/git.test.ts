import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRepo } from './git.js';
import { gitDate } from './snapshots.js';

test('a commit message far over the 128 KiB argument limit goes to git whole, on stdin', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-git-'));
  try {
    const repo = await GitRepo.open(dir);
    await writeFile(join(dir, 'catalog.json'), '{}\n');
    const body = Array.from(
      { length: 6000 },
      (_, i) => `- [action] EU1 Portal access: IP added: 20.40.${i >> 8}.${i & 255}`,
    );
    const message = ['cas: +6000 IPs', '', ...body, '', 'Endpoint-Watch-Source: cas'].join('\n');
    assert.ok(Buffer.byteLength(message) > 300 * 1024, 'the message is larger than one process argument may be');
    const commit = await repo.commitPaths(['catalog.json'], message, {
      date: gitDate(new Date('2024-05-01T10:00:00Z')),
    });
    assert.match(commit ?? '', /^[0-9a-f]{40}$/);
    const stored = execFileSync('git', ['log', '-1', '--format=%B'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    assert.equal(stored.trimEnd(), message);
    const dates = execFileSync('git', ['log', '-1', '--format=%aI %cI'], { cwd: dir, encoding: 'utf8' }).trim();
    assert.equal(dates, '2024-05-01T10:00:00+00:00 2024-05-01T10:00:00+00:00');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('file bytes are read back as committed, also when they are not UTF-8', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-git-'));
  try {
    const repo = await GitRepo.open(dir);
    const bytes = Buffer.from([0xff, 0xfe, 0x31, 0x00, 0x0a, 0x00, 0xe9]);
    await writeFile(join(dir, 'document.txt'), bytes);
    await repo.commitPaths(['document.txt'], 'doc');
    assert.deepEqual(await repo.showBytes('HEAD', 'document.txt'), bytes);
    assert.equal(await repo.showBytes('HEAD', 'missing.txt'), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file that cannot be read is an error, not "no such file"; a missing one is null', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-git-'));
  try {
    const repo = await GitRepo.open(dir);
    assert.equal(await repo.show('HEAD', 'catalog.json'), null, 'no commit yet: nothing there');
    await writeFile(join(dir, 'catalog.json'), '{"entries": []}\n');
    await repo.commitPaths(['catalog.json'], 'baseline');
    assert.equal(await repo.show('HEAD', 'catalog.json'), '{"entries": []}\n');
    assert.equal(await repo.show('HEAD', 'missing.json'), null);
    assert.equal(await repo.show('0000000000000000000000000000000000000000', 'catalog.json'), null);
    // The blob's object goes missing (a damaged repository): reading it must fail loudly.
    const object = execFileSync('git', ['rev-parse', 'HEAD:catalog.json'], { cwd: dir, encoding: 'utf8' }).trim();
    await rm(join(dir, '.git', 'objects', object.slice(0, 2), object.slice(2)));
    await assert.rejects(repo.show('HEAD', 'catalog.json'), /git cat-file failed in .*bad file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file far larger than a pipe buffer is read whole, byte for byte', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-git-'));
  try {
    const repo = await GitRepo.open(dir);
    // 40 MB of distinct lines (git compresses, so the repository stays small).
    const lines = Array.from(
      { length: 500_000 },
      (_, i) => `{"kind":"ip","value":"10.${i >> 16}.${(i >> 8) & 255}.${i & 255}","n":${i}}`,
    );
    const text = `${lines.join(',\n')}\n`;
    await writeFile(join(dir, 'catalog.json'), text);
    await repo.commitPaths(['catalog.json'], 'big');
    const read = await repo.show('HEAD', 'catalog.json');
    assert.equal(read?.length, text.length);
    assert.ok(read === text);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
