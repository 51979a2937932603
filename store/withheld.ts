/**
 * Withheld removals: endpoints a new version of a page dropped in a way that looks like
 * breakage (pipeline/health.ts decides). They stay in the committed catalog until the page has
 * kept that state for `confirmAfter`, or a person accepts; this file remembers since when each
 * one has been gone and which were already announced, so a withheld set is announced once.
 *
 * One JSON file per source under <snapshotDir>/.withheld/, written atomically, ignored by git:
 * it is run state, not history.
 *
 * Crash safety: the withheld alert's outbox entry is written *before* this state, and carries
 * the removals it announces; delivering that entry (now or in a later run's flush) records them
 * here as announced. A process killed between the two writes therefore neither loses the alert
 * (the entry is in the outbox) nor sends it twice (delivering it marks the set announced).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndpointKind } from '../catalog/model.js';
import { StoreError } from '../errors/index.js';
import { stateFilePath, stateFileSources, writeStateFile } from './state-files.js';

export interface WithheldRemoval {
  /** Identity of the removed entry (catalog/canonical.ts entryKey). */
  key: string;
  kind: EndpointKind;
  value: string;
  section: string;
  region: string | null;
  group: string | null;
  /** ISO time of the first run that found it gone. */
  since: string;
}

export interface WithheldState {
  source: string;
  removals: WithheldRemoval[];
  /** Keys of the removals a withheld alert already announced. */
  announced: string[];
  /** Why the removals look like breakage, as last assessed. */
  reasons: string[];
  /** The page lists no endpoint, or nearly none: only a person confirms. */
  needsPerson: boolean;
}

export class WithheldStore {
  constructor(readonly dir: string) {}

  static forSnapshotDir(snapshotDir: string): WithheldStore {
    return new WithheldStore(join(snapshotDir, '.withheld'));
  }

  private path(source: string): string {
    return stateFilePath(this.dir, source);
  }

  async read(source: string): Promise<WithheldState | null> {
    let text: string;
    try {
      text = await readFile(this.path(source), 'utf8');
    } catch {
      return null;
    }
    try {
      const state = JSON.parse(text) as WithheldState;
      if (!Array.isArray(state.removals) || !Array.isArray(state.announced)) throw new Error('not a withheld state');
      return state;
    } catch (err) {
      throw new StoreError(
        `withheld state ${this.path(source)} is unreadable: ${(err as Error).message}; move it away to continue (its removals will be withheld and announced again)`,
        { cause: err },
      );
    }
  }

  /** Every source with a stored withheld state, by source id. */
  async list(): Promise<WithheldState[]> {
    const states: WithheldState[] = [];
    for (const source of await stateFileSources(this.dir)) {
      const state = await this.read(source);
      if (state) states.push(state);
    }
    return states;
  }

  async write(state: WithheldState): Promise<void> {
    try {
      await writeStateFile(this.dir, state.source, state);
    } catch (err) {
      throw new StoreError(`cannot write withheld state in ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  async clear(source: string): Promise<void> {
    await rm(this.path(source), { force: true });
  }

  /**
   * Records `removals` as announced (keeping the earliest `since` of each): what delivering a
   * withheld alert means, idempotent so a re-delivered entry changes nothing.
   */
  async markAnnounced(
    source: string,
    removals: WithheldRemoval[],
    details: Pick<WithheldState, 'reasons' | 'needsPerson'>,
  ) {
    const state = (await this.read(source)) ?? { source, removals: [], announced: [], ...details };
    const byKey = new Map(state.removals.map((r) => [r.key, r]));
    for (const removal of removals) {
      const known = byKey.get(removal.key);
      if (!known) byKey.set(removal.key, removal);
      else if (removal.since < known.since) byKey.set(removal.key, { ...known, since: removal.since });
    }
    const announced = new Set([...state.announced, ...removals.map((r) => r.key)]);
    const next: WithheldState = { ...state, removals: [...byKey.values()], announced: [...announced].sort() };
    if (JSON.stringify(next) !== JSON.stringify(state)) await this.write(next);
  }
}

/** A source whose removals are withheld now, as serve's /healthz and /metrics list it. */
export interface WithheldSummary {
  source: string;
  /** Why the removals look like breakage. */
  problems: string[];
  /** When the earliest of them was first found gone. */
  since: string | null;
}

/** The sources with removals withheld now (a state with no removal left is not one). */
export async function listWithheldVersions(store: WithheldStore): Promise<WithheldSummary[]> {
  return (await store.list())
    .filter((state) => state.removals.length > 0)
    .map((state) => ({
      source: state.source,
      problems: [...state.reasons],
      since: state.removals.map((r) => r.since).sort()[0] ?? null,
    }));
}
