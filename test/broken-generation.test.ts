/**
 * The Microsoft 365 formats published empty: the URLs page with only its generator comments
 * (the real case: it was up for a day without a single table) and the web service answering an
 * empty endpoint-set array. Each is the same document gone wrong, so its removals are withheld
 * for a person and announced once, never committed or alerted as a mass removal. A
 * foreign page (an HTML error page served with 200) is a failed fetch instead: no alert at all.
 * Real peers: a loopback documentation server, a loopback Slack stand-in and a real git.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notifiersYaml, runCli, snapshotSubjects } from './helpers/cli-run.js';
import { startDocServer, reply, type DocServer } from './helpers/doc-server.js';
import { startSlackStub, type SlackStub } from './helpers/slack-stub.js';

const fixture = (path: string) => readFile(new URL(`../parsers/${path}`, import.meta.url), 'utf8');

let docs: DocServer;
let slack: SlackStub;
let dir: string;

const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { ...process.env, EW_SLACK: slack.url } });
const commits = () => snapshotSubjects(join(dir, 'snapshots'));

const slackTexts = () => slack.delivered().map((body) => JSON.stringify(body));

before(async () => {
  docs = await startDocServer();
  slack = await startSlackStub();
  dir = await mkdtemp(join(tmpdir(), 'ew-broken-'));
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    [
      'snapshotDir: ./snapshots',
      'sources:',
      '  - id: m365-page',
      `    url: ${docs.url('/urls-and-ip-ranges.md')}`,
      '    retries: 0',
      '  - id: m365-service',
      `    url: ${docs.url('/endpoints/worldwide')}`,
      '    retries: 0',
      ...notifiersYaml({ slack: true }),
      '',
    ].join('\n'),
  );
});

after(async () => {
  await docs.close();
  await slack.close();
  await rm(dir, { recursive: true, force: true });
});

const cases = [
  {
    source: 'm365-page',
    path: '/urls-and-ip-ranges.md',
    good: () => fixture('m365-urls/__fixtures__/urls-and-ip-ranges.md'),
    // What was really published: front matter and the generator comments, no table.
    empty:
      '---\ntitle: Microsoft 365 URLs and IP address ranges\n---\n\n<!--Worldwide endpoints version 2020080700-->\n<!--File generated 2020-08-08 08:00:04.0720-->\n',
    contentType: 'text/markdown; charset=utf-8',
    format: 'm365-urls',
  },
  {
    source: 'm365-service',
    path: '/endpoints/worldwide',
    good: () => fixture('m365-json/__fixtures__/worldwide.json'),
    empty: '[]\n',
    contentType: 'application/json; charset=utf-8',
    format: 'm365-json',
  },
];

test('an empty generation of a Microsoft 365 format is withheld and announced once; an error page is a failure', {
  timeout: 120_000,
}, async (t) => {
  for (const c of cases) {
    await t.test(`${c.source}: baseline`, { timeout: 120_000 }, async () => {
      docs.set(c.path, reply.document(await c.good(), { contentType: c.contentType }));
      const run = await cli('run', '--source', c.source, '--json');
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.equal(report.results[0].status, 'baseline');
      assert.ok(report.results[0].entryCount > 10);
    });
  }
  const baseline = { commits: commits().length, slack: slack.delivered().length };
  assert.equal(baseline.commits, 2);

  for (const c of cases) {
    await t.test(
      `${c.source}: published empty, its removals are withheld for a person and nothing is committed`,
      { timeout: 120_000 },
      async () => {
        const before = slack.delivered().length;
        docs.set(c.path, reply.document(c.empty, { contentType: c.contentType }));
        const run = await cli('run', '--source', c.source, '--json');
        assert.equal(run.code, 0, run.stderr);
        const result = JSON.parse(run.stdout).results[0];
        assert.equal(result.status, 'withheld', run.stdout);
        assert.equal(result.withheld.needsPerson, true);
        assert.equal(result.withheld.announced, true);
        assert.ok(result.withheld.removals.length > 10);
        assert.ok(
          result.withheld.reasons.some((p: string) => /the page lists no endpoint any more/.test(p)),
          result.withheld.reasons.join('; '),
        );
        assert.equal(slack.delivered().length, before + 1);
        assert.match(slackTexts().at(-1)!, /withheld/);
        assert.match(slackTexts().at(-1)!, /until a person accepts them/);
        assert.doesNotMatch(slackTexts().at(-1)!, /removed/);
        assert.equal(commits().length, baseline.commits);
        // Still empty at the next run, days later: still withheld, not announced again.
        const again = await runCli(['run', '--source', c.source], {
          cwd: dir,
          env: { ...process.env, EW_SLACK: slack.url, ENDPOINT_WATCH_NOW: '2099-01-01T00:00:00Z' },
        });
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /WITHHELD/);
        assert.match(again.stdout, /waiting for a person/);
        assert.equal(slack.delivered().length, before + 1);
        assert.equal(commits().length, baseline.commits);
      },
    );

    await t.test(
      `${c.source}: an HTML error page with status 200 fails the source, with no alert and no commit`,
      { timeout: 120_000 },
      async () => {
        const before = slack.delivered().length;
        docs.set(c.path, reply.errorPage());
        const run = await cli('run', '--source', c.source, '--json');
        assert.equal(run.code, 1);
        const result = JSON.parse(run.stdout).results[0];
        assert.equal(result.status, 'failed', run.stdout);
        assert.equal(result.error.code, 'PARSE');
        assert.equal(slack.delivered().length, before);
        assert.equal(commits().length, baseline.commits);
      },
    );

    await t.test(`${c.source}: back as it was, nothing to say`, { timeout: 120_000 }, async () => {
      const before = slack.delivered().length;
      docs.set(c.path, reply.document(await c.good(), { contentType: c.contentType }));
      const run = await cli('run', '--source', c.source, '--json');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout).results[0].status, 'unchanged');
      assert.equal(slack.delivered().length, before);
      assert.equal(commits().length, baseline.commits);
    });
  }

  await t.test(
    'an empty generation of a source never seen before is a clear failure, not a baseline',
    { timeout: 120_000 },
    async () => {
      const before = slack.delivered().length;
      docs.set('/new.md', reply.document(cases[0]!.empty));
      const config = join(dir, 'new.yaml');
      await writeFile(
        config,
        [
          'snapshotDir: ./snapshots',
          'sources:',
          '  - id: new-page',
          `    url: ${docs.url('/new.md')}`,
          '    retries: 0',
          '',
        ].join('\n'),
      );
      const run = await cli('run', '--config', config, '--json');
      assert.equal(run.code, 1);
      const result = JSON.parse(run.stdout).results[0];
      assert.equal(result.status, 'failed');
      assert.match(result.error.message, /no endpoint-set table/);
      assert.equal(slack.delivered().length, before);
      assert.equal(commits().length, baseline.commits);
    },
  );
});
