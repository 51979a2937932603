/**
 * The diff over every consecutive pair of real versions (../shared/corpus), read by the
 * current parsers: no endpoint appears or vanishes without an added / removed (or re-shaped)
 * change naming it, and the versions that only relabel regions give no change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Catalog } from './model.js';
import type { ChangeSet } from './changes.js';
import { buildCatalog } from './canonical.js';
import { diffCatalogs } from './diff.js';
import { decodeDocument } from '../parsers/decode.js';
import { selectParser } from '../parsers/registry.js';

const CORPUS = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const CAS = 'cas-network-requirements';

function versions(folder: string): Array<{ name: string; catalog: Catalog }> {
  const dir = `${CORPUS}${folder}/`;
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.*\.md$/.test(f))
    .sort()
    .map((name) => {
      const text = decodeDocument(readFileSync(`${dir}${name}`));
      const doc = { location: name, text, contentType: 'text/markdown' };
      return { name, catalog: buildCatalog(folder, selectParser(doc).parse(doc)) };
    });
}

const skip = existsSync(`${CORPUS}${CAS}`) ? false : `corpus not found at ${CORPUS}`;

const pairs = new Map<string, ChangeSet>();
function pair(prefix: string): ChangeSet {
  const set = pairs.get(prefix);
  assert.ok(set, `no version pair ending in ${prefix}`);
  return set;
}
const values = (set: ChangeSet, type: string) =>
  set.changes
    .filter((c) => c.type === type)
    .map((c) => c.value)
    .sort();

test('every endpoint that appears or vanishes between two real versions is named by a change', { skip }, () => {
  let checked = 0;
  for (const folder of readdirSync(CORPUS).filter((d) => existsSync(`${CORPUS}${d}/versions.tsv`))) {
    const list = versions(folder);
    for (let i = 1; i < list.length; i += 1) {
      const before = list[i - 1]!.catalog;
      const after = list[i]!.catalog;
      const set = diffCatalogs(before, after);
      if (folder === CAS) pairs.set(list[i]!.name.slice(0, 3), set);
      const named = (type: 'added' | 'removed', value: string) =>
        set.changes.some(
          (c) =>
            (c.type === type && c.value === value) ||
            (c.type === 'reshaped' && (type === 'added' ? c.reshape?.after : c.reshape?.before)?.includes(value)),
        );
      const was = new Set(before.entries.map((e) => e.value));
      const is = new Set(after.entries.map((e) => e.value));
      for (const value of is) if (!was.has(value)) assert.ok(named('added', value), `${list[i]!.name}: ${value} added`);
      for (const value of was)
        if (!is.has(value)) assert.ok(named('removed', value), `${list[i]!.name}: ${value} removed`);
      checked += 1;
    }
  }
  assert.ok(checked >= 196, `${checked} version pairs`);
});

test('real relabels give no change of their own: US -> US1 (v056), US1 -> US (v024), a row label column (v121, v122)', {
  skip,
}, () => {
  // The relabel itself gives no change; v056 also added ocsp.digicert.com to the allow
  // instruction of two notes ("you need to allow http connections to ... on port 80").
  assert.deepEqual(
    pair('056').changes.map((c) => `${c.type} ${c.value} ${c.section}`),
    ['added ocsp.digicert.com Log collector', 'added ocsp.digicert.com SIEM agent connection'],
  );
  assert.ok((pair('056').relabels ?? []).some((r) => r.from.region === 'US' && r.to.region === 'US1'));
  // v024 renamed US1 back to US, and changed one host of the portal row with it.
  assert.deepEqual(values(pair('024'), 'added'), ['*.us.portal.cloudappsecurity.com']);
  assert.deepEqual(values(pair('024'), 'removed'), ['*.us1.portal.cloudappsecurity.com']);
  for (const version of ['121', '122']) {
    const set = pair(version);
    assert.equal(
      set.changes.filter((c) => c.severity !== 'info').length,
      0,
      `${version}: ${set.changes.length} changes`,
    );
  }
});

test('region labels added to the IP lists (v110): only the real additions and removals', { skip }, () => {
  const set = pair('110');
  assert.deepEqual(values(set, 'added'), ['20.42.128.102', '20.49.104.26', '20.50.64.15']);
  assert.deepEqual(values(set, 'removed'), ['13.69.228.51', '40.71.11.134']);
  assert.equal(set.summary.moved + set.summary.modified, 0);
});

test('IP blocks swapped between existing regions (v129) stay removals and additions', { skip }, () => {
  const set = pair('129');
  assert.equal(set.summary.added, set.summary.removed);
  assert.ok(set.summary.added >= 80, `${set.summary.added} added`);
  assert.deepEqual(set.relabels, []);
});
