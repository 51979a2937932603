/**
 * Backfill: a team starts with years of history instead of an empty log. Every version of a
 * document in a local clone of the documentation repository is parsed in commit order, and each
 * version that changed endpoints becomes one snapshot commit carrying the upstream date and
 * commit id. No alert is sent: this is the past.
 */
import { redactLocation } from '../ingest/location.js';
import { execFile } from 'node:child_process';
import type { Writable } from 'node:stream';
import { diffCatalogs } from '../catalog/diff.js';
import type { Catalog } from '../catalog/model.js';
import { EndpointWatchError, StoreError, UsageError, errorMessage } from '../errors/index.js';
import type { SnapshotStore } from '../store/snapshots.js';
import { changeCommitMessage, baselineCommitMessage } from './commit-message.js';
import { assessChange } from './health.js';
import { parseDocument } from '../parsers/parse-document.js';
import { contentTypeForPath } from '../ingest/file.js';

export interface UpstreamVersion {
  commit: string;
  /** ISO 8601 author date. */
  date: string;
  subject: string;
  /** Path of the file at that commit (renames followed). */
  path: string;
}

function gitIn(dir: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: dir,
        maxBuffer: 512 * 1024 * 1024,
        encoding: encoding === 'buffer' ? 'buffer' : 'utf8',
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new UsageError(
              `git ${args[0]} in ${dir} failed: ${String(stderr || error.message)
                .trim()
                .split('\n')
                .pop()}`,
            ),
          );
          return;
        }
        resolve(stdout);
      },
    );
  });
}

/**
 * Versions of `path` oldest first. Mainline only by default (`--first-parent`): side-branch
 * drafts were never published, and a team's history should show what was.
 */
export async function upstreamVersions(
  gitDir: string,
  path: string,
  options: { allCommits?: boolean } = {},
): Promise<UpstreamVersion[]> {
  const args = ['log', '--follow', '--format=%x1e%H%x1f%aI%x1f%s', '--name-only', '--diff-filter=AMRC'];
  if (!options.allCommits) args.push('--first-parent');
  args.push('--', path);
  const out = (await gitIn(gitDir, args)) as string;
  const versions: UpstreamVersion[] = [];
  for (const record of out.split('\x1e').filter((r) => r.trim())) {
    const [header = '', ...rest] = record.split('\n');
    const [commit = '', date = '', subject = ''] = header.split('\x1f');
    const filePath =
      rest
        .map((l) => l.trim())
        .filter(Boolean)
        .pop() ?? path;
    versions.push({ commit, date, subject, path: filePath });
  }
  if (versions.length === 0) throw new UsageError(`no commit touches ${path} in ${gitDir}`);
  return versions.reverse();
}

export interface BackfillResult {
  versions: number;
  commits: number;
  skipped: Array<{ commit: string; reason: string }>;
  warnings: Array<{ commit: string; problems: string[] }>;
}

export async function backfill(
  store: SnapshotStore,
  source: { id: string; url: string; format?: string | null },
  gitDir: string,
  path: string,
  options: { allCommits?: boolean; log?: Writable } = {},
): Promise<BackfillResult> {
  const existing = await store.latest(source.id);
  if (existing) {
    throw new UsageError(
      `${source.id} already has snapshots in ${store.dir}; backfill writes history from the beginning, so run it into a fresh snapshot directory (or remove ${source.id}/ there)`,
    );
  }
  const versions = await upstreamVersions(gitDir, path, options);
  const result: BackfillResult = { versions: versions.length, commits: 0, skipped: [], warnings: [] };
  let previous: Catalog | null = null;
  for (const version of versions) {
    const body = (await gitIn(gitDir, ['show', `${version.commit}:${version.path}`], 'buffer')) as Buffer;
    const contentType = contentTypeForPath(version.path);
    let catalog: Catalog;
    try {
      catalog = parseDocument(
        source.id,
        {
          location: `${version.path}@${version.commit.slice(0, 12)}`,
          body,
          contentType,
          etag: null,
          lastModified: null,
        },
        source.format,
      );
    } catch (err) {
      if (!(err instanceof EndpointWatchError)) throw err;
      result.skipped.push({ commit: version.commit, reason: errorMessage(err) });
      options.log?.write(`skipped ${version.commit.slice(0, 10)} ${version.date}: ${errorMessage(err)}\n`);
      continue;
    }
    const trailers = {
      'Upstream-Commit': version.commit,
      'Upstream-Date': version.date,
      'Upstream-Path': version.path,
    };
    let message: string;
    if (previous) {
      const changeSet = diffCatalogs(previous, catalog);
      if (changeSet.changes.length === 0) continue;
      // What a live run would have withheld.
      const assessment = assessChange(previous, catalog, changeSet);
      const problems = assessment.withheld.length ? assessment.reasons : [];
      if (problems.length) {
        // The past is recorded as it was published; the warning tells a reader where to look.
        result.warnings.push({ commit: version.commit, problems });
        options.log?.write(`warning ${version.commit.slice(0, 10)} ${version.date}: ${problems.join('; ')}\n`);
      }
      const [subject, ...rest] = changeCommitMessage(changeSet, trailers).split('\n');
      message = [`${subject} [upstream ${version.commit.slice(0, 8)}]`, ...rest].join('\n');
    } else {
      const [subject, ...rest] = baselineCommitMessage(source.id, catalog.entries.length, trailers).split('\n');
      message = [`${subject} [upstream ${version.commit.slice(0, 8)}]`, ...rest].join('\n');
    }
    const commit = await store
      .commit(
        source.id,
        {
          catalog,
          document: body,
          meta: {
            source: source.id,
            location: redactLocation(source.url),
            format: catalog.format,
            contentType,
            etag: null,
            lastModified: null,
          },
        },
        message,
        { date: version.date },
      )
      .catch((err: unknown) => {
        throw new StoreError(`cannot record upstream ${version.commit}: ${errorMessage(err)}`, { cause: err });
      });
    if (commit) result.commits += 1;
    previous = catalog;
  }
  return result;
}
