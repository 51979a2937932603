/**
 * What an unchanged run needs, per source, in one small file: the validators of the last
 * snapshot's document (ETag, Last-Modified, sha256), its format, how many endpoints it holds,
 * and the Microsoft 365 web service's version it was fetched at.
 *
 *   <snapshotDir>/.fetch-state/<source>.json   (git-ignored, like .withheld/ and .failures/)
 *
 * Without it, a run reads and parses the whole stored catalog.json (and spawns five git
 * processes) before it can send its conditional GET. The file is a cache of the committed
 * state, never a state of its own: it records the git blob ids of `<source>/meta.json` and
 * `<source>/catalog.json` at HEAD when it was written, and is used only while HEAD still holds
 * exactly those blobs (one `git ls-tree` for all sources of a run answers that). Anything that moves them (a new
 * snapshot, a rewritten catalog, a reset to the remote's head by pipeline/sync.ts, a person's
 * commit) makes the run take the full path, which writes the file again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotMeta, SnapshotStore } from './snapshots.js';
import { stateFilePath, writeStateFile } from './state-files.js';

/** Bumped when the file's meaning changes: a file of another version is ignored. */
const VERSION = 1;

export interface FetchState {
  version: number;
  source: string;
  /** What the source's settings were (location, format, filter): other settings, other state. */
  settings: string;
  /** git blob ids at HEAD of `<source>/meta.json` and `<source>/catalog.json`. */
  metaBlob: string;
  catalogBlob: string;
  etag: string | null;
  lastModified: string | null;
  documentSha256: string;
  format: string;
  /** Endpoints in the committed catalog. */
  entryCount: number;
  /** The web service's `latest` version the committed document was fetched at; null for other sources. */
  serviceVersion: string | null;
}

/** The validators a conditional GET sends, and what the document's bytes are compared with. */
export type DocumentValidators = Pick<SnapshotMeta, 'etag' | 'lastModified' | 'documentSha256' | 'format'>;

export class FetchStateStore {
  readonly dir: string;

  constructor(private readonly store: SnapshotStore) {
    this.dir = join(store.dir, '.fetch-state');
  }

  /** Blob ids read for several sources by one git (`preload`), each used once. */
  private preloaded = new Map<string, { meta: string; catalog: string } | null>();

  /** The blob ids of each source's meta.json and catalog.json at HEAD (null when either is missing), by one git. */
  private async listBlobs(sources: readonly string[]): Promise<Map<string, { meta: string; catalog: string } | null>> {
    const paths = sources.flatMap((s) => [this.store.repoPath(s, 'meta.json'), this.store.repoPath(s, 'catalog.json')]);
    const listed = await this.store.repo.tryGit(['ls-tree', '-z', 'HEAD', '--', ...paths]);
    const blobs = new Map<string, string>();
    for (const record of listed?.stdout.split('\0') ?? []) {
      // "<mode> blob <id>\t<path>"
      const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(record);
      if (match) blobs.set(match[2]!, match[1]!);
    }
    const result = new Map<string, { meta: string; catalog: string } | null>();
    for (const source of sources) {
      const meta = blobs.get(this.store.repoPath(source, 'meta.json'));
      const catalog = blobs.get(this.store.repoPath(source, 'catalog.json'));
      result.set(source, meta && catalog ? { meta, catalog } : null);
    }
    return result;
  }

  /**
   * Reads the blob ids of all `sources` now, with one git instead of one per source: a run
   * calls it once before fetching. Each source's ids are used by its next `readValid` only;
   * HEAD moves as the run commits, and everything after that asks git again.
   */
  async preload(sources: readonly string[]): Promise<void> {
    this.preloaded = sources.length ? await this.listBlobs(sources) : new Map();
  }

  private async headBlobs(source: string): Promise<{ meta: string; catalog: string } | null> {
    if (this.preloaded.has(source)) {
      const blobs = this.preloaded.get(source) ?? null;
      this.preloaded.delete(source);
      return blobs;
    }
    return (await this.listBlobs([source])).get(source) ?? null;
  }

  /** The file of `source` when it describes what HEAD holds now and was written for `settings`; else null. */
  async readValid(source: string, settings: string): Promise<FetchState | null> {
    const text = await readFile(stateFilePath(this.dir, source), 'utf8').catch(() => null);
    if (text === null) return null;
    let state: FetchState;
    try {
      state = JSON.parse(text) as FetchState;
    } catch {
      return null; // a damaged cache is no cache: the full path rewrites it
    }
    if (
      state?.version !== VERSION ||
      state.source !== source ||
      state.settings !== settings ||
      typeof state.documentSha256 !== 'string' ||
      typeof state.entryCount !== 'number'
    )
      return null;
    const blobs = await this.headBlobs(source);
    if (!blobs || blobs.meta !== state.metaBlob || blobs.catalog !== state.catalogBlob) return null;
    return state;
  }

  /** meta.json of the last snapshot (HEAD), or null before the first one. */
  async committedMeta(source: string): Promise<SnapshotMeta | null> {
    const text = await this.store.repo.show('HEAD', this.store.repoPath(source, 'meta.json')).catch(() => null);
    if (text === null) return null;
    try {
      return JSON.parse(text) as SnapshotMeta;
    } catch {
      return null;
    }
  }

  /**
   * Records what HEAD holds now for `source`, after a run that left its snapshot as the page
   * is (unchanged, or just committed). `serviceVersion` is the version this run was answered.
   */
  async record(
    source: string,
    settings: string,
    facts: { entryCount: number; serviceVersion: string | null },
  ): Promise<void> {
    this.preloaded.delete(source);
    const [blobs, meta] = await Promise.all([this.headBlobs(source), this.committedMeta(source)]);
    if (!blobs || !meta) return;
    const state: FetchState = {
      version: VERSION,
      source,
      settings,
      metaBlob: blobs.meta,
      catalogBlob: blobs.catalog,
      etag: meta.etag ?? null,
      lastModified: meta.lastModified ?? null,
      documentSha256: meta.documentSha256,
      format: meta.format,
      entryCount: facts.entryCount,
      serviceVersion: facts.serviceVersion,
    };
    await writeStateFile(this.dir, source, state);
  }

  /** The same file with another service version (the version moved, the document did not). */
  async updateServiceVersion(state: FetchState, serviceVersion: string): Promise<void> {
    if (state.serviceVersion === serviceVersion) return;
    await writeStateFile(this.dir, state.source, { ...state, serviceVersion });
  }
}
