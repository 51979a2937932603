/**
 * The few git operations the snapshot store needs, run through the real `git` binary so that
 * history is whatever `git log -p` shows a person.
 *
 * Arguments stay short and bounded (a command, a revision, a few paths): text of any size, such
 * as a commit message listing thousands of changes, goes through stdin, because Linux caps one
 * process argument at 128 KiB (`spawn E2BIG`).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { faultDuringChild } from '../app/fault-points.js';
import { visibleControls } from '../app/visible-text.js';
import { StoreError } from '../errors/index.js';

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** Fallback identity: snapshot commits must not fail on a machine with no git user configured. */
const FALLBACK_IDENTITY = { name: 'endpoint-watch', email: 'endpoint-watch@localhost' };

export class GitRepo {
  private identityArgs: string[] | null = null;

  private constructor(
    /** Top of the work tree the snapshots live in (may be a parent of the snapshot folder). */
    readonly root: string,
    /** Where git puts this work tree's index.lock, when asked along with the root (one process fewer). */
    private readonly indexLockPath: string | null = null,
  ) {}

  /** Opens the work tree that holds `dir`, running `git init` there when `dir` is in none. */
  static async open(dir: string): Promise<GitRepo> {
    await mkdir(dir, { recursive: true }).catch((err: unknown) => {
      throw new StoreError(`cannot create snapshot directory ${dir}: ${(err as Error).message}`, { cause: err });
    });
    // One git for the top and the index.lock path: every run starts here.
    const top = await runGit(dir, ['rev-parse', '--show-toplevel', '--git-path', 'index.lock']).catch(
      nullUnlessGitMissing,
    );
    const [root, lock] = top ? top.stdout.split('\n') : [];
    if (root && lock && !(await ignoredByEnclosingTree(dir, root)))
      return new GitRepo(root, resolvePath(dir, lock.trim()));
    await runGit(dir, ['init', '-q', '-b', 'main']);
    const created = await runGit(dir, ['rev-parse', '--show-toplevel']);
    return new GitRepo(created.stdout.trim());
  }

  /** The work tree that holds `dir`, or null when `dir` does not exist or is in none; creates nothing. */
  static async find(dir: string): Promise<GitRepo | null> {
    const isDir = await stat(dir)
      .then((info) => info.isDirectory())
      .catch(() => false);
    if (!isDir) {
      // No history yet, and none can be made without git: say which of the two it is.
      await runGit(process.cwd(), ['--version']).catch((err: unknown) => {
        throw err instanceof GitNotFoundError ? new GitNotFoundError(dir, { cause: err.cause }) : err;
      });
      return null;
    }
    const top = await runGit(dir, ['rev-parse', '--show-toplevel']).catch(nullUnlessGitMissing);
    if (!top || (await ignoredByEnclosingTree(dir))) return null;
    return new GitRepo(top.stdout.trim());
  }

  async git(args: string[], env?: Record<string, string>, input?: string): Promise<GitResult> {
    return runGit(this.root, args, { env, input });
  }

  /** Like git(), but returns null instead of throwing (for "does this exist" questions); git missing still throws. */
  async tryGit(args: string[]): Promise<GitResult | null> {
    return runGit(this.root, args).catch(nullUnlessGitMissing);
  }

  private async identity(): Promise<string[]> {
    if (this.identityArgs) return this.identityArgs;
    const email = await this.tryGit(['config', 'user.email']);
    const name = await this.tryGit(['config', 'user.name']);
    const args: string[] = [];
    if (!email?.stdout.trim()) args.push('-c', `user.email=${FALLBACK_IDENTITY.email}`);
    if (!name?.stdout.trim()) args.push('-c', `user.name=${FALLBACK_IDENTITY.name}`);
    this.identityArgs = args;
    return args;
  }

  /** `-c user.*` arguments for a commit on a machine with no git identity (plumbing commits too). */
  async commitIdentity(): Promise<string[]> {
    return this.identity();
  }

  /**
   * Commits exactly `paths` (relative to the root) with `message`; other staged or modified
   * files of a shared work tree are left alone. Returns the new commit id, or null when the
   * paths hold no change.
   */
  async commitPaths(paths: string[], message: string, options: { date?: string } = {}): Promise<string | null> {
    await this.git(['add', '--', ...paths]);
    const staged = await this.git(['diff', '--cached', '--name-only', '--', ...paths]);
    if (!staged.stdout.trim()) return null;
    const env: Record<string, string> = {};
    if (options.date) {
      env.GIT_AUTHOR_DATE = options.date;
      env.GIT_COMMITTER_DATE = options.date;
    }
    const identity = await this.identity();
    // `-F -`: the message is read from stdin, whatever its size.
    // The message quotes the document (headings, its text around a change): no terminal escape
    // or bidi control of it may reach `git log`.
    await this.git(
      [...identity, 'commit', '-q', '--no-verify', '-F', '-', '--', ...paths],
      env,
      visibleControls(message),
    );
    const head = await this.git(['rev-parse', 'HEAD']);
    return head.stdout.trim();
  }

  /**
   * The file at `rev` (a commit id or HEAD), or null when it does not exist there. Any other
   * failure (a corrupt object, git missing) is an error: read as "no file", it would make the
   * next run record a new baseline and never diff again.
   */
  async show(rev: string, path: string): Promise<string | null> {
    const bytes = await this.showBytes(rev, path);
    return bytes === null ? null : bytes.toString('utf8');
  }

  /** The bytes of the file at `rev`, or null when it does not exist there (documents need not be UTF-8). */
  async showBytes(rev: string, path: string): Promise<Buffer | null> {
    return readBlob(this.root, `${rev}:${path}`);
  }

  /**
   * Removes `.git/index.lock` when it is older than `minAgeMs`: called only under our snapshot
   * lock, when no other git of ours can be running in this repository, so such a file is left
   * by one we killed (a crash during `git commit`) and would block every later run. Returns its
   * path when it was removed. A younger one is left alone (a person's git may be at work).
   */
  async clearStaleIndexLock(minAgeMs = 5_000): Promise<string | null> {
    let path = this.indexLockPath;
    if (!path) {
      const where = await this.tryGit(['rev-parse', '--git-path', 'index.lock']);
      if (!where) return null;
      path = resolvePath(this.root, where.stdout.trim());
    }
    const info = await stat(path).catch(() => null);
    if (!info || Date.now() - info.mtimeMs < minAgeMs) return null;
    await rm(path, { force: true });
    return path;
  }

  /**
   * The checked-out commit when HEAD is detached (someone checked out an old snapshot to look
   * at it), with the branch to switch back to when it can be told (the reflog's last
   * "checkout: moving from <branch>", else `main` or the only branch); null on a branch.
   */
  async detachedHead(): Promise<{ commit: string; branch: string | null } | null> {
    if (await this.tryGit(['symbolic-ref', '-q', 'HEAD'])) return null;
    const commit = (await this.tryGit(['rev-parse', '--verify', '-q', 'HEAD']))?.stdout.trim();
    if (!commit) return null;
    const branches = ((await this.tryGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads']))?.stdout ?? '')
      .split('\n')
      .filter(Boolean);
    const moves = (await this.tryGit(['log', '-g', '-n', '200', '--format=%gs', 'HEAD']))?.stdout ?? '';
    const from = [...moves.matchAll(/^checkout: moving from (\S+) to /gm)]
      .map((m) => m[1]!)
      .find((name) => branches.includes(name));
    const branch = from ?? (branches.includes('main') ? 'main' : branches.length === 1 ? branches[0]! : null);
    return { commit, branch };
  }

  async hasCommits(): Promise<boolean> {
    return (await this.tryGit(['rev-parse', '--verify', '-q', 'HEAD'])) !== null;
  }
}

/**
 * True when `dir` sits in a work tree that ignores what would be written there (the shipped
 * `snapshots/` folder of the tool's own clone): such a folder gets a repository of its own
 * instead of committing into a tree that chose not to track it. A folder with its own `.git`
 * is the top of its tree and never counts as ignored.
 */
export async function ignoredByEnclosingTree(dir: string, knownTop?: string): Promise<boolean> {
  const top = knownTop ?? (await runGit(dir, ['rev-parse', '--show-toplevel']).catch(() => null))?.stdout.trim();
  if (!top) return false;
  const [here, root] = await Promise.all([realpath(dir), realpath(top)]);
  if (here === root) return false;
  // A path that does not exist yet is enough: check-ignore applies the patterns to it.
  const probe = await runGit(dir, ['check-ignore', '-q', '.endpoint-watch-probe/catalog.json']).then(
    () => true,
    () => false,
  );
  return probe;
}

interface RunOptions {
  env?: Record<string, string> | undefined;
  /** Written to the process's stdin, then stdin is closed. */
  input?: string | undefined;
}

/**
 * git's own words, shortened: its `fatal:` / `error:` lines first (they name the file, such as
 * a stuck `.git/index.lock`), then its last lines, at most three in all.
 */
export function gitErrorDetail(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const firm = lines.filter((l) => /^(fatal|error):/.test(l));
  return [...new Set([...firm, ...lines.slice(-3)])].slice(0, 3).join(' ');
}

/** git is not installed or not on PATH: said as such, never read as "no repository" or "no commit". */
export class GitNotFoundError extends StoreError {
  constructor(cwd: string, options?: { cause?: unknown }) {
    super(
      `git not found (not installed or not on PATH): endpoint-watch keeps its snapshot history in git (${cwd}); install git or fix PATH`,
      options,
    );
  }
}

/** For "does this exist" questions: any git failure means no, except git itself missing. */
function nullUnlessGitMissing(err: unknown): null {
  if (err instanceof GitNotFoundError) throw err;
  return null;
}

function gitError(cwd: string, args: string[], error: Error, stderr: string): StoreError {
  // spawn says ENOENT for a missing cwd too; that one is not git missing.
  if ((error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(cwd))
    return new GitNotFoundError(cwd, { cause: error });
  const detail = gitErrorDetail(stderr || error.message);
  const lockFile = /'([^']*index\.lock)'/.exec(stderr)?.[1];
  const hint = lockFile
    ? ` (${lockFile} is left by a git that was killed, or another git is running in ${cwd}; remove it when none is)`
    : '';
  return new StoreError(`git ${args[0] ?? ''} failed in ${cwd}: ${detail}${hint}`, { cause: error });
}

function gitEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env };
}

function runGit(cwd: string, args: string[], options: RunOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, maxBuffer: 256 * 1024 * 1024, env: gitEnv(options.env) },
      (error, stdout, stderr) => {
        if (error) {
          reject(gitError(cwd, args, error, stderr));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
    // A git that exits before reading all of stdin makes the write fail with EPIPE; the exit
    // status above is what reports the problem.
    child.stdin?.on('error', () => undefined);
    // The fault suite's kill during `git commit`: git waits for its message holding index.lock.
    if (args.includes('commit') && faultDuringChild('git-commit', child, join(cwd, '.git', 'index.lock'))) return;
    child.stdin?.end(options.input ?? '');
  });
}

/** What git says when the path or the revision is not there: the file does not exist, no failure. */
const NOT_THERE = /does not exist in '|exists on disk, but not in '|invalid object name|Not a valid object name/;

/**
 * `git cat-file blob REV:PATH`, read as it streams, with no size limit: a catalog of 490k
 * entries overflowed the 256 MB buffer of execFile, and that error read as "no snapshot".
 * Null only when git says the file or revision is not there.
 */
function readBlob(cwd: string, object: string): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const args = ['cat-file', 'blob', object];
    const child = spawn('git', args, { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => reject(gitError(cwd, args, error, '')));
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(errors).toString('utf8');
      if (code === 0) resolve(Buffer.concat(chunks));
      else if (code === 128 && NOT_THERE.test(stderr)) resolve(null);
      else reject(gitError(cwd, args, new Error(`exit ${code ?? signal}`), stderr));
    });
  });
}
