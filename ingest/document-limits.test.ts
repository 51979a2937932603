/**
 * The document size limit (`maxDocumentBytes`) and Content-Encoding, against a real loopback
 * server that streams without end, gzips, brotli-compresses, or sends a gzip bomb.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createHttpFetcher } from './http.js';
import { createFileFetcher } from './file.js';
import { DEFAULT_MAX_DOCUMENT_BYTES, type FetchOptions } from './types.js';
import { fetched, fetchError } from '../test/helpers/fetch-outcome.js';

const PAGE = '## Portal access\n\n|----|----|\n|US1 data center|13.91.91.243|\n';
const options: FetchOptions = { timeoutMs: 10_000, retries: 0 };
const fetcher = createHttpFetcher();

let server: Server;
let origin: string;
/** Bytes the endless route wrote before the client went away. */
let endlessWritten = 0;

function send(res: ServerResponse, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/markdown', 'content-length': String(body.length), ...headers });
  res.end(body);
}

before(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/endless.md': {
        // Chunked, no Content-Length, never ends on its own: 1 MiB pieces as fast as the client reads.
        res.writeHead(200, { 'content-type': 'text/markdown' });
        const piece = Buffer.alloc(1024 * 1024, 'a');
        const pump = () => {
          while (!res.destroyed && endlessWritten < 2 * 1024 ** 3) {
            endlessWritten += piece.length;
            if (!res.write(piece)) return void res.once('drain', pump);
          }
        };
        res.on('close', () => res.destroy());
        pump();
        return;
      }
      case '/gzip.md':
        return send(res, gzipSync(PAGE), { 'content-encoding': 'gzip' });
      case '/br.md':
        return send(res, brotliCompressSync(PAGE), { 'content-encoding': 'br' });
      case '/bomb.md':
        // 64 MiB of zeros, about 64 KB on the wire.
        return send(res, gzipSync(Buffer.alloc(64 * 1024 * 1024)), { 'content-encoding': 'gzip' });
      case '/broken-gzip.md':
        return send(res, Buffer.from('this is not gzip at all'), { 'content-encoding': 'gzip' });
      case '/compress.md':
        return send(res, Buffer.from(PAGE), { 'content-encoding': 'compress' });
      case '/unlabelled-gzip.md':
        return send(res, gzipSync(PAGE));
      case '/large.md':
        return send(res, Buffer.alloc(300 * 1024, 'a'));
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('the default limit is 64 MiB, far above the largest real feed (Azure Service Tags, ~5 MB)', () => {
  assert.equal(DEFAULT_MAX_DOCUMENT_BYTES, 64 * 1024 * 1024);
});

test('an endless body stops at the limit while downloading, without buffering what follows', {
  timeout: 60_000,
}, async () => {
  endlessWritten = 0;
  const rssBefore = process.memoryUsage().rss;
  const err = await fetchError(fetcher.fetch(`${origin}/endless.md`, { ...options, maxBytes: 8 * 1024 * 1024 }));
  assert.match(err.message, /GET .*\/endless\.md: document is over the 8 MiB limit \(maxDocumentBytes\)/);
  // The server stopped soon after the limit (socket buffers aside), not at its 2 GiB end.
  assert.ok(endlessWritten < 64 * 1024 * 1024, `the server wrote ${endlessWritten} bytes`);
  assert.ok(process.memoryUsage().rss - rssBefore < 256 * 1024 * 1024, 'memory stayed bounded');
});

test("a source's own maxBytes overrides the fetcher's default, both ways", { timeout: 30_000 }, async () => {
  const err = await fetchError(fetcher.fetch(`${origin}/large.md`, { ...options, maxBytes: 100 * 1024 }));
  assert.match(err.message, /document is 307200 bytes, over the 102400-byte limit \(maxDocumentBytes\)/);
  const small = createHttpFetcher({ maxBytes: 1024 });
  const doc = fetched(await small.fetch(`${origin}/large.md`, { ...options, maxBytes: 1024 * 1024 }));
  assert.equal(doc.body.length, 300 * 1024);
});

test('Content-Encoding gzip and br are decoded as they arrive', { timeout: 30_000 }, async () => {
  for (const path of ['/gzip.md', '/br.md']) {
    const doc = fetched(await fetcher.fetch(`${origin}${path}`, options));
    assert.equal(doc.body.toString('utf8'), PAGE, path);
  }
});

test('a gzip bomb stops at the limit, counted decoded', { timeout: 60_000 }, async () => {
  const err = await fetchError(fetcher.fetch(`${origin}/bomb.md`, { ...options, maxBytes: 1024 * 1024 }));
  assert.match(
    err.message,
    /document is over the 1 MiB limit \(maxDocumentBytes\) once decoded \(Content-Encoding: gzip\)/,
  );
});

test('a body that is not what its Content-Encoding says, or an encoding we cannot decode, is a clear error', {
  timeout: 30_000,
}, async () => {
  const broken = await fetchError(fetcher.fetch(`${origin}/broken-gzip.md`, options));
  assert.match(broken.message, /the body is not valid gzip \(Content-Encoding: gzip\)/);
  const unknown = await fetchError(fetcher.fetch(`${origin}/compress.md`, options));
  assert.match(unknown.message, /Content-Encoding: compress, which cannot be decoded/);
});

test('gzip sent without Content-Encoding arrives as it was sent (the parser names it)', {
  timeout: 30_000,
}, async () => {
  const doc = fetched(await fetcher.fetch(`${origin}/unlabelled-gzip.md`, options));
  assert.deepEqual([doc.body[0], doc.body[1]], [0x1f, 0x8b]);
});

test("a file over the source's limit is refused before it is read", { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-limits-'));
  try {
    await writeFile(join(dir, 'big.md'), Buffer.alloc(5000, 'a'));
    const file = createFileFetcher();
    const err = await fetchError(file.fetch('big.md', { ...options, baseDir: dir, maxBytes: 4096 }));
    assert.match(err.message, /big\.md: file is 5000 bytes, over the 4096-byte limit \(maxDocumentBytes\)/);
    assert.equal(fetched(await file.fetch('big.md', { ...options, baseDir: dir })).body.length, 5000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
