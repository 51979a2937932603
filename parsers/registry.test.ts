/**
 * Every registered format is checked against fixtures of its own: detection picks it, it
 * parses to entries, and the result is a valid catalog. A new parser without a line here fails.
 * Detection is unambiguous: on every fixture its own parser scores above every other, and the
 * feed parsers score nothing at all on any document of another format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parsers, selectParser } from './registry.js';
import { decodeDocument } from './decode.js';
import { buildCatalog } from '../catalog/canonical.js';
import { classifyToken } from '../catalog/normalize.js';
import { ParseError } from '../errors/index.js';
import type { TextDocument } from './types.js';

type Fixture = { path: string; contentType: string | null };

const FIXTURES: Record<string, Fixture[]> = {
  markdown: [{ path: 'markdown/__fixtures__/header-rows.md', contentType: 'text/markdown' }],
  'm365-json': [{ path: 'm365-json/__fixtures__/worldwide.json', contentType: 'application/json' }],
  'm365-urls': [{ path: 'm365-urls/__fixtures__/urls-and-ip-ranges.md', contentType: 'text/plain' }],
  html: [{ path: 'html/__fixtures__/data-centers.html', contentType: 'text/html' }],
  'aws-ip-ranges': [{ path: 'aws-ip-ranges/__fixtures__/ip-ranges.json', contentType: 'application/json' }],
  'azure-service-tags': [
    { path: 'azure-service-tags/__fixtures__/ServiceTags_Public.json', contentType: 'application/octet-stream' },
  ],
  'google-ip-ranges': [
    { path: 'google-ip-ranges/__fixtures__/cloud.json', contentType: 'application/json' },
    { path: 'google-ip-ranges/__fixtures__/goog.json', contentType: 'application/json' },
  ],
  'github-meta': [{ path: 'github-meta/__fixtures__/meta.json', contentType: 'application/json; charset=utf-8' }],
  'plain-list': [
    { path: 'plain-list/__fixtures__/ips-v4', contentType: 'text/plain; charset=utf-8' },
    { path: 'plain-list/__fixtures__/ips-v6', contentType: 'text/plain; charset=utf-8' },
    { path: 'plain-list/__fixtures__/vendor-list.txt', contentType: 'text/plain' },
  ],
  'okta-ip-ranges': [{ path: 'okta-ip-ranges/__fixtures__/ip_ranges.json', contentType: 'binary/octet-stream' }],
  'atlassian-ip-ranges': [{ path: 'atlassian-ip-ranges/__fixtures__/ip-ranges.json', contentType: 'application/json' }],
  'zscaler-ip-ranges': [
    { path: 'zscaler-ip-ranges/__fixtures__/cenr.json', contentType: 'application/json' },
    { path: 'zscaler-ip-ranges/__fixtures__/hubs-recommended.json', contentType: 'application/json' },
  ],
};

/** The formats read from feeds rather than pages: they must never claim another format's document. */
const FEEDS = [
  'aws-ip-ranges',
  'azure-service-tags',
  'google-ip-ranges',
  'github-meta',
  'plain-list',
  'okta-ip-ranges',
  'atlassian-ip-ranges',
  'zscaler-ip-ranges',
];

function load(fixture: Fixture): TextDocument {
  const text = decodeDocument(readFileSync(new URL(fixture.path, import.meta.url)));
  return { location: fixture.path, text, contentType: fixture.contentType };
}

test('every registered parser has a fixture, is picked for it, and yields a valid catalog', () => {
  assert.deepEqual(
    [...parsers.keys()].sort(),
    Object.keys(FIXTURES).sort(),
    'each registered id needs a fixture line here',
  );
  for (const [id, parser] of parsers) {
    assert.equal(parser.id, id);
    assert.ok(parser.description.length > 0, `${id} has a description`);
    for (const fixture of FIXTURES[id]!) {
      const doc = load(fixture);
      assert.equal(selectParser(doc).id, id, `${fixture.path} is detected as ${id}`);
      const catalog = buildCatalog('fixture', parser.parse(doc));
      assert.ok(catalog.entries.length > 0, `${id} finds entries`);
      assert.equal(catalog.format, id);
      for (const entry of catalog.entries) {
        // Canonical values: classifying the stored value again gives the same kind and value.
        assert.deepEqual(classifyToken(entry.value), { kind: entry.kind, value: entry.value }, `${id}: ${entry.value}`);
        assert.ok(
          Number.isInteger(entry.provenance.line) && entry.provenance.line >= 1,
          `${id}: ${entry.value} has a line`,
        );
        assert.ok(['destination', 'source'].includes(entry.role));
      }
    }
  }
});

test('detection is unambiguous: on each fixture its parser scores highest, and no feed parser claims another format', () => {
  for (const [id, fixtures] of Object.entries(FIXTURES)) {
    for (const fixture of fixtures) {
      const doc = load(fixture);
      const own = parsers.get(id)!.detect(doc);
      for (const [otherId, other] of parsers) {
        if (otherId === id) continue;
        const score = other.detect(doc);
        assert.ok(score < own, `${otherId} scores ${score} on ${fixture.path}, ${id} only ${own}`);
        if (FEEDS.includes(otherId)) assert.equal(score, 0, `${otherId} claims ${fixture.path}`);
      }
    }
  }
});

test("the feed parsers claim none of the other formats' documents in the repository", () => {
  const folders = ['markdown', 'html', 'm365-json', 'm365-urls'].map((f) => `${f}/__fixtures__/`);
  folders.push('../ingest/__fixtures__/', '../config/__fixtures__/project/docs/');
  let seen = 0;
  for (const folder of folders) {
    for (const name of readdirSync(new URL(folder, import.meta.url))) {
      if (name.endsWith('.expected.json')) continue;
      const text = decodeDocument(readFileSync(new URL(`${folder}${name}`, import.meta.url)));
      for (const contentType of ['text/plain', 'application/json', 'text/html', null]) {
        const doc = { location: name, text, contentType };
        for (const id of FEEDS)
          assert.equal(parsers.get(id)!.detect(doc), 0, `${id} claims ${folder}${name} as ${contentType}`);
      }
      seen += 1;
    }
  }
  assert.ok(seen >= 20, `only ${seen} documents looked at`);
});

test('an unknown configured format is a clear error naming the known ones', () => {
  assert.throws(
    () => selectParser({ location: 'x', text: 'x', contentType: null }, 'yaml'),
    (err: unknown) => err instanceof ParseError && /unknown format "yaml" \(known: .*markdown/.test(err.message),
  );
});
