/**
 * The steps of a run that keep the snapshot repository in step with the team's git remote
 * (config `git:`), around the pipeline's own steps (pipeline/run.ts):
 *
 *   begin   clear a stale `.git/index.lock`; fetch; take the remote lease (a state commit
 *           naming this runner, pushed: only one runner delivers at a time); fast-forward the
 *           snapshot branch; bring the outbox and withheld state of the remote into the local
 *           folders
 *   source  run it; before any of its alerts goes out, push its commit and the state. When
 *           the remote refuses (another runner, or a person, pushed first), drop this attempt's
 *           commit and state, fetch, and run the source again from the new head: a diff is
 *           recomputed, never merged (at most MAX_ATTEMPTS, then the source fails, nothing lost)
 *   finish  push what is left (commits with no alert, delivery results) and release the lease
 *
 * Alerts go out only after the push that records them succeeded, so two runners never both
 * alert a change: the second one's push is refused and its recomputed diff is empty.
 */
import { randomUUID } from 'node:crypto';
import type { GitRemoteSettings } from '../config/load.js';
import { errorMessage, StoreError } from '../errors/index.js';
import {
  mergeState,
  newLease,
  PushRejectedError,
  RemoteState,
  readLocalState,
  type StateFolders,
  writeLocalState,
} from '../store/remote.js';
import { withheldStoreOf } from './deliver.js';
import type { PipelineContext, RunOptions, SourceRunResult, SourceSpec } from './types.js';

export const MAX_ATTEMPTS = 3;
/** How long a runner's lease lasts without a push renewing it (a killed runner blocks no longer). */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** How long a run waits for another runner's lease. */
export const DEFAULT_LEASE_WAIT_MS = 120_000;
const POLL_MS = 500;

type RunOne = (ctx: PipelineContext, source: SourceSpec, options: RunOptions) => Promise<SourceRunResult>;

export interface RunSync {
  begin(ctx: PipelineContext): Promise<void>;
  runSource(ctx: PipelineContext, source: SourceSpec, options: RunOptions, run: RunOne): Promise<SourceRunResult>;
  /** Called after a commit (or withheld state) and before its alert is delivered. */
  beforeDeliver(ctx: PipelineContext): Promise<void>;
  finish(ctx: PipelineContext): Promise<void>;
}

export interface RemoteSyncOptions {
  leaseMs?: number;
  waitMs?: number;
  /** Called before every push of a source's change (tests use it to race a push in). */
  beforePush?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RemoteSync implements RunSync {
  private readonly token = randomUUID();
  /** The state commit our next one goes on top of. */
  private stateHead: string | null = null;

  constructor(
    readonly settings: GitRemoteSettings,
    private readonly options: RemoteSyncOptions = {},
  ) {}

  private remote(ctx: PipelineContext): RemoteState {
    return new RemoteState(ctx.store.repo, { remote: this.settings.remote, branch: this.settings.branch });
  }

  private folders(ctx: PipelineContext): StateFolders {
    return { outbox: ctx.outbox.dir, withheld: withheldStoreOf(ctx).dir };
  }

  /** Fetches, fast-forwards and merges the remote's state into ours; returns the remote's lease. */
  private async pull(ctx: PipelineContext) {
    const remote = this.remote(ctx);
    const heads = await remote.fetch();
    const theirs = await remote.readState(heads.state);
    const foreign =
      theirs.lease && theirs.lease.token !== this.token && Date.parse(theirs.lease.until) > Date.now()
        ? theirs.lease
        : null;
    return { remote, heads, theirs, foreign };
  }

  private async adopt(ctx: PipelineContext, pulled: Awaited<ReturnType<RemoteSync['pull']>>): Promise<void> {
    const { remote, heads, theirs } = pulled;
    await remote.resetBranch(heads.branch);
    const folders = this.folders(ctx);
    // A remote with no state yet (the first runner to use it) starts from ours.
    if (heads.state) {
      const merged = mergeState(await remote.syncedState(), await readLocalState(folders), theirs.files);
      await writeLocalState(folders, merged);
    }
    await remote.markSynced(heads.state);
    this.stateHead = heads.state;
  }

  private async pushState(ctx: PipelineContext, message: string, keepLease: boolean): Promise<void> {
    const remote = this.remote(ctx);
    const files = await readLocalState(this.folders(ctx));
    const lease = keepLease ? newLease(this.token, this.options.leaseMs ?? DEFAULT_LEASE_MS) : null;
    const commit = await remote.stateCommit(files, lease, this.stateHead, message);
    await remote.push(commit);
    this.stateHead = commit;
  }

  async begin(ctx: PipelineContext): Promise<void> {
    const deadline = Date.now() + (this.options.waitMs ?? DEFAULT_LEASE_WAIT_MS);
    let told = false;
    for (;;) {
      const pulled = await this.pull(ctx);
      if (pulled.foreign && this.settings.push) {
        const { host, pid, until } = pulled.foreign;
        if (Date.now() >= deadline)
          throw new StoreError(
            `another endpoint-watch (pid ${pid} on ${host}) is running against ${this.settings.remote} (its lease lasts until ${until}); try again when it has finished`,
          );
        if (!told)
          ctx.log.write(
            `waiting for endpoint-watch pid ${pid} on ${host} to finish with ${this.settings.remote} ...\n`,
          );
        told = true;
        await sleep(POLL_MS);
        continue;
      }
      await this.adopt(ctx, pulled);
      if (!this.settings.push) return;
      try {
        await this.pushState(ctx, `lease: ${pulled.remote.repo.root} pid ${process.pid}`, true);
        return;
      } catch (err) {
        if (!(err instanceof PushRejectedError)) throw err;
      }
    }
  }

  async beforeDeliver(ctx: PipelineContext): Promise<void> {
    if (!this.settings.push) return;
    await this.options.beforePush?.();
    await this.pushState(ctx, 'alerts to deliver', true);
  }

  async runSource(
    ctx: PipelineContext,
    source: SourceSpec,
    options: RunOptions,
    run: RunOne,
  ): Promise<SourceRunResult> {
    if (!this.settings.push) return run(ctx, source, options);
    const folders = this.folders(ctx);
    let last: SourceRunResult | null = null;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const saved = await readLocalState(folders);
      const result = await run(ctx, source, options);
      if (result.status !== 'failed' || result.error?.code !== 'PUSH_REJECTED') return result;
      last = result;
      // Nothing of this attempt went out: forget its state, take the new head, diff again.
      await writeLocalState(folders, saved);
      await this.adopt(ctx, await this.pull(ctx));
      ctx.log.write(
        `${source.id}: ${this.settings.remote} moved on while this run was at work; recomputing against its head\n`,
      );
    }
    return {
      source: source.id,
      status: 'failed',
      error: {
        code: 'PUSH_REJECTED',
        message: `the push to ${this.settings.remote} was rejected ${MAX_ATTEMPTS} times (${last?.error?.message ?? 'another runner pushed first'}); nothing was alerted, the next run finds the change again`,
      },
    };
  }

  async finish(ctx: PipelineContext): Promise<void> {
    if (!this.settings.push) return;
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        await this.pushState(ctx, 'run finished', false);
        return;
      } catch (err) {
        if (!(err instanceof PushRejectedError)) throw err;
        lastError = err;
        await this.adopt(ctx, await this.pull(ctx));
      }
    }
    throw new StoreError(
      `cannot push the delivery state to ${this.settings.remote}: ${errorMessage(lastError)}; it is kept in ${ctx.store.dir} for the next run`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The steps pipeline/run.ts calls

/** Before a run that writes (under the snapshot lock): a stale index.lock, then the remote. */
export async function beginRun(ctx: PipelineContext, options: RunOptions): Promise<void> {
  if (options.dryRun) return;
  const cleared = await ctx.store.repo.clearStaleIndexLock();
  if (cleared)
    ctx.log.write(
      `removed ${cleared}, left by a git that was killed (this run holds the snapshot lock: no git of ours is running)\n`,
    );
  await ctx.sync?.begin(ctx);
}

export function runSourceSynced(
  ctx: PipelineContext,
  source: SourceSpec,
  options: RunOptions,
  run: RunOne,
): Promise<SourceRunResult> {
  return ctx.sync && !options.dryRun ? ctx.sync.runSource(ctx, source, options, run) : run(ctx, source, options);
}

/** Before an alert goes out: the push that records it (a refusal throws PushRejectedError). */
export async function publishBeforeDelivery(ctx: PipelineContext): Promise<void> {
  await ctx.sync?.beforeDeliver(ctx);
}

export async function finishRun(ctx: PipelineContext, options: RunOptions): Promise<void> {
  if (!options.dryRun) await ctx.sync?.finish(ctx);
}
