import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ParseError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import type { TextDocument } from '../types.js';

function fixture(path: string, contentType: string | null): TextDocument {
  return { location: path, text: readFileSync(new URL(path, import.meta.url), 'utf8'), contentType };
}

test('both Microsoft 365 formats are registered under their ids', () => {
  assert.equal(parsers.get('m365-json')?.id, 'm365-json');
  assert.equal(parsers.get('m365-urls')?.id, 'm365-urls');
});

test('the web-service JSON goes to m365-json, with or without a JSON content type', () => {
  for (const name of ['worldwide.json', 'worldwide.min.json']) {
    for (const contentType of ['application/json', null, 'text/plain']) {
      const doc = fixture(`../m365-json/__fixtures__/${name}`, contentType);
      assert.equal(selectParser(doc).id, 'm365-json', `${name} as ${contentType}`);
    }
  }
});

test('an error answer still goes to m365-json, which says what the service answered', () => {
  const doc = fixture('../m365-json/__fixtures__/error.json', 'application/json');
  const parser = selectParser(doc);
  assert.equal(parser.id, 'm365-json');
  assert.throws(
    () => parser.parse(doc),
    (error: unknown) => error instanceof ParseError && /answered with an error/.test(error.message),
  );
});

test('the URLs and IP address ranges page goes to m365-urls, not to the generic markdown parser', () => {
  for (const contentType of ['text/markdown', 'text/plain; charset=utf-8', null]) {
    const doc = fixture('./__fixtures__/urls-and-ip-ranges.md', contentType);
    assert.equal(selectParser(doc).id, 'm365-urls', `as ${contentType}`);
  }
});

test('an ordinary markdown table document still goes to the markdown parser', () => {
  const doc = fixture('./__fixtures__/plain-table.md', 'text/markdown');
  assert.equal(selectParser(doc).id, 'markdown');
});

test('a configured format wins over detection', () => {
  const doc = fixture('./__fixtures__/urls-and-ip-ranges.md', 'text/markdown');
  assert.equal(selectParser(doc, 'markdown').id, 'markdown');
  assert.equal(selectParser(fixture('./__fixtures__/plain-table.md', null), 'm365-urls').id, 'm365-urls');
});
