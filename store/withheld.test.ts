import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listWithheldVersions, WithheldStore, type WithheldRemoval } from './withheld.js';

function removal(value: string, since: string): WithheldRemoval {
  return { key: `ip\u0000${value}`, kind: 'ip', value, section: 'Gateway', region: 'US1', group: null, since };
}

test('withheld state: written atomically, read back, cleared; ignored by git', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-withheld-'));
  try {
    const store = WithheldStore.forSnapshotDir(dir);
    assert.equal(await store.read('cas'), null);
    const state = {
      source: 'cas',
      removals: [removal('52.183.75.62', '2024-05-01T10:00:00.000Z')],
      announced: ['ip\u000052.183.75.62'],
      reasons: ['section "Gateway" is gone'],
      needsPerson: false,
    };
    await store.write(state);
    assert.deepEqual(await store.read('cas'), state);
    assert.equal(await readFile(join(dir, '.withheld', '.gitignore'), 'utf8'), '*\n');
    await store.clear('cas');
    assert.equal(await store.read('cas'), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('marking a delivered alert announced is idempotent and keeps the earliest date', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-withheld-'));
  try {
    const store = WithheldStore.forSnapshotDir(dir);
    const details = { reasons: ['more than half'], needsPerson: false };
    // No state yet: what a crash right after writing the alert's outbox entry leaves.
    await store.markAnnounced('cas', [removal('52.183.75.62', '2024-05-01T10:00:00.000Z')], details);
    await store.markAnnounced(
      'cas',
      [removal('52.183.75.62', '2024-05-02T10:00:00.000Z'), removal('13.80.125.22', '2024-05-02T10:00:00.000Z')],
      details,
    );
    const state = await store.read('cas');
    assert.deepEqual(
      state?.removals.map((r) => `${r.value} ${r.since}`),
      ['52.183.75.62 2024-05-01T10:00:00.000Z', '13.80.125.22 2024-05-02T10:00:00.000Z'],
    );
    assert.deepEqual(state?.announced, ['ip\u000013.80.125.22', 'ip\u000052.183.75.62']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreadable withheld state names its file and what to do', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-withheld-'));
  try {
    await mkdir(join(dir, '.withheld'));
    await writeFile(join(dir, '.withheld', 'cas.json'), '{"source": "cas", "removals": [');
    await assert.rejects(
      WithheldStore.forSnapshotDir(dir).read('cas'),
      /withheld state .*cas\.json is unreadable: .*move it away/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('listWithheldVersions names each source with removals withheld, its reasons and since when', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-withheld-list-'));
  try {
    const store = WithheldStore.forSnapshotDir(dir);
    assert.deepEqual(await listWithheldVersions(store), [], 'no folder yet: nothing withheld');
    await store.write({
      source: 'cas',
      removals: [
        removal('52.183.75.62', '2024-05-02T10:00:00.000Z'),
        removal('13.80.125.22', '2024-05-01T09:00:00.000Z'),
      ],
      announced: [],
      reasons: ['section "Gateway" is gone'],
      needsPerson: false,
    });
    await store.write({ source: 'quiet', removals: [], announced: [], reasons: [], needsPerson: false });
    assert.deepEqual(await listWithheldVersions(store), [
      { source: 'cas', problems: ['section "Gateway" is gone'], since: '2024-05-01T09:00:00.000Z' },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
