/**
 * The real documents this tool started with (../shared/corpus: every version of the two
 * Microsoft pages; ../shared/seeds) are pages, never feeds: no feed parser claims any of them,
 * under any content type, and the format picked for each is the one it had before the feed
 * formats existed. The 2017 versions, bare IPs on their own lines between prose, are the test
 * the plain-list detection has to pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeDocument } from './decode.js';
import { parsers, selectParser } from './registry.js';

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const FEEDS = [...parsers.keys()].filter((id) => !['markdown', 'html', 'm365-json', 'm365-urls'].includes(id));

function documents(): string[] {
  const out: string[] = [];
  for (const dir of ['corpus/cas-network-requirements', 'corpus/m365-learn-identify-endpoints', 'seeds']) {
    const path = `${SHARED}${dir}/`;
    if (existsSync(path))
      for (const name of readdirSync(path).filter((n) => n.endsWith('.md'))) out.push(`${path}${name}`);
  }
  return out.sort();
}

test('no feed parser claims a version of the real pages', {
  skip: !existsSync(SHARED) && 'shared corpus absent',
}, () => {
  const paths = documents();
  assert.ok(paths.length > 150, `only ${paths.length} documents found`);
  assert.ok(FEEDS.length >= 8, `feed parsers: ${FEEDS.join(', ')}`);
  for (const path of paths) {
    const text = decodeDocument(readFileSync(path));
    for (const contentType of ['text/plain', 'text/markdown', null]) {
      for (const location of [path, 'document']) {
        const doc = { location, text, contentType };
        for (const id of FEEDS) assert.equal(parsers.get(id)!.detect(doc), 0, `${id} claims ${path} (${contentType})`);
        assert.ok(['markdown', 'm365-urls'].includes(selectParser(doc).id), `${path} (${contentType})`);
      }
    }
  }
});
