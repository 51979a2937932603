/**
 * Backfill on the real history: a temporary documentation repository is built from every CAS
 * corpus version with its original date, then backfilled. Each version whose IPs changed (per
 * the corpus's own versions.tsv, counted independently of our parser) must have its own dated
 * snapshot commit linking the upstream commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { main } from '../cli/main.js';
import { StringSink } from '../cli/io.js';

const corpus = new URL('../../shared/corpus/cas-network-requirements/', import.meta.url).pathname;
const DOC_PATH = 'CloudAppSecurityDocs/network-requirements.md';

interface Version {
  index: string;
  date: string;
  sha: string;
  commitDate: string;
  ipChange: boolean;
}

function versions(): Version[] {
  const [header, ...rows] = readFileSync(join(corpus, 'versions.tsv'), 'utf8').trim().split('\n');
  const cols = header!.split('\t');
  const at = (row: string[], name: string) => row[cols.indexOf(name)] ?? '';
  return rows.map((line) => {
    const row = line.split('\t');
    return {
      index: at(row, 'index'),
      date: at(row, 'date'),
      sha: at(row, 'sha'),
      commitDate: at(row, 'commit_date'),
      ipChange: Number(at(row, 'plus_ips')) > 0 || Number(at(row, 'minus_ips')) > 0,
    };
  });
}

test('backfill of all CAS versions builds a dated history linked to upstream commits', {
  skip: !existsSync(corpus) && 'shared corpus absent',
}, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ew-backfill-'));
  try {
    const upstream = join(dir, 'docs');
    await mkdir(join(upstream, 'CloudAppSecurityDocs'), { recursive: true });
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'docs',
      GIT_AUTHOR_EMAIL: 'docs@example.com',
      GIT_COMMITTER_NAME: 'docs',
      GIT_COMMITTER_EMAIL: 'docs@example.com',
    };
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: upstream, env });
    const list = versions();
    const files = new Map(
      execFileSync('ls', [corpus], { encoding: 'utf8' })
        .split('\n')
        .filter((n) => /^\d{3}_.*\.md$/.test(n))
        .map((n) => [n.slice(0, 3), n]),
    );
    const upstreamCommitOf = new Map<string, string>();
    for (const version of list) {
      await writeFile(join(upstream, DOC_PATH), readFileSync(join(corpus, files.get(version.index)!)));
      execFileSync('git', ['add', '-A'], { cwd: upstream, env });
      // --allow-empty: two corpus versions can be identical once a revert is undone.
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', `version ${version.index} (${version.sha})`], {
        cwd: upstream,
        env: { ...env, GIT_AUTHOR_DATE: version.commitDate, GIT_COMMITTER_DATE: version.commitDate },
      });
      upstreamCommitOf.set(
        version.index,
        execFileSync('git', ['rev-parse', 'HEAD'], { cwd: upstream, encoding: 'utf8' }).trim(),
      );
    }

    await writeFile(
      join(dir, 'endpoint-watch.yaml'),
      `snapshotDir: ./history\nsources:\n  - id: cas\n    url: https://docs.example/${DOC_PATH}\n`,
    );
    const stdout = new StringSink();
    const stderr = new StringSink();
    const code = await main(['backfill', '--source', 'cas', '--git-dir', 'docs', '--path', DOC_PATH, '--json'], {
      stdout,
      stderr,
      env: {},
      cwd: dir,
    });
    assert.equal(code, 0, stderr.toString());
    const result = JSON.parse(stdout.toString()) as { versions: number; commits: number; skipped: unknown[] };
    assert.equal(result.versions, list.length);
    assert.deepEqual(result.skipped, [], 'every real version has endpoints');
    t.diagnostic(
      `${result.versions} upstream versions -> ${result.commits} snapshot commits (${list.filter((v) => v.ipChange).length} versions changed IPs per versions.tsv)`,
    );

    const log = execFileSync(
      'git',
      ['log', '--reverse', '--format=%aI%x1f%s%x1f%(trailers:key=Upstream-Commit,valueonly)%x1e'],
      { cwd: join(dir, 'history'), encoding: 'utf8' },
    )
      .split('\x1e')
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => {
        const [date = '', subject = '', upstreamCommit = ''] = r.split('\x1f');
        return { date, subject, upstreamCommit: upstreamCommit.trim() };
      });
    assert.equal(log.length, result.commits);
    assert.match(log[0]!.subject, /^cas: baseline, now tracking 11 endpoints \[upstream /);
    const byUpstream = new Map(log.map((c) => [c.upstreamCommit, c]));
    for (const version of list) {
      if (!version.ipChange) continue;
      const commit = byUpstream.get(upstreamCommitOf.get(version.index)!);
      assert.ok(commit, `version ${version.index} (${version.date}) changed IPs and has a snapshot commit`);
      assert.equal(Date.parse(commit.date), Date.parse(version.commitDate), `version ${version.index} keeps its date`);
    }
    // Dates only move forward in upstream order, and every snapshot commit names an upstream one.
    const known = new Set(upstreamCommitOf.values());
    for (const commit of log) assert.ok(known.has(commit.upstreamCommit), commit.subject);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
