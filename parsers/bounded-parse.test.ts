/**
 * Bounded parsing: the worker gives the same catalog as parsing in place, and pathological
 * documents (generated here, never committed) fail with a clear ParseError at the deadline, the
 * heap limit, or the stack limit, instead of running for minutes or taking gigabytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ParseError } from '../errors/index.js';
import type { RawDocument } from '../ingest/types.js';
import { parseDetailedBounded, parseDocumentBounded } from './bounded-parse.js';
import { parseDocument } from './parse-document.js';

const FIXTURE = fileURLToPath(new URL('./markdown/__fixtures__/docfx-blocks.md', import.meta.url));
const TABLE = '## Portal access\n\n|----|----|\n|US1 data center|13.91.91.243|\n\n';

function doc(text: string, location = '/tmp/generated.md'): RawDocument {
  return { location, body: Buffer.from(text), contentType: 'text/markdown', etag: null, lastModified: null };
}

async function parseError(promise: Promise<unknown>): Promise<ParseError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(error instanceof ParseError, `expected a ParseError, got ${String(error)}`);
  return error;
}

test('the worker gives the catalog parsing in place gives', { timeout: 60_000 }, async () => {
  const fixture = doc(await readFile(FIXTURE, 'utf8'), FIXTURE);
  const bounded = await parseDocumentBounded('fixture', fixture, null, undefined);
  assert.deepEqual(bounded, parseDocument('fixture', fixture, null));
  assert.ok(bounded.entries.length > 0);
  const detailed = await parseDetailedBounded('fixture', fixture, null);
  assert.equal(detailed.parser, 'markdown');
  assert.deepEqual(detailed.catalog, bounded);
});

test('errors keep their class: no endpoint is a ParseError naming the document', { timeout: 60_000 }, async () => {
  const error = await parseError(
    parseDocumentBounded('empty', doc('# Nothing here\n\nJust prose.\n'), null, undefined),
  );
  assert.match(error.message, /generated\.md: no endpoint found in the document/);
});

// One line that long is refused before parsing (parsers/nesting.ts); split into lines under
// the limit, the paragraph is as slow, and the deadline is what stops it.
test('200 KB of *a*a... in one paragraph stops at the deadline with a clear error', { timeout: 120_000 }, async () => {
  const text = `${TABLE}${'x'.repeat(25_000)}\n\n${`${'*a'.repeat(14_000)}\n`.repeat(7)}`;
  const error = await parseError(parseDocumentBounded('stars', doc(text), null, undefined, { timeoutSeconds: 2 }));
  assert.match(error.message, /parsing took longer than 2 s \(parseTimeoutSeconds\) and was stopped/);
});

test('509 KB of [::1] in one paragraph stops at the deadline', { timeout: 120_000 }, async () => {
  const text = `${TABLE}${`${'[::1]'.repeat(5_090)}\n`.repeat(20)}`;
  const error = await parseError(parseDocumentBounded('v6', doc(text), null, undefined, { timeoutSeconds: 2 }));
  assert.match(error.message, /took longer than 2 s/);
});

test('5 MB of <br> in table rows stops at the heap limit', { timeout: 120_000 }, async () => {
  const text = `## Portal\n\n|----|----|\n${`|US1|13.91.91.243${'<br>'.repeat(7_500)}|\n`.repeat(170)}`;
  const error = await parseError(
    parseDocumentBounded('br', doc(text), null, undefined, { timeoutSeconds: 100, memoryMb: 128 }),
  );
  assert.match(error.message, /parsing needed more than 128 MB \(parseMemoryMb\) and was stopped/);
});

test('blockquotes nested 16,000 deep are a parse error naming the line, not a crash', {
  timeout: 120_000,
}, async () => {
  const text = `${TABLE}${'> '.repeat(16_000)}deep\n`;
  const error = await parseError(parseDocumentBounded('deep', doc(text), null, undefined, { timeoutSeconds: 100 }));
  assert.match(error.message, /generated\.md: nesting deeper than 100 at line 6 \(maxNestingDepth\)/);
  // With the nesting limit raised past it, the stack overflow is still a clear ParseError.
  const overflow = await parseError(
    parseDocumentBounded('deep', doc(text), null, undefined, { timeoutSeconds: 100, maxNestingDepth: 100_000 }),
  );
  assert.match(overflow.message, /nested too deeply to parse \(Maximum call stack size exceeded\)/);
});

const DIST_BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

test('the compiled CLI parses in its worker too (dist/, after npm run build)', { timeout: 60_000 }, async (t) => {
  if (!existsSync(DIST_BIN)) {
    t.skip('dist/ is absent: run `npm run build` first');
    return;
  }
  const { stdout } = await promisify(execFile)(process.execPath, [DIST_BIN, 'parse', '--json', FIXTURE], {
    env: {},
  });
  const printed = JSON.parse(stdout) as { format: string; entries: unknown[] };
  const fixture = doc(await readFile(FIXTURE, 'utf8'), FIXTURE);
  assert.equal(printed.format, 'markdown');
  assert.equal(printed.entries.length, parseDocument('docfx-blocks', fixture, null).entries.length);
});

test('a warm worker serves one document after another; one stopped at its deadline is not reused', {
  timeout: 120_000,
}, async () => {
  const good = doc(`${TABLE}`);
  const first = await parseDocumentBounded('a', good, null, undefined);
  // Errors of the document are answers: the same worker goes on, with nothing left of the last job.
  await parseError(parseDocumentBounded('empty', doc('# Nothing\n'), null, undefined));
  assert.deepEqual(await parseDocumentBounded('a', good, null, undefined), first);
  const stopped = await parseError(
    parseDocumentBounded('stars', doc(`${TABLE}${`${'*a'.repeat(14_000)}\n`.repeat(7)}`), null, undefined, {
      timeoutSeconds: 1,
    }),
  );
  assert.match(stopped.message, /took longer than 1 s/);
  // The stopped worker is gone; the next document gets a fresh one and parses as before.
  assert.deepEqual(await parseDocumentBounded('a', good, null, undefined), first);
});
