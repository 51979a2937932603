/**
 * The document's own words beside a real change: versions 174 -> 175 of the Defender for Cloud
 * Apps page add one US Gov Arizona address to the "Access controls" row. The commit body,
 * `history --patch` and `diff --text` must show that row and the sentence above its table. Read from ../shared at run
 * time; skipped, visibly, when it is absent.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { runCli } from './helpers/cli-run.js';

const CORPUS = fileURLToPath(new URL('../../shared/corpus/cas-network-requirements/', import.meta.url));
const skip = !existsSync(CORPUS) && 'shared corpus absent';
const ADDED = '52.126.54.254';
const SENTENCE = 'For **US Government GCC High** customers:';

let dir: string;
let v174: string;
let v175: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: process.env });

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'ew-text-'));
  const names = await readdir(CORPUS);
  v174 = join(CORPUS, names.find((n) => n.startsWith('174_'))!);
  v175 = join(CORPUS, names.find((n) => n.startsWith('175_'))!);
  await writeFile(
    join(dir, 'endpoint-watch.yaml'),
    'snapshotDir: ./snapshots\nsources:\n  - id: cas\n    url: ./page.md\nnotifiers:\n  - type: console\n',
  );
  for (const version of [v174, v175]) {
    await copyFile(version, join(dir, 'page.md'));
    const run = await cli('run');
    assert.equal(run.code, 0, run.stderr);
  }
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function assertShowsRowAndSentence(text: string): void {
  const lines = text.split('\n').map((l) => l.trim());
  const added = lines.filter((l) => l.startsWith('+'));
  assert.ok(
    added.some((l) => l.includes(ADDED)),
    `no added line with ${ADDED}:\n${text}`,
  );
  assert.ok(
    lines.some((l) => l.startsWith('-') && l.includes('Access controls')),
    `the row as it was is missing:\n${text}`,
  );
  assert.ok(lines.includes(SENTENCE), `the sentence above the table is missing:\n${text}`);
  assert.match(text, /@@ .*### US Government offerings/);
}

test('history --patch shows the changed row and the sentence above its table', { skip, timeout: 120_000 }, async () => {
  const history = await cli('history', '--patch');
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, new RegExp(`IP added: ${ADDED.replaceAll('.', '\\.')}`));
  assertShowsRowAndSentence(history.stdout);

  const json = await cli('history', '--patch', '--json');
  const items = (JSON.parse(json.stdout) as { history: Array<{ baseline: boolean; patch?: string }> }).history;
  assert.equal(items.length, 2);
  assert.equal(items.find((i) => i.baseline)?.patch, undefined, 'a baseline has no patch');
  assertShowsRowAndSentence(items.find((i) => !i.baseline)?.patch ?? '');
});

test('the commit body carries the same text, indented', { skip, timeout: 60_000 }, () => {
  const body = execFileSync('git', ['log', '-1', '--format=%b'], { cwd: join(dir, 'snapshots'), encoding: 'utf8' });
  assert.match(body, /Document text around the changes:/);
  const text = body.slice(body.indexOf('Document text around the changes:'));
  assertShowsRowAndSentence(text.replace(/^ {4}/gm, ''));
});

test('diff --text on the two documents shows the same; catalogs keep no text', { skip, timeout: 60_000 }, async () => {
  const diff = await cli('diff', '--text', v174, v175);
  assert.equal(diff.code, 0, diff.stderr);
  assertShowsRowAndSentence(diff.stdout);

  const catalog = join(dir, 'snapshots', 'cas', 'catalog.json');
  const refused = await cli('diff', '--text', catalog, v175);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--text needs two documents/);
});
