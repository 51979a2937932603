/**
 * Parser health end to end, played at chosen dates (ENDPOINT_WATCH_NOW): a layout change holds
 * nothing and is said once; a lost table's removals are withheld, announced once, confirmed
 * after confirmAfter or at once with --accept; a page with no endpoint waits for a person; a
 * withheld alert survives a crash between its outbox entry and the withheld state; an old
 * catalog.json serialization is rewritten once with no alert.
 * Real peers: a loopback documentation server, a loopback Slack stand-in, a real git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStoredCatalog, serializeCatalog } from '../catalog/canonical.js';
import type { Catalog } from '../catalog/model.js';
import { notifiersYaml, runCli, snapshotSubjects } from './helpers/cli-run.js';
import { startDocServer, reply, type DocServer } from './helpers/doc-server.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2024-05-01T10:00:00Z');
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

interface PageOptions {
  header?: [string, string];
  portal?: string[];
  gateway?: boolean;
  /** No table at all: what a broken generation of the page looks like. */
  empty?: boolean;
}

/** A network-requirements page of three tables (our own prose). */
function page(options: PageOptions = {}): string {
  if (options.empty) return '# Network requirements\n\nThis page is being updated.\n';
  const [region, addresses] = options.header ?? ['Data center', 'IP addresses'];
  const table = (rows: Array<[string, string[]]>) => [
    `| ${region} | ${addresses} |`,
    '|---|---|',
    ...rows.map(([dc, ips]) => `| ${dc} | ${ips.join('<br>')} |`),
    '',
  ];
  return [
    '# Network requirements',
    '',
    '## Portal access',
    '',
    'Allow outbound port 443 to these addresses.',
    '',
    ...table([
      ['US1', options.portal ?? ['13.91.91.243']],
      ['EU1', ['52.174.56.180']],
    ]),
    '## App connector',
    '',
    ...table([
      ['US1', ['104.209.35.177', '13.91.98.185', '40.118.211.172']],
      ['EU1', ['13.80.22.71', '13.95.29.177', '13.95.30.46']],
    ]),
    ...(options.gateway === false
      ? []
      : [
          '## Authentication gateway',
          '',
          ...table([
            ['US1', ['52.183.75.62']],
            ['EU1', ['13.80.125.22']],
          ]),
        ]),
  ].join('\n');
}

let docs: DocServer;
let slack: SlackStub;

before(async () => {
  docs = await startDocServer();
  slack = await startSlackStub();
});

after(async () => {
  await docs.close();
  await slack.close();
});

interface Project {
  dir: string;
  path: string;
  /** `endpoint-watch ARGS` at `now` (ENDPOINT_WATCH_NOW). */
  cli(now: string, ...args: string[]): ReturnType<typeof runCli>;
  commits(): string[];
  git(...args: string[]): string;
}

async function project(
  t: { after(fn: () => Promise<void>): void },
  name: string,
  extra: string[] = [],
): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), `ew-health-${name}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = `/${name}.md`;
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'confirmAfter: 48h',
      'sources:',
      '  - id: cas',
      `    url: ${docs.url(path)}`,
      '    retries: 0',
      ...extra,
      ...notifiersYaml({ slack: true }),
      '',
    ].join('\n'),
  );
  const snapshots = join(dir, 'snapshots');
  return {
    dir,
    path,
    cli: (now, ...args) =>
      runCli(args, { cwd: dir, env: { ...process.env, EW_SLACK: slack.url, ENDPOINT_WATCH_NOW: now } }),
    commits: () => snapshotSubjects(snapshots),
    git: (...args) => execFileSync('git', args, { cwd: snapshots, encoding: 'utf8' }),
  };
}

/** Slack posts delivered since `from`, as JSON text. */
function postsSince(from: number): string[] {
  return slack
    .delivered()
    .slice(from)
    .map((body) => JSON.stringify(body));
}

test('layout changes are said once and hold nothing; a lost table is withheld, announced once, confirmed after 48h', {
  timeout: 120_000,
}, async (t) => {
  const p = await project(t, 'layout');
  const posts = () => slack.delivered().length;
  const start = posts();

  await t.test('baseline, dated with ENDPOINT_WATCH_NOW', async () => {
    docs.set(p.path, reply.document(page()));
    const run = await p.cli(at(0), 'run');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(p.commits(), ['cas: baseline, now tracking 10 endpoints']);
    assert.equal(p.git('log', '-1', '--format=%aI %cI').trim(), '2024-05-01T10:00:00+00:00 2024-05-01T10:00:00+00:00');
    assert.equal(posts(), start + 1);
  });

  await t.test('a column renamed and nothing else: one commit naming it, no alert, nothing held', async () => {
    docs.set(p.path, reply.document(page({ header: ['Region', 'IP addresses'] })));
    const run = await p.cli(at(1), 'run', '--json');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout).results[0];
    assert.equal(result.status, 'changed');
    assert.deepEqual(result.layout, ['column Data center is now Region (3 tables)']);
    assert.deepEqual(result.changeSet.changes, []);
    assert.equal(result.withheld, undefined);
    assert.equal(p.commits()[0], 'cas: layout changed: column Data center is now Region (3 tables)');
    assert.equal(posts(), start + 1, 'a layout change alone is nothing to act on');
  });

  await t.test('the next version is compared with the new layout: a rename with an addition says it once', async () => {
    docs.set(
      p.path,
      reply.document(page({ header: ['Region', 'Addresses'], portal: ['13.91.91.243', '13.91.91.244'] })),
    );
    const run = await p.cli(at(2), 'run');
    assert.equal(run.code, 0, run.stderr);
    assert.match(p.commits()[0]!, /^cas: \+1 IP \(US1 Portal access 13\.91\.91\.244\)$/);
    const body = p.git('log', '-1', '--format=%b');
    assert.equal(body.match(/column IP addresses is now Addresses/g)?.length, 1, body);
    const [alert] = postsSince(start + 1);
    assert.match(alert!, /Layout changed: column IP addresses is now Addresses \(3 tables\)/);
    assert.match(alert!, /13\.91\.91\.244/);

    docs.set(
      p.path,
      reply.document(
        page({ header: ['Region', 'Addresses'], portal: ['13.91.91.243', '13.91.91.244', '13.91.91.245'] }),
      ),
    );
    const next = await p.cli(at(3), 'run', '--json');
    assert.equal(next.code, 0, next.stderr);
    assert.equal(JSON.parse(next.stdout).results[0].layout, undefined);
    assert.doesNotMatch(postsSince(start + 2).join('\n'), /Layout changed/);
    assert.doesNotMatch(p.git('log', '-1', '--format=%B'), /Layout/);
  });

  const portal = ['13.91.91.243', '13.91.91.244', '13.91.91.245'];
  const lost = { header: ['Region', 'Addresses'] as [string, string], portal, gateway: false };
  let announced = 0;

  await t.test('a lost table: its removals are withheld and announced once; the run exits 0', async () => {
    const commitsBefore = p.commits().length;
    announced = posts();
    docs.set(p.path, reply.document(page(lost)));
    const run = await p.cli(at(4), 'run', '--json');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout).results[0];
    assert.equal(result.status, 'withheld');
    assert.deepEqual(
      result.withheld.removals.map((r: { value: string; section: string; region: string; since: string }) => [
        r.value,
        r.section,
        r.region,
        r.since,
      ]),
      [
        ['13.80.125.22', 'Authentication gateway', 'EU1', at(4)],
        ['52.183.75.62', 'Authentication gateway', 'US1', at(4)],
      ],
    );
    assert.equal(result.withheld.confirmAt, at(52));
    assert.equal(result.withheld.needsPerson, false);
    assert.equal(result.withheld.announced, true);
    assert.equal(p.commits().length, commitsBefore, 'nothing else changed');
    const [alert, ...more] = postsSince(announced);
    assert.deepEqual(more, []);
    assert.match(alert!, /2 removals withheld/);
    assert.match(alert!, /section \\"Authentication gateway\\" is gone with 2 endpoints listed nowhere else/);
    assert.match(alert!, /US1 · Authentication gateway/);
    assert.match(alert!, /52\.183\.75\.62/);
    assert.match(alert!, /2024-05-03 14:00 UTC/);
    assert.match(alert!, /run --dry-run --source cas/);
    assert.match(alert!, /run --accept --source cas/);
  });

  await t.test('while withheld, an addition goes out at once; the withheld removals stay in the catalog', async () => {
    docs.set(p.path, reply.document(page({ ...lost, portal: [...portal, '13.91.91.246'] })));
    const run = await p.cli(at(5), 'run', '--json');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout).results[0];
    assert.equal(result.status, 'changed');
    assert.deepEqual(
      result.changeSet.changes.map((c: { type: string; value: string }) => `${c.type} ${c.value}`),
      ['added 13.91.91.246'],
    );
    assert.equal(result.withheld.announced, false);
    const [alert, ...more] = postsSince(announced + 1);
    assert.deepEqual(more, [], 'the withheld set is not announced again');
    assert.match(alert!, /IP added: `?13\.91\.91\.246/);
    assert.match(alert!, /Withheld: 2 more removals of this version/);
    const shown = JSON.parse((await p.cli(at(5), 'show', '--source', 'cas', '--json')).stdout) as Catalog;
    assert.ok(
      shown.entries.some((e) => e.value === '52.183.75.62'),
      'still listed while withheld',
    );
    assert.match(p.git('log', '-1', '--format=%B'), /Withheld: 2 removals that look like breakage/);
  });

  await t.test('a day later the page is the same: nothing is said, nothing committed', async () => {
    const commitsBefore = p.commits().length;
    const before = posts();
    const run = await p.cli(at(30), 'run');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /WITHHELD 2 removals .* confirmed at 2024-05-03T14:00:00\.000Z/);
    assert.equal(posts(), before);
    assert.equal(p.commits().length, commitsBefore);
  });

  await t.test('after confirmAfter the removals are committed and alerted, marked confirmed, dated then', async () => {
    const before = posts();
    const run = await p.cli(at(52), 'run', '--json');
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout).results[0];
    assert.equal(result.status, 'changed');
    assert.deepEqual(result.confirmed.map((r: { value: string }) => r.value).sort(), ['13.80.125.22', '52.183.75.62']);
    assert.equal(result.withheld, undefined);
    assert.match(p.commits()[0]!, /^cas: -2 IPs in Authentication gateway$/);
    assert.equal(p.git('log', '-1', '--format=%aI').trim(), '2024-05-03T14:00:00+00:00');
    assert.match(
      p.git('log', '-1', '--format=%b'),
      /IP removed: 52\.183\.75\.62 \(confirmed, withheld since 2024-05-01 14:00 UTC\)/,
    );
    const [alert, ...more] = postsSince(before);
    assert.deepEqual(more, []);
    assert.match(alert!, /-2 IPs in Authentication gateway/);
    assert.match(alert!, /Confirmed: 2 removals withheld earlier, now committed \(the page kept this state for 48h\)/);
    assert.deepEqual(
      await readdir(join(p.dir, 'snapshots', '.withheld')).then((n) => n.filter((f) => f.endsWith('.json'))),
      [],
    );

    const after = await p.cli(at(53), 'run');
    assert.equal(after.code, 0, after.stderr);
    assert.equal(posts(), before + 1);
    assert.match(after.stdout, /no endpoint change/);
  });

  await t.test('history reads the replayed dates', async () => {
    const history = JSON.parse((await p.cli(at(53), 'history', '--json')).stdout) as {
      history: Array<{ date: string }>;
    };
    assert.equal(history.history[0]!.date, '2024-05-03T14:00:00+00:00');
    assert.equal(history.history.at(-1)!.date, '2024-05-01T10:00:00+00:00');
  });
});

test('--accept commits withheld removals at once; a page with no endpoint waits for a person however long', {
  timeout: 120_000,
}, async (t) => {
  const p = await project(t, 'accept');
  docs.set(p.path, reply.document(page()));
  assert.equal((await p.cli(at(0), 'run')).code, 0);

  await t.test('a lost table, accepted right after its alert', async () => {
    docs.set(p.path, reply.document(page({ gateway: false })));
    const before = slack.delivered().length;
    assert.equal((await p.cli(at(1), 'run')).code, 0);
    assert.equal(slack.delivered().length, before + 1);
    const preview = await p.cli(at(1), 'run', '--dry-run', '--source', 'cas');
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /# cas: withheld, not in the changes above/);
    assert.match(preview.stdout, /US1 Authentication gateway: ip 52\.183\.75\.62/);
    const accepted = await p.cli(at(2), 'run', '--accept', '--source', 'cas', '--json');
    assert.equal(accepted.code, 0, accepted.stderr);
    const result = JSON.parse(accepted.stdout).results[0];
    assert.equal(result.status, 'changed');
    assert.equal(result.confirmed.length, 2);
    const [alert, ...more] = postsSince(before + 1);
    assert.deepEqual(more, []);
    assert.match(alert!, /accepted with endpoint-watch run --accept/);
    assert.match(p.commits()[0]!, /^cas: -2 IPs in Authentication gateway$/);
  });

  await t.test(
    'an empty page: withheld for a person, still so a month later, alerted once; --accept takes it',
    async () => {
      docs.set(p.path, reply.document(page({ empty: true })));
      const before = slack.delivered().length;
      const commitsBefore = p.commits().length;
      const first = await p.cli(at(3), 'run', '--json');
      assert.equal(first.code, 0, first.stderr);
      const result = JSON.parse(first.stdout).results[0];
      assert.equal(result.status, 'withheld');
      assert.equal(result.withheld.needsPerson, true);
      assert.equal(result.withheld.confirmAt, null);
      assert.equal(result.withheld.removals.length, 8);
      const month = await p.cli(at(3 + 24 * 30), 'run', '--json');
      assert.equal(month.code, 0, month.stderr);
      assert.equal(JSON.parse(month.stdout).results[0].status, 'withheld');
      assert.equal(slack.delivered().length, before + 1, 'announced once');
      assert.match(postsSince(before)[0]!, /until a person accepts them/);
      assert.equal(p.commits().length, commitsBefore);
      const accepted = await p.cli(at(4 + 24 * 30), 'run', '--accept', '--source', 'cas');
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.match(p.commits()[0]!, /^cas: -8 IPs in App connector, Portal access$/);
      assert.equal(slack.delivered().length, before + 2);
    },
  );
});

test('a withheld alert is neither lost nor repeated when the run dies between its outbox entry and the withheld state', {
  timeout: 120_000,
}, async (t) => {
  const p = await project(t, 'crash');
  docs.set(p.path, reply.document(page()));
  assert.equal((await p.cli(at(0), 'run')).code, 0);
  const before = slack.delivered().length;
  // Slack down: the withheld alert stays in the outbox.
  slack.respond({ status: 500 });
  docs.set(p.path, reply.document(page({ gateway: false })));
  const first = await p.cli(at(1), 'run');
  assert.equal(first.code, 1, 'not delivered');
  assert.equal(slack.delivered().length, before);
  // What a kill right after writing the outbox entry leaves: the entry, and no withheld state.
  await rm(join(p.dir, 'snapshots', '.withheld', 'cas.json'));
  const outbox = join(p.dir, 'snapshots', '.outbox');
  const [entryName] = (await readdir(outbox)).filter((n) => n.endsWith('.json'));
  assert.match(await readFile(join(outbox, entryName!), 'utf8'), /"type": "withheld"/);

  const second = await p.cli(at(2), 'run', '--json');
  assert.equal(second.code, 0, second.stderr);
  const result = JSON.parse(second.stdout).results[0];
  assert.equal(result.status, 'withheld');
  assert.equal(result.withheld.announced, false, 'the flushed alert already announced them');
  assert.equal(result.withheld.confirmAt, at(49), 'their first date survived with the outbox entry');
  assert.equal(slack.delivered().length, before + 1);
  assert.match(postsSince(before)[0]!, /2 removals withheld/);
  assert.equal((await p.cli(at(3), 'run')).code, 0);
  assert.equal(slack.delivered().length, before + 1, 'announced exactly once');
});

test('a catalog.json in an older serialization is rewritten once, in its own commit, with no alert', {
  timeout: 60_000,
}, async (t) => {
  const p = await project(t, 'rewrite');
  docs.set(p.path, reply.document(page(), { etag: '"v1"' }));
  assert.equal((await p.cli(at(0), 'run')).code, 0);
  const file = join(p.dir, 'snapshots', 'cas', 'catalog.json');
  const catalog = parseStoredCatalog(await readFile(file, 'utf8'));
  // The same catalog as an older endpoint-watch wrote it: pretty JSON, every field of an entry.
  await writeFile(file, `${JSON.stringify(catalog, null, 4)}\n`);
  p.git('commit', '-q', '-am', 'cas: written by an older endpoint-watch');
  const before = slack.delivered().length;

  const run = await p.cli(at(1), 'run');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /cas: catalog\.json rewritten in the current format/);
  assert.equal(p.commits()[0], 'cas: catalog.json rewritten in the current format');
  assert.equal(await readFile(file, 'utf8'), serializeCatalog(catalog));
  assert.deepEqual(p.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n'), ['cas/catalog.json']);
  assert.equal(slack.delivered().length, before);

  const again = await p.cli(at(2), 'run');
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /rewritten/);
  assert.equal(p.commits().length, 3);
  assert.equal(slack.delivered().length, before);
});

test('an ENDPOINT_WATCH_NOW that is not an ISO time is a usage error: nothing runs', { timeout: 30_000 }, async (t) => {
  const p = await project(t, 'badnow');
  docs.set(p.path, reply.document(page()));
  const run = await p.cli('yesterday', 'run');
  assert.equal(run.code, 2);
  assert.match(run.stderr, /ENDPOINT_WATCH_NOW="yesterday" is not an ISO 8601 time/);
  assert.deepEqual(p.commits(), []);
});

test('a pure relabel (US -> US1, EU -> EU1) commits once with its relabel lines and no alert; export follows it', {
  timeout: 120_000,
}, async (t) => {
  const p = await project(t, 'relabel');
  const old = page().replaceAll('| US1 |', '| US |').replaceAll('| EU1 |', '| EU |');
  docs.set(p.path, reply.document(old));
  assert.equal((await p.cli(at(0), 'run')).code, 0);
  const posts = slack.delivered().length;

  docs.set(p.path, reply.document(page()));
  const run = await p.cli(at(1), 'run', '--json');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(slack.delivered().length, posts, 'a relabel changes no address: no alert');
  const [subject] = p.commits();
  assert.match(subject!, /^cas: relabelled: region (?:EU is now EU1|US is now US1) .*\(\+1 more\)$/);
  const body = p.git('log', '-1', '--format=%b');
  assert.match(body, /Relabelled \(no endpoint changed\):/);
  assert.match(body, /- region EU is now EU1/);
  assert.match(body, /- region US is now US1/);

  const us1 = await p.cli(at(1), 'export', '--format', 'ipv4', '--region', 'US1');
  assert.equal(us1.code, 0, us1.stderr);
  assert.match(us1.stdout, /^13\.91\.91\.243\/32$/m);
  assert.doesNotMatch(us1.stdout, /52\.174\.56\.180/, 'EU1 is not US1');

  // Unchanged since: nothing more to commit.
  assert.equal((await p.cli(at(2), 'run')).code, 0);
  assert.equal(p.commits().length, 2);
});

test("a withheld removal's alert shows the page's text that vanished; the commit body shows the text around a change", {
  timeout: 120_000,
}, async (t) => {
  const p = await project(t, 'context');
  docs.set(p.path, reply.document(page()));
  assert.equal((await p.cli(at(0), 'run')).code, 0);
  const from = slack.delivered().length;

  // The whole "Authentication gateway" section goes, its addresses listed nowhere else: withheld.
  docs.set(p.path, reply.document(page({ gateway: false, portal: ['13.91.91.243', '13.91.91.244'] })));
  const run = await p.cli(at(1), 'run');
  assert.equal(run.code, 0, run.stderr);
  const posts = postsSince(from);
  const withheld = posts.find((post) => post.includes('withheld'));
  assert.ok(withheld, `no withheld alert in ${posts.length} post(s)`);
  const alert = JSON.parse(withheld) as { blocks: Array<{ text?: { text: string } }> };
  const excerpt = alert.blocks
    .map((b) => b.text?.text ?? '')
    .find((text) => text.includes("The page's text around it"));
  assert.ok(excerpt, 'the withheld alert has no excerpt of the page');
  assert.match(excerpt, /^-## Authentication gateway$/m);
  assert.match(excerpt, /^-\| US1 \| 52\.183\.75\.62 \|$/m);

  // The committed part of that version (one portal address added) carries the page's words.
  const body = p.git('log', '-1', '--format=%b');
  assert.match(body, /Document text around the changes:/);
  assert.match(body, /^ {4}\+\| US1 \| 13\.91\.91\.243<br>13\.91\.91\.244 \|$/m);
  assert.match(body, /^ {4} Allow outbound port 443 to these addresses\.$/m);
});
