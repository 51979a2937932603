/** Outbox writes stay whole and in order when notifiers finish at once (pipeline/dispatch.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from './outbox.js';

test('concurrent saves of one entry land in order; the last state wins; removal after them sticks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-outbox-'));
  try {
    const outbox = new Outbox(join(dir, '.outbox'));
    const ids = Array.from({ length: 12 }, (_, i) => `n${i}`);
    const entry = await outbox.create({
      source: 'portal',
      state: 'ready',
      catalogSha256: null,
      notification: { type: 'baseline', source: 'portal', location: './x.md', entryCount: 1, commit: null },
      pending: [...ids],
    });
    // Twelve "notifiers" cross themselves off at once, each saving the shared entry.
    await Promise.all(
      ids.slice(0, 11).map(async (id, i) => {
        await new Promise((resolve) => setTimeout(resolve, i % 3));
        entry.pending = entry.pending.filter((p) => p !== id);
        await outbox.persist(entry);
      }),
    );
    const [stored] = await outbox.list();
    assert.deepEqual(stored!.pending, ['n11']);
    const names = await readdir(outbox.dir);
    assert.deepEqual(
      names.filter((n) => n.includes('.tmp-')),
      [],
      'no temporary file left behind',
    );
    entry.pending = [];
    const removal = outbox.persist(entry);
    entry.errors['n11'] = 'late error';
    await Promise.all([removal, outbox.persist(entry)]);
    assert.deepEqual(await outbox.list(), [], 'an entry nobody is pending for is gone');

    const receipt = await outbox.saveReceipt({
      notifier: 'n1',
      entries: ['a', 'b'],
      acceptedAt: '2026-03-02T08:00:00Z',
    });
    assert.deepEqual(await outbox.list(), [], 'a receipt is not an entry');
    assert.deepEqual(
      (await outbox.receipts()).map((r) => r.entries),
      [['a', 'b']],
    );
    assert.match(await readFile(join(outbox.dir, `${receipt.id}.digest-receipt`), 'utf8'), /"notifier": "n1"/);
    await outbox.removeReceipt(receipt.id);
    assert.deepEqual(await outbox.receipts(), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
