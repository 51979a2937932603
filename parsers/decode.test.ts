import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDocument } from './decode.js';

const text = '|US1 data center|13.91.91.243|\r\n|EU1 — data center|52.174.56.180|\r\n';

test('UTF-8 with and without a BOM decodes to the same text', () => {
  assert.equal(decodeDocument(Buffer.from(text, 'utf8')), text);
  assert.equal(decodeDocument(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])), text);
});

test('UTF-16 with a BOM, little and big endian', () => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  assert.equal(decodeDocument(le), text);
  const be = Buffer.from(le);
  be.swap16();
  assert.equal(decodeDocument(be), text);
});

test('invalid UTF-8 bytes become replacement characters instead of failing; mojibake stays as text', () => {
  const bytes = Buffer.concat([
    Buffer.from('URL', 'utf8'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(' 13.80.22.71 URLâ€™s', 'utf8'),
  ]);
  const decoded = decodeDocument(bytes);
  assert.match(decoded, /^URL\uFFFD\( 13\.80\.22\.71 URLâ€™s$/);
});
