/**
 * The team's git remote as the shared state of every runner.
 *
 * Two things live there: the snapshot branch (`git.branch`, the history people review) and the
 * branch `endpoint-watch-state`, which holds what a runner must hand to the next one:
 *
 *   outbox/<id>.json       alerts not yet delivered to every notifier (store/outbox.ts)
 *   withheld/<source>.json withheld removals (store/withheld.ts)
 *   lease.json             which runner is at work, until when
 *
 * The working copies stay where the Outbox and WithheldStore classes read and write them
 * (`<snapshotDir>/.outbox/`, `.withheld/`); this module moves them to and from state commits.
 * Every push is a plain fast-forward push of both branches at once (`--atomic`): the remote
 * refuses it when another runner pushed first, and that refusal is the guard between machines.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EndpointWatchError, StoreError } from '../errors/index.js';
import type { GitRepo } from './git.js';

export const STATE_BRANCH = 'endpoint-watch-state';
/** Where fetched branches of the remote are kept in the local repository. */
const TRACKING = 'refs/endpoint-watch/remote';
/** The state commit this repository last pushed or took from the remote: the base of a merge. */
const SYNCED = 'refs/endpoint-watch/synced-state';

/** The remote refused a push because it moved on: fetch, recompute, try again. */
export class PushRejectedError extends EndpointWatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PUSH_REJECTED', message, options);
    this.name = 'PushRejectedError';
  }
}

export interface Lease {
  host: string;
  pid: number;
  token: string;
  /** ISO time after which another runner may take over. */
  until: string;
}

/** Files of the state, by path inside the state tree (`outbox/x.json`). */
export type StateFiles = Map<string, string>;

export interface StateFolders {
  outbox: string;
  withheld: string;
}

/** The state files in the local folders (the working copies the stores use). */
export async function readLocalState(folders: StateFolders): Promise<StateFiles> {
  const files: StateFiles = new Map();
  for (const [prefix, dir] of Object.entries(folders)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json')).sort())
      files.set(`${prefix}/${name}`, await readFile(join(dir, name), 'utf8'));
  }
  return files;
}

/** Makes the local folders hold exactly `files` (each file written atomically). */
export async function writeLocalState(folders: StateFolders, files: StateFiles): Promise<void> {
  const current = await readLocalState(folders);
  for (const [path, text] of files) {
    if (current.get(path) === text) continue;
    const [prefix, name] = path.split('/') as [keyof StateFolders, string];
    const dir = folders[prefix];
    if (!dir) continue;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.gitignore'), '*\n');
    const tmp = join(dir, `${name}.tmp-${process.pid}`);
    await writeFile(tmp, text);
    await rename(tmp, join(dir, name));
  }
  for (const path of current.keys()) {
    if (files.has(path)) continue;
    const [prefix, name] = path.split('/') as [keyof StateFolders, string];
    await rm(join(folders[prefix], name), { force: true });
  }
}

interface PendingEntry {
  pending?: string[];
  errors?: Record<string, string>;
}

/**
 * The state after a fetch, from the last synced state (`base`), ours (`local`) and the remote's.
 * Deliveries win: an alert crossed off on either side stays crossed off (pending sets
 * intersect; an entry gone on either side is gone). An entry only we have was never pushed,
 * so never delivered (runners push before they alert): it is dropped, and its change, whose
 * commit was never pushed either, is found again. Withheld state is the remote's: a withheld
 * set announced here but never pushed is announced again rather than never.
 */
export function mergeState(base: StateFiles, local: StateFiles, remote: StateFiles): StateFiles {
  const merged: StateFiles = new Map();
  for (const [path, theirs] of remote) {
    if (!path.startsWith('outbox/')) {
      merged.set(path, theirs);
      continue;
    }
    const ours = local.get(path);
    if (base.has(path) && ours === undefined) continue; // delivered here
    if (ours === undefined || ours === theirs) {
      merged.set(path, theirs);
      continue;
    }
    const a = JSON.parse(theirs) as PendingEntry & Record<string, unknown>;
    const b = JSON.parse(ours) as PendingEntry;
    const pending = (a.pending ?? []).filter((id) => (b.pending ?? []).includes(id));
    if (pending.length === 0) continue;
    merged.set(path, `${JSON.stringify({ ...a, pending, errors: { ...a.errors, ...b.errors } }, null, 2)}\n`);
  }
  return merged;
}

export interface RemoteOptions {
  remote: string;
  branch: string;
}

/** The git side of the shared state: fetch, reset, state commits, the atomic push. */
export class RemoteState {
  constructor(
    readonly repo: GitRepo,
    readonly options: RemoteOptions,
  ) {}

  private get trackedBranch(): string {
    return `${TRACKING}/${this.options.branch}`;
  }

  private get trackedState(): string {
    return `${TRACKING}/${STATE_BRANCH}`;
  }

  private async commitOf(ref: string): Promise<string | null> {
    const out = await this.repo.tryGit(['rev-parse', '--verify', '-q', `${ref}^{commit}`]);
    return out ? out.stdout.trim() : null;
  }

  /** Fetches both branches (either may not exist yet); returns their commits. */
  async fetch(): Promise<{ branch: string | null; state: string | null }> {
    const { remote, branch } = this.options;
    await this.repo
      .git([
        'fetch',
        '-q',
        '--prune',
        '--no-tags',
        remote,
        `+refs/heads/${branch}:${this.trackedBranch}`,
        `+refs/heads/${STATE_BRANCH}:${this.trackedState}`,
      ])
      .catch(async (err: unknown) => {
        // A remote without one of the branches (a new, empty history repository) is no error.
        const heads = await this.repo.git(['ls-remote', '--heads', remote]).catch(() => null);
        if (heads === null) throw err;
        for (const name of [branch, STATE_BRANCH]) {
          if (!heads.stdout.includes(`refs/heads/${name}\n`)) {
            await this.repo.tryGit(['update-ref', '-d', `${TRACKING}/${name}`]);
            continue;
          }
          await this.repo.git(['fetch', '-q', '--no-tags', remote, `+refs/heads/${name}:${TRACKING}/${name}`]);
        }
      });
    return { branch: await this.commitOf(this.trackedBranch), state: await this.commitOf(this.trackedState) };
  }

  /**
   * Puts the snapshot branch where the remote has it: local snapshot commits that were never
   * pushed are dropped (their alerts were never sent; the next run finds the change again). A
   * remote without the branch keeps the local history, pushed with the next push.
   */
  async resetBranch(remoteBranch: string | null): Promise<void> {
    if (!remoteBranch) return;
    const head = await this.commitOf('HEAD');
    if (head === remoteBranch) return;
    await this.repo.git(['checkout', '-q', '-f', '-B', this.options.branch, remoteBranch]);
  }

  async readState(commit: string | null): Promise<{ files: StateFiles; lease: Lease | null }> {
    const files: StateFiles = new Map();
    let lease: Lease | null = null;
    if (!commit) return { files, lease };
    const names = await this.repo.git(['ls-tree', '-r', '--name-only', commit]);
    for (const path of names.stdout.split('\n').filter(Boolean)) {
      const text = (await this.repo.git(['cat-file', 'blob', `${commit}:${path}`])).stdout;
      if (path === 'lease.json') lease = JSON.parse(text) as Lease;
      else files.set(path, text);
    }
    return { files, lease };
  }

  async syncedState(): Promise<StateFiles> {
    const base = await this.commitOf(SYNCED);
    return (await this.readState(base)).files;
  }

  private async mktree(entries: Array<{ mode: string; type: string; sha: string; name: string }>): Promise<string> {
    const input = entries.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.name}\n`).join('');
    return (await this.repo.git(['mktree'], undefined, input)).stdout.trim();
  }

  private async blob(text: string): Promise<string> {
    return (await this.repo.git(['hash-object', '-w', '--stdin'], undefined, text)).stdout.trim();
  }

  /** A state commit holding `files` and `lease`, on top of `parent`. */
  async stateCommit(files: StateFiles, lease: Lease | null, parent: string | null, message: string): Promise<string> {
    const folders = new Map<string, Array<{ mode: string; type: string; sha: string; name: string }>>();
    for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      const [folder, name] = path.split('/') as [string, string];
      const list = folders.get(folder) ?? [];
      list.push({ mode: '100644', type: 'blob', sha: await this.blob(text), name });
      folders.set(folder, list);
    }
    const root: Array<{ mode: string; type: string; sha: string; name: string }> = [];
    if (lease)
      root.push({
        mode: '100644',
        type: 'blob',
        sha: await this.blob(`${JSON.stringify(lease)}\n`),
        name: 'lease.json',
      });
    for (const [folder, list] of folders)
      root.push({ mode: '040000', type: 'tree', sha: await this.mktree(list), name: folder });
    const tree = await this.mktree(root);
    const identity = await this.repo.commitIdentity();
    const args = [...identity, 'commit-tree', tree, ...(parent ? ['-p', parent] : [])];
    return (await this.repo.git(args, undefined, message)).stdout.trim();
  }

  /**
   * Pushes HEAD to the snapshot branch and `state` to the state branch, both or neither.
   * Throws PushRejectedError when the remote moved on since we fetched.
   */
  async push(state: string): Promise<void> {
    const { remote, branch } = this.options;
    const hasHead = (await this.commitOf('HEAD')) !== null;
    const refspecs = [...(hasHead ? [`HEAD:refs/heads/${branch}`] : []), `${state}:refs/heads/${STATE_BRANCH}`];
    try {
      await this.repo.git(['push', '-q', '--atomic', remote, ...refspecs]);
    } catch (err) {
      // Refused because the remote moved on since our fetch, or failed for another reason?
      const now = await this.repo.git(['ls-remote', '--heads', remote]).catch(() => null);
      const at = (name: string) =>
        now?.stdout
          .split('\n')
          .find((l) => l.endsWith(`\trefs/heads/${name}`))
          ?.split('\t')[0] ?? null;
      const moved =
        now !== null &&
        (at(branch) !== (await this.commitOf(this.trackedBranch)) ||
          at(STATE_BRANCH) !== (await this.commitOf(this.trackedState)));
      if (moved)
        throw new PushRejectedError(`the push to ${remote} was rejected: another runner pushed first`, { cause: err });
      throw new StoreError(`cannot push to ${remote}: ${(err as Error).message}`, { cause: err });
    }
    await this.repo.git(['update-ref', SYNCED, state]);
    await this.repo.git(['update-ref', this.trackedState, state]);
    if (hasHead) await this.repo.git(['update-ref', this.trackedBranch, 'HEAD']);
  }

  /** Records `state` (taken from the remote) as the base of the next merge. */
  async markSynced(state: string | null): Promise<void> {
    if (state) await this.repo.git(['update-ref', SYNCED, state]);
    else await this.repo.tryGit(['update-ref', '-d', SYNCED]);
  }
}

export function newLease(token: string, ms: number, now = Date.now()): Lease {
  return { host: hostname(), pid: process.pid, token, until: new Date(now + ms).toISOString() };
}
