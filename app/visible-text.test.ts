/** Document text made safe to show: escapes and bidi controls visible, everything else as it was. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { visibleTextStream } from '../cli/io.js';
import { mapStrings, replacedControls, visibleControls } from './visible-text.js';

test('terminal escapes, a lone CR and bidi controls are written \\uXXXX; text, tabs, newlines and CRLF stay', () => {
  assert.equal(
    visibleControls('a\u001b[31mred\u001b[0m \u202eevil\u2066x\u2069\u200f\r over\tb\r\nc\n'),
    'a\\u001B[31mred\\u001B[0m \\u202Eevil\\u2066x\\u2069\\u200F\\u000D over\tb\r\nc\n',
  );
  assert.equal(visibleControls('Zürich · 東京 — plain'), 'Zürich · 東京 — plain');
  assert.equal(replacedControls('x\u001by\u202ez'), 'x\uFFFDy\uFFFDz');
  assert.equal(replacedControls('x\u001by').length, 'x\u001by'.length, 'one character for one');
  assert.deepEqual(mapStrings({ a: ['\u202e', 1, null], b: { c: '\u001b' } }, visibleControls), {
    a: ['\\u202E', 1, null],
    b: { c: '\\u001B' },
  });
});

test('the CLI stream: strings and split UTF-8 buffers made visible, synchronously, callbacks passed on', () => {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const out = visibleTextStream(sink);
  out.write('heading \u202e\n');
  const bidi = Buffer.from('\u202e');
  out.write(bidi.subarray(0, 1));
  out.write(bidi.subarray(1));
  let called = false;
  out.write('\u001b[2J', () => {
    called = true;
  });
  assert.deepEqual(chunks, ['heading \\u202E\n', '\\u202E', '\\u001B[2J']);
  assert.ok(out instanceof Writable);
  return new Promise<void>((resolve) => setImmediate(() => resolve(assert.ok(called))));
});
