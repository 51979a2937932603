import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownParser } from './index.js';
import { parsers, selectParser } from '../registry.js';

const doc = (text: string, contentType: string | null, location = 'doc') => ({ text, contentType, location });

test('detect: markdown content scores high, DocFX and tables highest', () => {
  const table = markdownParser.detect(doc('# Title\n\n|a|b|\n|--|--|\n|1|2|\n', 'text/markdown'));
  const docfx = markdownParser.detect(
    doc(':::row:::\n:::column:::\nx\n:::column-end:::\n:::row-end:::\n', 'text/plain'),
  );
  const heading = markdownParser.detect(doc('## Only a heading\n\nand words\n', 'text/plain'));
  assert.ok(table >= 0.7 && table < 0.9, `table ${table}`);
  assert.ok(docfx >= 0.8 && docfx < 0.9, `docfx ${docfx}`);
  assert.ok(heading >= 0.7, `heading ${heading}`);
});

test('detect: unknown plain text is low but not zero; a .md name or markdown type raises it', () => {
  const plain = markdownParser.detect(doc('just some words', null));
  const typed = markdownParser.detect(doc('just some words', 'text/markdown'));
  const named = markdownParser.detect(doc('just some words', null, '/tmp/page.md'));
  assert.ok(plain > 0 && plain <= 0.1, `plain ${plain}`);
  assert.ok(typed > plain && named > plain);
});

test('detect: JSON and HTML documents are not markdown', () => {
  assert.equal(markdownParser.detect(doc('[{"id": 1, "urls": ["a.example.com"]}]', 'application/json')), 0);
  assert.equal(markdownParser.detect(doc('[{"id": 1}]', null)), 0);
  assert.equal(markdownParser.detect(doc('{"a": "|--|--|"}', 'text/plain')), 0);
  assert.equal(markdownParser.detect(doc('<!DOCTYPE html><html><body><table></table></body></html>', null)), 0);
  assert.equal(markdownParser.detect(doc('# looks like markdown', 'text/html')), 0);
});

test('the registry serves this parser as "markdown": chosen for a markdown page, and by `format: markdown`', () => {
  assert.equal(parsers.get('markdown'), markdownParser);
  const page = doc('# Endpoints\n\n|Region|IP|\n|--|--|\n|EU1|13.80.22.71|\n', 'text/plain');
  assert.equal(selectParser(page).id, 'markdown');
  // A page the detectors would give to another parser is still read as markdown when the config says so.
  const json = doc('[{"id": 1}]', 'application/json');
  assert.notEqual(selectParser(json).id, 'markdown');
  assert.equal(selectParser(json, 'markdown'), markdownParser);
});
