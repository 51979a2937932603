/**
 * Against the real Defender for Cloud Apps versions in ../shared/corpus (skipped, visibly, when
 * absent): v167 -> v168 writes the portal discovery host as an origin URL, then bare, which is
 * no change (catalog/normalize.ts); and no version nests deeper than 3 (parsers/nesting.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawDocument } from '../ingest/types.js';
import { markdownNesting } from '../parsers/nesting.js';
import { parseDocument } from '../parsers/parse-document.js';
import { diffCatalogs } from './diff.js';
import type { Catalog } from './model.js';

function parse(text: string, location: string): Catalog {
  const doc: RawDocument = {
    location,
    body: Buffer.from(text),
    contentType: 'text/markdown',
    etag: null,
    lastModified: null,
  };
  return parseDocument('cas', doc, null);
}

const CORPUS = fileURLToPath(new URL('../../shared/corpus/cas-network-requirements/', import.meta.url));

test('Defender for Cloud Apps v167 -> v168: adaproddiscovery.azureedge.net is no change (corpus)', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip('../shared/corpus is absent');
    return;
  }
  const file = (prefix: string) => CORPUS + readdirSync(CORPUS).find((name) => name.startsWith(prefix))!;
  const before = parse(readFileSync(file('167_'), 'utf8'), file('167_'));
  const after = parse(readFileSync(file('168_'), 'utf8'), file('168_'));
  assert.ok(before.entries.some((e) => e.kind === 'fqdn' && e.value === 'adaproddiscovery.azureedge.net'));
  const changes = diffCatalogs(before, after).changes;
  assert.deepEqual(
    changes.filter((c) => c.value.includes('adaproddiscovery')),
    [],
    'the portal host is the same endpoint',
  );
  // The version's real changes are still there: two IPs added, one removed, ten hosts gone.
  assert.equal(changes.filter((c) => c.type === 'added' && c.kind === 'ip').length, 2);
  assert.equal(changes.filter((c) => c.type === 'removed' && c.kind === 'fqdn').length, 10);
});

test('every version of the real Defender for Cloud Apps page nests 3 deep at most', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip('../shared/corpus is absent');
    return;
  }
  const versions = readdirSync(CORPUS).filter((name) => name.endsWith('.md'));
  assert.ok(versions.length > 100);
  for (const name of versions) assert.equal(markdownNesting(readFileSync(CORPUS + name, 'utf8'), 3), null, name);
});
