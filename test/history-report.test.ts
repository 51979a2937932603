/**
 * `report --out DIR` and `serve`'s `/`: the history page of a snapshot repository built by three
 * dated runs. The CLI part always runs; the page itself is checked in a real headless browser
 * (Debian's chromium through playwright-core): opened from file:// and over loopback from
 * `serve`, no console error, no page error, no request leaving the page's own origin, search
 * finds an added IP, an IP inside a listed CIDR and a host under a listed pattern, and a
 * screenshot is written. Skipped, visibly, when /usr/bin/chromium is absent.
 * EW_KEEP_TEST_DIR=1 keeps the temporary folder (and its screenshots) to look at.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { runCli } from './helpers/cli-run.js';
import { startServe } from './helpers/serve-run.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const noBrowser = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install chromium)`;

/** A heading that tries markup, a right-to-left override and a terminal colour escape. */
const HOSTILE_HEADING = 'Portal <script>alert(1)</script> \u202eaccess \u001b[31mred';

function page(eu: string[], us: string[]): string {
  return [
    `## ${HOSTILE_HEADING}`,
    '',
    'Allow port 443 to:',
    '',
    '| Data center | Addresses |',
    '|----|----|',
    `|EU1 data center|${eu.join('<br/>')}|`,
    `|US1 data center|${us.join('<br/>')}|`,
    '',
  ].join('\n');
}

const VERSIONS: Array<[string, string[], string[]]> = [
  ['2023-11-01T09:00:00Z', ['13.80.125.22', '13.80.125.23', '20.71.0.0/16'], ['mcas.example.net']],
  ['2023-11-26T09:00:00Z', ['13.80.125.22', '13.95.30.47', '20.71.0.0/16'], ['mcas.example.net']],
  [
    '2024-03-10T09:00:00Z',
    ['13.80.125.22', '13.95.30.47', '20.71.0.0/16', '40.74.1.1', '40.74.1.2', '2603:1000::/25'],
    ['mcas.example.net', '*.proxy.example.com'],
  ],
];

let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { ...process.env, ENDPOINT_WATCH_NOW: '' } });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ew-report-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    'snapshotDir: ./snapshots\nsources:\n  - id: portal\n    url: ./page.md\n    schedule: "0 0 1 1 *"\n',
  );
});

after(async () => {
  if (process.env.EW_KEEP_TEST_DIR) console.log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
});

test('report before the first run: a usage error naming the fix, nothing written', { timeout: 60_000 }, async () => {
  const result = await cli('report', '--out', 'site');
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /no snapshot history in .*snapshots yet: run `endpoint-watch run` first/);
  assert.equal(existsSync(join(dir, 'site')), false);
});

test('report --help names --out and says the page is self-contained', { timeout: 30_000 }, async () => {
  const help = await cli('report', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--out <dir>/);
  assert.match(help.stdout, /no CDN/);
  const missing = await cli('report');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--out <dir>/);
});

test('three dated runs, then report --out writes one self-contained, escaped page', { timeout: 120_000 }, async () => {
  for (const [now, eu, us] of VERSIONS) {
    await writeFile(join(dir, 'page.md'), page(eu, us));
    const run = await runCli(['run'], { cwd: dir, env: { ...process.env, ENDPOINT_WATCH_NOW: now } });
    assert.equal(run.code, 0, run.stderr);
  }
  const result = await cli('report', '--out', 'site', '--json');
  assert.equal(result.code, 0, result.stderr);
  const written = JSON.parse(result.stdout) as {
    files: Array<{ path: string; bytes: number }>;
    sources: Array<{ source: string; commits: number; changes: number; entries: number }>;
  };
  assert.deepEqual(written.files, [{ path: join(dir, 'site', 'index.html'), bytes: written.files[0]!.bytes }]);
  // v2: +13.95.30.47 -13.80.125.23; v3: +40.74.1.1 +40.74.1.2 +2603:1000::/25 +*.proxy.example.com.
  assert.equal(written.sources.length, 1);
  assert.equal(written.sources[0]!.source, 'portal');
  assert.equal(written.sources[0]!.commits, 3);
  assert.equal(written.sources[0]!.entries, 8);
  assert.ok(written.sources[0]!.changes >= 4, result.stdout);

  const html = await readFile(join(dir, 'site', 'index.html'), 'utf8');
  assert.equal(Buffer.byteLength(html), written.files[0]!.bytes);
  assert.doesNotMatch(html, /<script>alert/, 'document text is escaped');
  assert.match(html, /Portal &lt;script&gt;alert\(1\)&lt;\/script&gt; &lt;U\+202E&gt;access &lt;U\+001B&gt;\[31mred/);
  assert.ok(!html.includes('\u202e') && !html.includes('\u001b'), 'no bidi override or escape character survives');
  assert.equal((html.match(/<script/g) ?? []).length, 2, 'only the data block and the search script');
  assert.doesNotMatch(html, /\b(?:src|href)="(?!#|data:)/, 'nothing is loaded from anywhere');
  assert.match(html, /<svg class="plot"/);
  assert.match(html, /IP added: 13\.95\.30\.47/);

  // Written again over the old page; another file in the folder stays.
  await writeFile(join(dir, 'site', 'keep.txt'), 'mine');
  const again = await cli('report', '--out', 'site');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /wrote .*index\.html \(\d+ bytes\)\n {2}portal: 3 commits, \d+ changes, 8 endpoints now/);
  assert.equal(await readFile(join(dir, 'site', 'keep.txt'), 'utf8'), 'mine');
});

test('report --out a file, or under one: a usage error, exit 2', { timeout: 60_000 }, async () => {
  await writeFile(join(dir, 'a-file'), 'x');
  const onFile = await cli('report', '--out', 'a-file');
  assert.equal(onFile.code, 2);
  assert.match(onFile.stderr, /--out .*a-file is a file, not a folder/);
  const under = await cli('report', '--out', 'a-file/site');
  assert.equal(under.code, 2);
  assert.match(under.stderr, /--out .*a-file\/site cannot be created: a folder on its path is a file/);
});

interface Watched {
  problems: string[];
  requests: string[];
}

/** Console errors, page errors and every request the page makes. */
function watch(page: Page): Watched {
  const watched: Watched = { problems: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      watched.problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (err) => watched.problems.push(`page error: ${err.message}`));
  page.on('request', (request) => watched.requests.push(request.url()));
  return watched;
}

/** What an element says (its text nodes; the page builds results as text). */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

async function searchFor(page: Page, query: string): Promise<string[]> {
  await page.fill('#q', query);
  await page.click('#search button');
  return page.locator('#results li').allTextContents();
}

async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

test('the page from file://: loads clean, search finds an added IP, a CIDR and a pattern; screenshot', {
  timeout: 180_000,
  skip: noBrowser,
}, async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const watched = watch(page);
  const url = pathToFileURL(join(dir, 'site', 'index.html')).href;
  await page.goto(url, { waitUntil: 'load' });

  assert.equal(await textOf(page.locator('h2').first()), 'portal');
  assert.equal(await page.locator('.commit').count(), 3);
  assert.equal(await page.locator('svg.plot circle').count(), 3);
  assert.match(await textOf(page.locator('.commit').first()), /2024-03-10/, 'newest first');
  assert.match(await textOf(page.locator('main')), /Portal <script>alert\(1\)<\/script> <U\+202E>access/);

  const added = await searchFor(page, '13.95.30.47');
  const change = added.find((line) => /IP added/.test(line));
  assert.ok(change, `a change line for the added IP: ${added.join(' | ')}`);
  assert.match(change, /^portal 2023-11-26 action .*EU1.*IP added: 13\.95\.30\.47/);
  assert.ok(
    added.some((line) => /^portal listed now 13\.95\.30\.47 EU1/.test(line)),
    added.join(' | '),
  );
  assert.match(await textOf(page.locator('#search-status')), /^1 listed now, 1 change line\.$/);

  // The result links to its commit in the timeline, which is then the target.
  await page.locator('#results li', { hasText: 'IP added' }).getByRole('link').click();
  assert.match(await textOf(page.locator('.commit:target')), /2023-11-26/);

  const removed = await searchFor(page, '13.80.125.23');
  assert.equal(removed.length, 1, removed.join(' | '));
  assert.match(removed[0]!, /^portal 2023-11-26 cleanup .*IP removed: 13\.80\.125\.23/);

  const inside = await searchFor(page, '20.71.200.9');
  assert.deepEqual(
    inside.map((line) => line.split(' ').slice(0, 4).join(' ')),
    ['portal listed now 20.71.0.0/16'],
  );
  const inside6 = await searchFor(page, '2603:1000:4::1');
  assert.equal(inside6.length, 2, inside6.join(' | '));
  assert.match(inside6[0]!, /^portal listed now 2603:1000::\/25 EU1/);
  assert.match(inside6[1]!, /^portal 2024-03-10 action EU1 .*CIDR added: 2603:1000::\/25/);
  const host = await searchFor(page, 'eu.proxy.example.com');
  assert.ok(
    host.some((line) => line.startsWith('portal listed now *.proxy.example.com')),
    host.join(' | '),
  );
  assert.ok(
    host.some((line) => /^portal 2024-03-10 action .*proxy\.example\.com/.test(line)),
    host.join(' | '),
  );
  assert.deepEqual(await searchFor(page, '10.1.2.3'), []);
  assert.match(await textOf(page.locator('#search-status')), /^Nothing listed now or in any change matches/);

  // A link may carry the search: index.html#q=VALUE opens with its results.
  await page.goto(`${url}#q=13.80.125.23`);
  await page.reload({ waitUntil: 'load' });
  assert.match(await textOf(page.locator('#search-status')), /^0 listed now, 1 change line\.$/);

  await searchFor(page, '13.95.30.47');
  const shot = join(dir, 'history-file.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = await readFile(shot);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  assert.ok((await stat(shot)).size > 20_000, `a real page, not a blank one (${png.length} bytes)`);
  t.diagnostic(`screenshot: ${shot}`);

  assert.deepEqual(watched.problems, []);
  assert.deepEqual(
    watched.requests.filter((r) => !r.startsWith('file://')),
    [],
    'no request but file://',
  );
});

test('serve answers the same page at / and /history; it loads clean over loopback', {
  timeout: 180_000,
}, async (t) => {
  const serve = await startServe(dir, []);
  t.after(async () => {
    await serve.stop();
  });
  const root = await fetch(`${serve.url}/`);
  assert.equal(root.status, 200);
  assert.equal(root.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(root.headers.get('content-security-policy') ?? '', /^default-src 'none'; script-src 'sha256-/);
  const withoutBuildTime = (text: string) => text.replace(/<p class="meta">.*<\/p>/, '');
  const served = withoutBuildTime(await root.text());
  const written = withoutBuildTime(await readFile(join(dir, 'site', 'index.html'), 'utf8'));
  assert.equal(served, written, '/ is what report --out wrote');
  assert.equal(withoutBuildTime(await (await fetch(`${serve.url}/history`)).text()), served);
  const head = await fetch(`${serve.url}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  assert.equal((await fetch(`${serve.url}/`, { method: 'POST' })).status, 405);

  if (noBrowser) {
    t.skip(noBrowser);
    return;
  }
  const browser = await launch();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const watched = watch(page);
  await page.goto(`${serve.url}/`, { waitUntil: 'load' });
  const found = await searchFor(page, '13.95.30.47');
  assert.ok(
    found.some((line) => /^portal 2023-11-26 action .*IP added: 13\.95\.30\.47/.test(line)),
    found.join(' | '),
  );
  await page.screenshot({ path: join(dir, 'history-serve.png') });
  assert.ok((await stat(join(dir, 'history-serve.png'))).size > 20_000);
  assert.deepEqual(watched.problems, []);
  assert.deepEqual(
    watched.requests.filter((r) => !r.startsWith(`${serve.url}/`)),
    [],
    'no request but to serve itself',
  );
});
