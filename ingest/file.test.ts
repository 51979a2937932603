import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { contentTypeForPath, createFileFetcher, fileFetcher } from './file.js';
import type { FetchOptions } from './types.js';
import { fetched, fetchError } from '../test/helpers/fetch-outcome.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const options: FetchOptions = { timeoutMs: 1_000, retries: 0, baseDir: fixtures };

test('a relative path is read from the base directory, with the absolute path as location', async () => {
  const doc = fetched(await fileFetcher.fetch('endpoints.md', options));
  assert.equal(doc.location, join(fixtures, 'endpoints.md'));
  assert.equal(doc.body.toString('utf8'), '| Host | Port |\n|---|---|\n| a.example.com | 443 |\n');
  assert.equal(doc.contentType, 'text/markdown');
  assert.equal(doc.etag, null);
  assert.equal(doc.lastModified, null);
});

test('without a base directory, relative paths are resolved against the working directory', async () => {
  const doc = fetched(await fileFetcher.fetch('ingest/__fixtures__/endpoints.md', { timeoutMs: 1_000, retries: 0 }));
  assert.equal(doc.location, join(process.cwd(), 'ingest/__fixtures__/endpoints.md'));
});

test('file:// URLs and absolute paths are read as they are', async () => {
  const absolute = join(fixtures, 'endpoints.json');
  const byUrl = fetched(await fileFetcher.fetch(pathToFileURL(absolute).href, options));
  assert.equal(byUrl.location, absolute);
  assert.equal(byUrl.contentType, 'application/json');
  const byPath = fetched(await fileFetcher.fetch(absolute, { timeoutMs: 1_000, retries: 0, baseDir: '/nonexistent' }));
  assert.deepEqual(byPath.body, byUrl.body);
});

test('content type is guessed from the extension', async () => {
  assert.equal(fetched(await fileFetcher.fetch('endpoints.html', options)).contentType, 'text/html');
  assert.equal(fetched(await fileFetcher.fetch('endpoints.txt', options)).contentType, null);
  assert.equal(contentTypeForPath('/x/NETWORK.MD'), 'text/markdown');
  assert.equal(contentTypeForPath('/x/page.htm'), 'text/html');
  assert.equal(contentTypeForPath('/x/feed.json'), 'application/json');
  assert.equal(contentTypeForPath('/x/README'), null);
});

test('a missing file is a FetchError naming the path', async () => {
  const err = await fetchError(fileFetcher.fetch('no-such-file.md', options));
  assert.equal(err.message, `${join(fixtures, 'no-such-file.md')}: cannot read: file not found`);
});

test('a directory is a FetchError naming the path', async () => {
  const err = await fetchError(fileFetcher.fetch(fixtures, options));
  assert.match(err.message, /is a directory/);
  assert.ok(err.message.includes(fixtures.replace(/\/$/, '')));
});

test('an empty file is a FetchError', async () => {
  const err = await fetchError(fileFetcher.fetch('empty.md', options));
  assert.match(err.message, /empty document/);
  assert.ok(err.message.includes(join(fixtures, 'empty.md')));
});

test('a file over the size limit is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endpoint-watch-file-'));
  try {
    await writeFile(join(dir, 'big.md'), Buffer.alloc(2048, 'a'));
    const err = await fetchError(createFileFetcher({ maxBytes: 1024 }).fetch('big.md', { ...options, baseDir: dir }));
    assert.match(err.message, /2048 bytes, over the 1024-byte limit/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file:// URL with a remote host is a FetchError, not a crash', async () => {
  const err = await fetchError(fileFetcher.fetch('file://fileserver/share/x.md', options));
  assert.match(err.message, /file:\/\/fileserver\/share\/x\.md/);
});

test('the file fetcher handles paths and file:// URLs only', () => {
  assert.equal(fileFetcher.handles('./docs/x.md'), true);
  assert.equal(fileFetcher.handles('/abs/x.md'), true);
  assert.equal(fileFetcher.handles('docs/x.md'), true);
  assert.equal(fileFetcher.handles('C:\\docs\\x.md'), true);
  assert.equal(fileFetcher.handles('file:///tmp/x.md'), true);
  assert.equal(fileFetcher.handles('https://example.com/x.md'), false);
  assert.equal(fileFetcher.handles('ftp://example.com/x.md'), false);
});
