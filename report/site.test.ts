import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildCatalog } from '../catalog/canonical.js';
import { diffCatalogs } from '../catalog/diff.js';
import { catalogEntry } from '../catalog/entry.js';
import type { Catalog } from '../catalog/model.js';
import type { SourceTimeline, TimelineItem } from './model.js';
import { countPlotSvg } from './plot.js';
import { CONTENT_SECURITY_POLICY, LINES_PER_COMMIT, renderHistorySite } from './site.js';
import { jsonForScript, visible } from './escape.js';

const HOSTILE = 'Portal </script><script>alert(1)</script> \u202eaccess \u001b[31m';

function catalogOf(values: string[], section = HOSTILE): Catalog {
  return buildCatalog('portal', {
    entries: values.map((value) =>
      catalogEntry({
        kind: value.includes('.') && /\d$/.test(value) ? 'ip' : 'fqdn',
        value,
        section,
        region: 'EU1',
        provenance: { line: 1 },
      }),
    ),
    shape: { format: 'markdown', tables: 1, rows: 1, columns: [['Addresses']], entriesPerSection: {} },
    warnings: [],
  });
}

function timeline(versions: Array<[string, string[]]>): SourceTimeline {
  const items: TimelineItem[] = [];
  let before: Catalog | null = null;
  for (const [i, [date, values]] of versions.entries()) {
    const now = catalogOf(values);
    const changeSet = before ? diffCatalogs(before, now) : null;
    items.unshift({
      commit: `${i}`.repeat(40),
      date,
      subject: `portal: version ${i} ${HOSTILE}`,
      baseline: before === null,
      entryCount: now.entries.length,
      summary: changeSet?.summary ?? { added: 0, removed: 0, modified: 0, moved: 0, reshaped: 0 },
      changes: changeSet?.changes ?? [],
    });
    before = now;
  }
  return { source: 'portal', items, entries: before?.entries ?? [] };
}

const at = { generatedAt: new Date('2024-05-01T10:00:00Z') };

/** The JSON block the search reads, parsed back. */
function dataOf(html: string): { sources: Array<{ id: string; entries: unknown[][]; changes: unknown[][] }> } {
  const block = /<script type="application\/json" id="ew-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(block, 'the data block is there');
  return JSON.parse(block[1]!);
}

test('document text is made visible and escaped in HTML and in the data block', () => {
  const html = renderHistorySite(
    [
      timeline([
        ['2023-11-01T09:00:00Z', ['13.80.125.22']],
        ['2023-11-26T09:00:00+01:00', ['13.80.125.22', '13.95.30.47']],
      ]),
    ],
    at,
  );
  assert.equal((html.match(/<script/g) ?? []).length, 2, 'the data block and the search script only');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'no document text closes a script');
  assert.ok(!html.includes('\u202e') && !html.includes('\u001b'));
  assert.match(
    html,
    /Portal &lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &lt;U\+202E&gt;access &lt;U\+001B&gt;\[31m/,
  );
  const data = dataOf(html);
  assert.equal(data.sources[0]!.id, 'portal');
  assert.deepEqual(data.sources[0]!.entries, [
    ['ip', '13.80.125.22', `EU1 · ${visible(HOSTILE)}`, ''],
    ['ip', '13.95.30.47', `EU1 · ${visible(HOSTILE)}`, ''],
  ]);
  const [change] = data.sources[0]!.changes;
  assert.deepEqual(change!.slice(0, 5), ['c-portal-111111111111', '2023-11-26', 'ip', 'action', ['13.95.30.47']]);
  assert.match(String(change![5]), /<\/script><script>alert\(1\)<\/script> <U\+202E>access .*IP added: 13\.95\.30\.47/);
  assert.match(html, /<time datetime="2023-11-26T09:00:00\+01:00">2023-11-26 08:00 UTC<\/time>/, 'times in UTC');
});

test('jsonForScript cannot end its block and parses back to the same value', () => {
  const value = { a: '</script><!-- & \u2028 \u2029 >' };
  const text = jsonForScript(value);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), value);
});

test('the Content-Security-Policy names the hashes of the inline script and style', () => {
  const html = renderHistorySite([timeline([['2023-11-01T09:00:00Z', ['13.80.125.22']]])], at);
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  assert.equal(
    CONTENT_SECURITY_POLICY,
    `default-src 'none'; script-src ${hash(script)}; style-src ${hash(style)}; base-uri 'none'; form-action 'none'`,
  );
  assert.ok(html.includes(`content="${CONTENT_SECURITY_POLICY}"`));
  assert.doesNotMatch(html, / style="/, 'no inline style attribute (the policy would block it)');
});

test('a commit lists at most LINES_PER_COMMIT lines and counts the rest; search data keeps all', () => {
  const many = Array.from({ length: LINES_PER_COMMIT + 7 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  const html = renderHistorySite(
    [
      timeline([
        ['2023-11-01T09:00:00Z', ['13.80.125.22']],
        ['2023-11-02T09:00:00Z', ['13.80.125.22', ...many]],
      ]),
    ],
    at,
  );
  assert.equal((html.match(/<li class="action">/g) ?? []).length, LINES_PER_COMMIT);
  assert.match(html, /… and 7 more: <code>endpoint-watch history --source portal<\/code>/);
  assert.match(html, /<details><summary>507 changes<\/summary>/, 'folded when long');
  assert.equal(dataOf(html).sources[0]!.changes.length, LINES_PER_COMMIT + 7);
});

test('no snapshot: the page says so and still carries an empty search', () => {
  const html = renderHistorySite([{ source: 'portal', items: [], entries: [] }], at);
  assert.match(html, /No snapshot yet/);
  assert.deepEqual(dataOf(html), { sources: [] });
});

test('the plot: a step line through one dot per commit, coloured by severity', () => {
  const t = timeline([
    ['2023-11-01T09:00:00Z', ['13.80.125.22']],
    ['2023-11-26T09:00:00Z', ['13.80.125.22', '13.95.30.47']],
    ['2024-01-10T09:00:00Z', ['13.95.30.47']],
  ]);
  const svg = countPlotSvg('portal', t.items);
  assert.deepEqual(
    [...svg.matchAll(/<circle class="dot (\w+)"/g)].map((m) => m[1]),
    ['baseline', 'action', 'cleanup'],
    'oldest first, whatever order the items come in',
  );
  assert.match(svg, /<path class="line" d="M64 144 H\d+(?:\.\d)? V12 H704 V144"\/>/);
  assert.match(svg, /<title>2023-11-26: 2 endpoints \(1 action\)<\/title>/);
  assert.match(svg, />2023-11-01<\/text>/);
  assert.match(svg, />2024-01-10<\/text>/);
  assert.equal(countPlotSvg('portal', []), '');
  assert.match(
    countPlotSvg('portal', t.items.slice(0, 1)),
    /<circle class="dot cleanup" cx="384"/,
    'one commit: centred',
  );
});
