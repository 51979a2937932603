/**
 * The nesting limit: hostile documents generated here (never committed) fail fast with "nesting
 * deeper than N at line L", in every syntax the parsers read; real documents pass well under it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../errors/index.js';
import type { RawDocument } from '../ingest/types.js';
import {
  DEFAULT_MAX_NESTING_DEPTH,
  MAX_MARKDOWN_LINE,
  htmlNesting,
  jsonNesting,
  longestLineOver,
  markdownNesting,
} from './nesting.js';
import { parseDocument } from './parse-document.js';
import { parsers } from './registry.js';

const TABLE = '## Portal access\n\n|----|----|\n|US1 data center|13.91.91.243|\n\n';

function doc(text: string, contentType: string): RawDocument {
  return { location: '/tmp/hostile', body: Buffer.from(text), contentType, etag: null, lastModified: null };
}

function refusal(text: string, contentType: string, limits = {}): ParseError {
  let error: unknown = null;
  try {
    parseDocument('hostile', doc(text, contentType), null, undefined, limits);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ParseError, `expected a ParseError, got ${String(error)}`);
  return error;
}

test('the default limit is 100 levels and every parser declares the syntax it reads', () => {
  assert.equal(DEFAULT_MAX_NESTING_DEPTH, 100);
  for (const parser of parsers.values()) assert.match(parser.syntax, /^(markdown|html|json|text)$/, parser.id);
});

test('`> ` nested 3,000 deep: nesting deeper than 100 at its line, not a stack overflow', () => {
  const error = refusal(`${TABLE}${'> '.repeat(3000)}deep\n`, 'text/markdown');
  assert.match(error.message, /^\/tmp\/hostile: nesting deeper than 100 at line 6 \(maxNestingDepth\)/);
  assert.match(error.message, /The snapshot was left unchanged/);
});

test('a list nested 500 deep, by indentation or marker after marker, bullets or numbers', () => {
  const indented = Array.from({ length: 500 }, (_, i) => `${' '.repeat(i * 2)}- item ${i}`).join('\n');
  assert.match(refusal(`${TABLE}${indented}\n`, 'text/markdown').message, /nesting deeper than 100 at line 106/);
  const tabs = Array.from({ length: 500 }, (_, i) => `${'\t'.repeat(i)}1. item`).join('\n');
  assert.match(refusal(`${TABLE}${tabs}\n`, 'text/markdown').message, /nesting deeper than 100 at line 56/);
  assert.match(refusal(`${TABLE}${'- '.repeat(500)}x\n`, 'text/markdown').message, /at line 6 /);
  assert.match(refusal(`${TABLE}${'1) > * '.repeat(200)}x\n`, 'text/markdown').message, /at line 6 /);
});

test('JSON nested 100k deep, arrays or objects; brackets inside strings do not count', () => {
  const arrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  assert.match(refusal(arrays, 'application/json').message, /nesting deeper than 100 at line 1 /);
  const objects = `{\n"values":\n${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
  assert.match(refusal(objects, 'application/json').message, /nesting deeper than 100 at line 3 /);
  assert.equal(jsonNesting(`{"a": "${'['.repeat(5000)}\\"${'{'.repeat(5000)}"}`, 100), null);
});

test('HTML nested 100k deep; void, self-closing SVG and implied-end elements do not count', () => {
  const divs = `<html><body>\n<table><tr><td>13.91.91.243</td></tr></table>\n${'<div>'.repeat(100_000)}x</div>`;
  assert.match(refusal(divs, 'text/html').message, /nesting deeper than 100 at line 3 /);
  const flat = `<ul>${'<li>a<br><img src=x>'.repeat(5000)}</ul><svg>${'<path d="M0"/>'.repeat(5000)}</svg>${'<p>x'.repeat(5000)}`;
  assert.equal(htmlNesting(flat, 10), null);
  assert.equal(htmlNesting(`<script>${'<div>'.repeat(500)}</script><style>${'<b>'.repeat(500)}</style>`, 10), null);
  // Misnested end tags close what they name, as HTML parsers do.
  assert.equal(htmlNesting(`${'<div><span><b></div>'.repeat(5000)}`, 10), null);
});

test('maxNestingDepth is the limit: a list 6 deep is refused at 5, read at 10', () => {
  const list = Array.from({ length: 6 }, (_, i) => `${'  '.repeat(i)}- 13.91.91.${i + 1}`).join('\n');
  const text = `## Portal access\n\n${list}\n`;
  assert.match(refusal(text, 'text/markdown', { maxNestingDepth: 5 }).message, /nesting deeper than 5 at line 8 /);
  assert.equal(markdownNesting(text, 10), null);
  const parsed = parseDocument('six', doc(text, 'text/markdown'), null, undefined, { maxNestingDepth: 10 });
  assert.ok(parsed.entries.length > 0);
});

test('a markdown line over 32 KiB (a line of `*a` the fuzz found taking >10 s) is refused at once, naming it', () => {
  const emphasis = '*a'.repeat(20_000);
  const error = refusal(`${TABLE}${emphasis}\n`, 'text/markdown');
  assert.match(
    error.message,
    /^\/tmp\/hostile: line 6 is 40000 characters long; markdown lines over 32768 are not parsed/,
  );
  assert.equal(longestLineOver(`a\n${'x'.repeat(MAX_MARKDOWN_LINE)}\nb`, MAX_MARKDOWN_LINE), null);
  assert.deepEqual(longestLineOver(`a\n\n${'x'.repeat(MAX_MARKDOWN_LINE + 1)}`, MAX_MARKDOWN_LINE), {
    line: 3,
    length: MAX_MARKDOWN_LINE + 1,
  });
  // A long line is a markdown matter: a JSON feed on one line is parsed as usual.
  const feed = JSON.stringify({
    syncToken: '1',
    createDate: '2026-01-01-00-00-00',
    prefixes: Array.from({ length: 3000 }, (_, i) => ({
      ip_prefix: `10.${i >> 8}.${i & 255}.0/24`,
      region: 'us-east-1',
      service: 'AMAZON',
      network_border_group: 'us-east-1',
    })),
    ipv6_prefixes: [],
  });
  assert.ok(feed.length > MAX_MARKDOWN_LINE);
  const parsed = parseDocument('feed', doc(feed, 'application/json'), null);
  assert.equal(parsed.entries.length, 3000);
});
