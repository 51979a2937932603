import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../errors/index.js';
import { fetcherFor, fetchers } from './registry.js';

/** One location per fetcher id: a new fetcher without a line here fails the first test. */
const SAMPLES: Record<string, string[]> = {
  http: ['https://learn.microsoft.com/en-us/x', 'http://127.0.0.1:8080/doc.md', 'HTTPS://EXAMPLE.COM/'],
  file: ['./docs/network.md', '/srv/docs/network.md', 'network.md', 'file:///srv/docs/network.md'],
};

test('every registered fetcher has sample locations, and its map key is its id', () => {
  assert.ok(fetchers.size > 0);
  for (const [id, fetcher] of fetchers) {
    assert.equal(fetcher.id, id);
    assert.ok(SAMPLES[id]?.length, `add sample locations for fetcher "${id}" to this test`);
  }
});

test('fetcherFor picks the right fetcher for every registered id, and exactly one handles each location', () => {
  for (const [id, locations] of Object.entries(SAMPLES)) {
    assert.ok(fetchers.has(id), `fetcher "${id}" is registered`);
    for (const location of locations) {
      assert.equal(fetcherFor(location).id, id, location);
      const handlers = [...fetchers.values()].filter((f) => f.handles(location)).map((f) => f.id);
      assert.deepEqual(handlers, [id], `${location} is handled by ${handlers.join(', ')}`);
    }
  }
});

test('unknown schemes are rejected with an error naming the location (without credentials)', () => {
  for (const location of ['ftp://example.com/doc.md', 's3://bucket/doc.md', 'mailto:x@example.com']) {
    assert.throws(
      () => fetcherFor(location),
      (err: unknown) => err instanceof UsageError && err.message.includes(`"${location}"`),
      location,
    );
  }
  assert.throws(
    () => fetcherFor('ftp://user:hunter2@example.com/doc.md'),
    (err: unknown) =>
      err instanceof UsageError && err.message.includes('ftp://example.com/doc.md') && !err.message.includes('hunter2'),
  );
});

test('a lazily loaded fetcher answers as its module does: id and handles agree with it', async () => {
  const { httpFetcher } = await import('./http.js');
  const lazy = fetchers.get('http')!;
  assert.equal(lazy.id, httpFetcher.id);
  for (const location of [...SAMPLES.http!, ...SAMPLES.file!, 'ftp://example.com/x'])
    assert.equal(lazy.handles(location), httpFetcher.handles(location), location);
});
