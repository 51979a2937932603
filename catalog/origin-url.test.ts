/**
 * An origin-only URL is its host: `https://adaproddiscovery.azureedge.net` in one version of a
 * page and `adaproddiscovery.azureedge.net` in the next are the same endpoint, no remove plus
 * add (Defender for Cloud Apps v167 -> v168). A URL with a path, query or another port stays a
 * URL. Catalogs stored while the origin was kind `url` compare equal too. The real versions:
 * catalog/origin-url-corpus.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawDocument } from '../ingest/types.js';
import { parseDocument } from '../parsers/parse-document.js';
import { diffCatalogs } from './diff.js';
import type { Catalog } from './model.js';
import { classifyToken, originOnlyEndpoint } from './normalize.js';

function parse(text: string, location = '/tmp/portal.md'): Catalog {
  const doc: RawDocument = {
    location,
    body: Buffer.from(text),
    contentType: 'text/markdown',
    etag: null,
    lastModified: null,
  };
  return parseDocument('portal', doc, null);
}

const page = (hosts: string[]) =>
  `## Portal access\n\nAdd **outbound port 443** for the following DNS names:\n\n\`\`\`ini\n${hosts.join('\n')}\n\`\`\`\n`;

test('origin-only URLs are hosts (or addresses); anything more stays a URL', () => {
  assert.deepEqual(classifyToken('https://Portal.Contoso-Cloud.com'), {
    kind: 'fqdn',
    value: 'portal.contoso-cloud.com',
  });
  assert.deepEqual(classifyToken('https://portal.contoso-cloud.com/'), {
    kind: 'fqdn',
    value: 'portal.contoso-cloud.com',
  });
  assert.deepEqual(classifyToken('http://*.contoso-cloud.com'), { kind: 'fqdn', value: '*.contoso-cloud.com' });
  assert.deepEqual(classifyToken('https://13.91.91.243'), { kind: 'ip', value: '13.91.91.243' });
  assert.deepEqual(classifyToken('https://portal.contoso-cloud.com:443/'), {
    kind: 'fqdn',
    value: 'portal.contoso-cloud.com',
  });
  for (const url of [
    'https://portal.contoso-cloud.com/login',
    'https://portal.contoso-cloud.com:8443',
    'https://portal.contoso-cloud.com/?tenant=1',
    'https://user@portal.contoso-cloud.com',
  ])
    assert.equal(classifyToken(url)?.kind, 'url', url);
  assert.equal(originOnlyEndpoint('https://portal.contoso-cloud.com/x'), null);
});

test('a host written as an origin URL, then bare (and back): no change', () => {
  const asUrl = parse(page(['portal.contoso-cloud.com', 'https://discovery.contoso-cdn.net']));
  const bare = parse(page(['portal.contoso-cloud.com', 'discovery.contoso-cdn.net']));
  assert.deepEqual(
    asUrl.entries.map((e) => `${e.kind} ${e.value}`),
    ['fqdn discovery.contoso-cdn.net', 'fqdn portal.contoso-cloud.com'].sort(),
  );
  assert.deepEqual(diffCatalogs(asUrl, bare).changes, []);
  assert.deepEqual(diffCatalogs(bare, asUrl).changes, []);
  // A real change next to it is still one.
  const moved = parse(page(['portal.contoso-cloud.com', 'https://discovery.contoso-cdn.net/v2']));
  assert.deepEqual(
    diffCatalogs(bare, moved).changes.map((c) => `${c.type} ${c.kind} ${c.value}`),
    ['added url https://discovery.contoso-cdn.net/v2', 'removed fqdn discovery.contoso-cdn.net'],
  );
});

test('a catalog stored while the origin was kind url compares equal to the host the page gives now', () => {
  const now = parse(page(['portal.contoso-cloud.com', 'discovery.contoso-cdn.net']));
  const stored: Catalog = {
    ...now,
    entries: now.entries.map((e) =>
      e.value === 'discovery.contoso-cdn.net' ? { ...e, kind: 'url', value: 'https://discovery.contoso-cdn.net/' } : e,
    ),
  };
  assert.deepEqual(diffCatalogs(stored, now).changes, []);
});
