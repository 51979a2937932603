import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../catalog/canonical.js';
import { diffCatalogs } from '../../catalog/diff.js';
import { EmptyDocumentError } from '../../errors/index.js';
import { parsers, selectParser } from '../registry.js';
import { gitHubMetaParser, parseGitHubMeta } from './index.js';
import { assertParseError, withoutProvenance } from '../../test/helpers/parse-result.js';
import { fixtureDoc, lineFinder, textDoc } from '../../test/helpers/feed-fixtures.js';

const doc = fixtureDoc(import.meta.url, 'meta.json');

function bySection(entries: { section: string; value: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries) (out[e.section] ??= []).push(e.value);
  return out;
}

test('each key with a list of CIDRs is a section, each list under domains a section of hosts', () => {
  const result = parseGitHubMeta(doc);
  const core = ['192.30.252.0/22', '185.199.108.0/22', '140.82.112.0/20', '143.55.64.0/20'];
  const core6 = ['2a0a:a440::/29', '2606:50c0::/32'];
  assert.deepEqual(bySection(result.entries), {
    hooks: [...core, ...core6],
    web: [...core, '20.201.28.151', '20.205.243.166', ...core6],
    api: [...core, '20.201.28.148', ...core6],
    git: [...core, '20.201.28.151', ...core6],
    github_enterprise_importer: ['192.30.252.0/22', '185.199.108.0/22', '40.71.233.224/28', '2a0a:a440::/29'],
    packages: ['140.82.121.33', '140.82.121.34'],
    pages: ['192.30.252.153', '192.30.252.154', '185.199.108.153', '185.199.109.153', '2606:50c0:8000::153'],
    importer: ['52.23.85.212', '52.0.228.224'],
    actions: ['4.148.0.0/16', '13.64.0.0/16', '2603:1030::/40'],
    actions_macos: ['13.105.49.0/24'],
    codespaces: ['20.42.11.16/28', '4.155.92.0/23'],
    copilot: ['138.91.182.224/27', '2603:1030:c02:8::/64'],
    'domains.website': ['*.github.com', '*.github.dev', '*.github.io', '*.githubassets.com', '*.githubusercontent.com'],
    'domains.codespaces': ['*.github.com', '*.api.github.com', '*.vscode-cdn.net'],
    'domains.copilot': ['*.githubcopilot.com'],
    'domains.packages': ['ghcr.io', '*.pkg.github.com'],
    'domains.actions': [
      '*.actions.githubusercontent.com',
      'codeload.github.com',
      'productionresultssa0.blob.core.windows.net',
    ],
    'domains.actions_inbound.full_domains': ['github.com', 'api.github.com', 'codeload.github.com'],
    'domains.actions_inbound.wildcard_domains': ['*.githubusercontent.com', '*.ghcr.io'],
    'domains.artifact_attestations.services': [
      '*.actions.githubusercontent.com',
      'tuf-repo.github.com',
      'fulcio.githubapp.com',
      'timestamp.githubapp.com',
    ],
  });
  // No warning: ssh keys, fingerprints, the password flag, the empty dependabot list and the
  // empty trust_domain are no endpoints and are not read.
  assert.deepEqual(result.warnings, []);
  assert.equal(result.serial, undefined);
  for (const entry of result.entries) {
    assert.equal(entry.kind, entry.section.startsWith('domains.') ? 'fqdn' : 'ip', entry.value);
    assert.equal(entry.region, null);
  }
  const next = lineFinder(doc.text);
  for (const entry of result.entries) {
    const written = /^[\d.]+$/.test(entry.value)
      ? `${entry.value}/32`
      : /:.*::153$/.test(entry.value)
        ? `${entry.value}/128`
        : entry.value;
    assert.equal(entry.provenance.line, next(`"${written}"`), `${entry.section} ${entry.value}`);
  }
});

test("the lists GitHub's traffic comes from are sources; the rest destinations", () => {
  const roles = new Map(parseGitHubMeta(doc).entries.map((e) => [e.section, e.role]));
  for (const section of ['hooks', 'actions', 'actions_macos', 'importer', 'github_enterprise_importer'])
    assert.equal(roles.get(section), 'source', section);
  for (const section of ['web', 'api', 'git', 'packages', 'pages', 'codespaces', 'copilot', 'domains.website'])
    assert.equal(roles.get(section), 'destination', section);
});

test('the shape: one list of addresses, one of hosts, the keys read', () => {
  const { shape } = parseGitHubMeta(doc);
  assert.equal(shape.tables, 2);
  assert.equal(shape.rows, 20);
  assert.deepEqual(shape.columns, [
    [
      'hooks',
      'web',
      'api',
      'git',
      'github_enterprise_importer',
      'packages',
      'pages',
      'importer',
      'actions',
      'actions_macos',
      'codespaces',
      'copilot',
      'domains',
    ],
  ]);
});

test('the minified answer is the same catalog, every value on line 1', () => {
  const minified = textDoc(JSON.stringify(JSON.parse(doc.text)));
  const result = parseGitHubMeta(minified);
  assert.deepEqual(
    withoutProvenance(buildCatalog('gh', result)),
    withoutProvenance(buildCatalog('gh', parseGitHubMeta(doc))),
  );
  assert.ok(result.entries.every((e) => e.provenance.line === 1));
});

test('a new key with CIDRs is read; one with no endpoint, or an unknown object, is a warning', () => {
  const result = parseGitHubMeta(
    textDoc(
      JSON.stringify({
        verifiable_password_authentication: false,
        hooks: ['192.30.252.0/22'],
        models: ['20.20.20.0/24', 'not a cidr'],
        notices: ['see the changelog'],
        limits: { rate: 5000 },
      }),
    ),
  );
  assert.deepEqual(bySection(result.entries), { hooks: ['192.30.252.0/22'], models: ['20.20.20.0/24'] });
  assert.deepEqual(result.warnings, [
    'line 1: models models: "not a cidr" is not an IP address, CIDR or host name',
    'notices: 1 value(s) and not one endpoint; not read',
    'limits: an object this parser does not know; not read',
  ]);
});

test('a known list of the wrong type is a ParseError naming its path; no endpoint at all is held', () => {
  assertParseError(
    () => parseGitHubMeta(textDoc('{"verifiable_password_authentication": false, "hooks": "192.30.252.0/22"}')),
    /not GitHub's meta API answer .*: hooks: Invalid input: expected array, received string/,
  );
  assertParseError(
    () => parseGitHubMeta(textDoc('{"hooks": ["192.30.252.0/22", 7]}')),
    /hooks\[1\]: Invalid input: expected string, received number/,
  );
  assert.throws(
    () => parseGitHubMeta(textDoc('{"verifiable_password_authentication": true, "hooks": [], "web": []}')),
    EmptyDocumentError,
  );
});

test('detected by its keys, and by `format: github-meta`', () => {
  assert.equal(parsers.get('github-meta'), gitHubMetaParser);
  for (const contentType of ['application/json; charset=utf-8', null])
    assert.equal(selectParser({ ...doc, contentType }).id, 'github-meta');
  // GitHub Enterprise Server's answer may lack the password flag; two of the lists will do.
  assert.equal(
    selectParser(textDoc('{"hooks": ["10.0.0.1/32"], "web": ["10.0.0.2/32"], "installed_version": "3.14.0"}')).id,
    'github-meta',
  );
});

test('a webhook range added is one source change in hooks', () => {
  const before = buildCatalog('gh', parseGitHubMeta(doc));
  const text = doc.text.replace('"hooks": [\n', '"hooks": [\n    "4.208.26.196/32",\n');
  const changes = diffCatalogs(before, buildCatalog('gh', parseGitHubMeta(textDoc(text)))).changes;
  assert.deepEqual(
    changes.map((c) => [c.type, c.section, c.value, c.entry?.role]),
    [['added', 'hooks', '4.208.26.196', 'source']],
  );
});
