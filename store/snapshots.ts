/**
 * Snapshots: one folder per source under the snapshot directory, committed to git.
 *
 *   <snapshotDir>/<source>/catalog.json   canonical catalog (stable order, one entry per line)
 *   <snapshotDir>/<source>/document.<ext> the raw document as fetched
 *   <snapshotDir>/<source>/meta.json      where and how it was fetched (ETag, format, hash)
 *
 * The committed state (HEAD), not the working tree, is "the last snapshot": a run that died
 * between writing files and committing leaves nothing that a later run would mistake for a
 * good state.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Catalog } from '../catalog/model.js';
import { isOutdatedCatalogText, parseStoredCatalog, serializeCatalogBytes } from '../catalog/canonical.js';
import { StoreError, UsageError } from '../errors/index.js';
import { GitRepo } from './git.js';

export interface SnapshotMeta {
  source: string;
  location: string;
  format: string;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** sha256 of the raw document bytes. */
  documentSha256: string;
  /** File name of the raw document inside the source folder. */
  documentFile: string;
}

export interface StoredSnapshot {
  catalog: Catalog;
  /** sha256 of catalog.json exactly as committed (its text is not kept: 100 MB at 500k entries). */
  catalogSha256: string;
  /** catalog.json is in an older serialization than serializeCatalog writes (read from its first line). */
  catalogOutdated: boolean;
  meta: SnapshotMeta | null;
  commit: string;
}

export interface SnapshotCommit {
  commit: string;
  /** ISO 8601 author date. */
  date: string;
  subject: string;
  body: string;
}

/**
 * Milliseconds for a date bound a person typed: "2024-05-01" means that whole day (UTC), from
 * its start for `since` and to its end for `until`; a full ISO time is taken as it is.
 */
export function parseDateBound(text: string, bound: 'start' | 'end'): number {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const value = Date.parse(dayOnly ? `${text}T${bound === 'start' ? '00:00:00.000' : '23:59:59.999'}Z` : text);
  if (!Number.isFinite(value)) throw new UsageError(`"${text}" is not a date: use YYYY-MM-DD or an ISO 8601 time`);
  return value;
}

/** A date as git's GIT_AUTHOR_DATE / GIT_COMMITTER_DATE read it exactly: seconds since the epoch, UTC. */
export function gitDate(date: Date): string {
  return `@${Math.floor(date.getTime() / 1000)} +0000`;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** File extension for the stored raw document, so `git log -p` shows it with the right highlighting. */
export function documentExtension(contentType: string | null, location: string): string {
  if (contentType?.includes('json')) return 'json';
  if (contentType?.includes('html')) return 'html';
  if (contentType?.includes('markdown')) return 'md';
  const fromPath = /\.(md|markdown|html?|json|txt)$/i.exec(location.split(/[?#]/)[0] ?? '');
  if (fromPath?.[1]) return fromPath[1].toLowerCase() === 'markdown' ? 'md' : fromPath[1].toLowerCase();
  return 'txt';
}

async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export class SnapshotStore {
  private constructor(
    readonly repo: GitRepo,
    /** Absolute snapshot directory. */
    readonly dir: string,
  ) {}

  static async open(snapshotDir: string): Promise<SnapshotStore> {
    const dir = resolve(snapshotDir);
    const repo = await GitRepo.open(dir);
    return new SnapshotStore(repo, dir);
  }

  /**
   * The store for reading only (history, show, lookup, export): null when `snapshotDir` does not
   * exist or is not in a git work tree yet, instead of creating it and a repository.
   */
  static async find(snapshotDir: string): Promise<SnapshotStore | null> {
    const dir = resolve(snapshotDir);
    const repo = await GitRepo.find(dir);
    return repo ? new SnapshotStore(repo, dir) : null;
  }

  /** Path of a file of `source`, relative to the git root (what git commands take). */
  repoPath(source: string, file: string): string {
    return relative(this.repo.root, join(this.dir, source, file))
      .split('\\')
      .join('/');
  }

  sourceDir(source: string): string {
    return join(this.dir, source);
  }

  private async readJsonAt<T>(rev: string, source: string, file: string): Promise<T | null> {
    const text = await this.repo.show(rev, this.repoPath(source, file));
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new StoreError(`${this.repoPath(source, file)} at ${rev} is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** The last committed snapshot of `source`, or null before its baseline. */
  async latest(source: string): Promise<StoredSnapshot | null> {
    return this.at(source, 'HEAD');
  }

  /** The snapshot of `source` as committed at `rev`, or null when it did not exist then. */
  async at(source: string, rev: string): Promise<StoredSnapshot | null> {
    if (!(await this.repo.hasCommits())) return null;
    const resolved = await this.repo.tryGit(['rev-parse', '--verify', '-q', `${rev}^{commit}`]);
    if (!resolved) return null;
    const commit = resolved.stdout.trim();
    const catalogText = await this.repo.show(commit, this.repoPath(source, 'catalog.json'));
    if (catalogText === null) return null;
    let catalog: Catalog;
    try {
      // Both the current form and older ones (pretty JSON with line numbers) are read.
      catalog = parseStoredCatalog(catalogText);
    } catch (err) {
      throw new StoreError(
        `${this.repoPath(source, 'catalog.json')} at ${rev} is not a readable catalog: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const catalogSha256 = sha256(catalogText);
    const catalogOutdated = isOutdatedCatalogText(catalogText);
    const meta = await this.readJsonAt<SnapshotMeta>(commit, source, 'meta.json');
    const last = await this.repo.git(['log', '-1', '--format=%H', commit, '--', this.repoPath(source, 'catalog.json')]);
    return { catalog, catalogSha256, catalogOutdated, meta, commit: last.stdout.trim() || commit };
  }

  /** The raw document of the last snapshot of `source` (as fetched), or null when there is none. */
  async latestDocument(source: string): Promise<Buffer | null> {
    const meta = await this.readJsonAt<SnapshotMeta>('HEAD', source, 'meta.json').catch(() => null);
    if (!meta) return null;
    return this.repo.showBytes('HEAD', this.repoPath(source, meta.documentFile));
  }

  /**
   * Commits `text` as the catalog.json of `source` and nothing else: the same catalog written
   * in the current serialization, so later change commits show only real changes.
   */
  async rewriteCatalog(source: string, text: string | Buffer, message: string, options: { date?: string } = {}) {
    const path = join(this.sourceDir(source), 'catalog.json');
    try {
      await writeAtomically(path, text);
    } catch (err) {
      throw new StoreError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
    }
    return this.repo.commitPaths([this.repoPath(source, 'catalog.json')], message, options);
  }

  /**
   * Writes and commits a new state of `source`. Returns the commit id, or null when the files
   * already hold exactly this state.
   */
  async commit(
    source: string,
    state: {
      catalog: Catalog;
      /** serializeCatalogBytes(catalog), when the caller has it already (it is long at feed scale). */
      catalogBytes?: Buffer;
      document: Buffer;
      meta: Omit<SnapshotMeta, 'documentSha256' | 'documentFile'>;
    },
    message: string,
    options: { date?: string } = {},
  ): Promise<string | null> {
    const folder = this.sourceDir(source);
    await mkdir(folder, { recursive: true });
    const ext = documentExtension(state.meta.contentType, state.meta.location);
    const documentFile = `document.${ext}`;
    const meta: SnapshotMeta = { ...state.meta, documentSha256: sha256(state.document), documentFile };
    const previousMeta = await this.readJsonAt<SnapshotMeta>('HEAD', source, 'meta.json').catch(() => null);
    try {
      await writeAtomically(join(folder, 'catalog.json'), state.catalogBytes ?? serializeCatalogBytes(state.catalog));
      await writeAtomically(join(folder, documentFile), state.document);
      await writeAtomically(join(folder, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    } catch (err) {
      throw new StoreError(`cannot write snapshot of ${source} in ${folder}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const paths = [
      this.repoPath(source, 'catalog.json'),
      this.repoPath(source, documentFile),
      this.repoPath(source, 'meta.json'),
    ];
    // Run state (lock, outbox, withheld removals) must never show up as history. The outbox and
    // withheld folders also ignore themselves, for repositories whose .gitignore predates them.
    const ignore = join(this.dir, '.gitignore');
    if (!(await readFile(ignore, 'utf8').catch(() => null))) {
      await writeFile(ignore, '.lock*\n.outbox/\n.withheld/\n*.tmp-*\n');
      paths.push(relative(this.repo.root, ignore).split('\\').join('/'));
    }
    // A document whose format changed (markdown -> html) must not leave the old file behind.
    if (previousMeta && previousMeta.documentFile !== documentFile) {
      await this.repo.tryGit([
        'rm',
        '-q',
        '--cached',
        '--ignore-unmatch',
        '--',
        this.repoPath(source, previousMeta.documentFile),
      ]);
      paths.push(this.repoPath(source, previousMeta.documentFile));
    }
    return this.repo.commitPaths(paths, message, options);
  }

  /**
   * Commits touching `source` (newest first), optionally from/until a date. Dates are compared
   * here rather than by git's approxidate, which reads some inputs (far-future years) as "now".
   */
  async log(source: string, options: { since?: string; until?: string } = {}): Promise<SnapshotCommit[]> {
    if (!(await this.repo.hasCommits())) return [];
    const out = await this.repo.git([
      'log',
      '--format=%H%x1f%aI%x1f%s%x1f%b%x1e',
      '--',
      this.repoPath(source, 'catalog.json'),
    ]);
    const since = options.since ? parseDateBound(options.since, 'start') : null;
    const until = options.until ? parseDateBound(options.until, 'end') : null;
    return out.stdout
      .split('\x1e')
      .map((record) => record.replace(/^\n/, ''))
      .filter((record) => record.trim())
      .map((record) => {
        const [commit = '', date = '', subject = '', body = ''] = record.split('\x1f');
        return { commit, date, subject, body: body.trim() };
      })
      .filter(
        (c) => (since === null || Date.parse(c.date) >= since) && (until === null || Date.parse(c.date) <= until),
      );
  }

  /**
   * Resolves what a person typed for --at/--from/--to: a date ("2024-05-01", or an ISO time),
   * meaning the last snapshot commit of `source` at or before it; or a commit id / git revision.
   */
  async resolveRevision(source: string, what: string): Promise<string | null> {
    if (/^\d{4}-\d{2}-\d{2}/.test(what)) {
      const [last] = await this.log(source, { until: what });
      return last?.commit ?? null;
    }
    const asRev = await this.repo.tryGit(['rev-parse', '--verify', '-q', `${what}^{commit}`]);
    return asRev ? asRev.stdout.trim() : null;
  }

  /** Source ids with a committed snapshot. */
  async sources(): Promise<string[]> {
    if (!(await this.repo.hasCommits())) return [];
    const prefix = relative(this.repo.root, this.dir).split('\\').join('/');
    const out = await this.repo
      .git(['ls-tree', '-d', '--name-only', `HEAD:${prefix}`].filter(Boolean))
      .catch(() => null);
    if (!out) return [];
    const ids: string[] = [];
    for (const id of out.stdout.split('\n').filter(Boolean)) {
      if (await this.repo.show('HEAD', this.repoPath(id, 'catalog.json'))) ids.push(id);
    }
    return ids;
  }
}
