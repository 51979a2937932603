import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visitValueLines } from './value-lines.js';

function collect(text: string): [string, number][] {
  const seen: [string, number][] = [];
  visitValueLines(text, (path, line) => seen.push([path.join('/'), line]));
  return seen;
}

test('reports every primitive with its path and line', () => {
  const text = [
    '[',
    '  {',
    '    "id": 1,',
    '    "urls": [',
    '      "a.example.com",',
    '      "b.example.com"',
    '    ],',
    '    "ok": true,',
    '    "none": null',
    '  }',
    ']',
  ].join('\n');
  assert.deepEqual(collect(text), [
    ['0/id', 3],
    ['0/urls/0', 5],
    ['0/urls/1', 6],
    ['0/ok', 8],
    ['0/none', 9],
  ]);
});

test('brackets, quotes and escapes inside strings do not confuse it; CRLF counts once', () => {
  const text = '{"k\\"]": "v\\\\\\"}", "n": [ -1.5e3 ,\r\n"x]}", {}, []],\r\n"last": "\\u005b"}';
  assert.deepEqual(collect(text), [
    ['k"]', 1],
    ['n/0', 1],
    ['n/1', 2],
    ['last', 3],
  ]);
});

test('minified JSON puts everything on line 1; a bare value has an empty path', () => {
  assert.deepEqual(collect('[{"a":[1,2]},{"b":"c"}]'), [
    ['0/a/0', 1],
    ['0/a/1', 1],
    ['1/b', 1],
  ]);
  assert.deepEqual(collect('\n\n  42  '), [['', 3]]);
});
