/** The same document in every encoding and line-ending a server or checkout hands us gives the same catalog. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from './parse-document.js';
import type { CatalogEntry } from '../catalog/model.js';

const fixture = readFileSync(new URL('markdown/__fixtures__/header-rows.md', import.meta.url), 'utf8');

function withoutLines(entries: CatalogEntry[]): unknown[] {
  return entries.map(({ provenance, ...rest }) => ({ ...rest, column: provenance.column }));
}

function parse(body: Buffer) {
  return parseDocument('enc', {
    location: 'enc.md',
    body,
    contentType: 'text/markdown',
    etag: null,
    lastModified: null,
  });
}

test('UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM, CRLF: one catalog, same lines', () => {
  const reference = parse(Buffer.from(fixture, 'utf8'));
  assert.ok(reference.entries.length > 0);
  const crlf = fixture.replace(/\n/g, '\r\n');
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  const variants: Record<string, Buffer> = {
    'utf-8 + BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fixture, 'utf8')]),
    'utf-8 CRLF': Buffer.from(crlf, 'utf8'),
    'utf-16le + BOM, CRLF': le,
    'utf-16be + BOM, CRLF': be,
  };
  for (const [name, body] of Object.entries(variants)) {
    const catalog = parse(body);
    assert.deepEqual(withoutLines(catalog.entries), withoutLines(reference.entries), name);
    assert.deepEqual(
      catalog.entries.map((e) => e.provenance.line),
      reference.entries.map((e) => e.provenance.line),
      `${name}: same line numbers`,
    );
  }
});

test('mojibake and stray bytes in prose do not break parsing', () => {
  const reference = parse(Buffer.from(fixture, 'utf8'));
  const damaged = Buffer.concat([
    Buffer.from(fixture.replace(/^(#+ .*)$/m, '$1 â€™sâ€"'), 'utf8'),
    Buffer.from([0xc3, 0x28, 0x0a]),
  ]);
  const catalog = parse(damaged);
  assert.deepEqual(
    catalog.entries.map((e) => `${e.kind} ${e.value} ${e.region}`),
    reference.entries.map((e) => `${e.kind} ${e.value} ${e.region}`),
  );
});
