/**
 * GET /lists/<source|all>.<format>: the latest committed catalog as a firewall or proxy list,
 * exactly as `endpoint-watch export` writes it (export/select.ts and export/formats.ts do the
 * work). Query parameters are export's filters: `region`, `required-only`, `aggregate`,
 * `pac-fallback`. ETag (a hash of the body) and Last-Modified (the newest snapshot commit in the
 * list) let a firewall poll every few minutes and get 304 until something changed.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalog } from '../catalog/model.js';
import { UsageError } from '../errors/index.js';
import { exportFormats, renderExport } from '../export/formats.js';
import { selectEntries } from '../export/select.js';
import { SnapshotStore } from '../store/snapshots.js';
import { HttpProblem, etagMatches, flag, onlyParams, send } from './http.js';

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  pac: 'application/x-ns-proxy-autoconfig',
};

const PARAMS = ['region', 'required-only', 'aggregate', 'pac-fallback'] as const;

interface LatestCatalogs {
  /** HEAD of the snapshot repository when these were read. */
  head: string;
  catalogs: Catalog[];
  /** Commit date (ms) of each source's latest snapshot. */
  dates: Map<string, number>;
}

/** Reads the latest catalogs of the snapshot repository, again only when its HEAD moved. */
export class CatalogReader {
  private cached: LatestCatalogs | null = null;

  constructor(
    private readonly snapshotDir: string,
    /** Source ids of the config (stored ones are served too, as `export` does). */
    private readonly configured: readonly string[],
  ) {}

  async latest(): Promise<LatestCatalogs | null> {
    const store = await SnapshotStore.find(this.snapshotDir);
    if (!store || !(await store.repo.hasCommits())) return null;
    const head = (await store.repo.git(['rev-parse', 'HEAD'])).stdout.trim();
    if (this.cached?.head === head) return this.cached;
    const ids = [...new Set([...this.configured, ...(await store.sources())])];
    const catalogs: Catalog[] = [];
    const dates = new Map<string, number>();
    for (const id of ids) {
      const latest = await store.latest(id);
      if (!latest) continue;
      catalogs.push({ ...latest.catalog, source: id });
      const [last] = await store.log(id);
      if (last) dates.set(id, Date.parse(last.date));
    }
    this.cached = { head, catalogs, dates };
    return this.cached;
  }
}

function contentType(format: string): string {
  return CONTENT_TYPES[format] ?? 'text/plain; charset=utf-8';
}

/** `/lists/cloud-app-security.edl` -> source and format; null when the path is not a list. */
export function parseListPath(pathname: string): { source: string; format: string } | null {
  const match = /^\/lists\/([a-z0-9][a-z0-9-]*)\.([a-z0-9-]+)$/.exec(pathname);
  return match ? { source: match[1]!, format: match[2]! } : null;
}

export async function serveList(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  reader: CatalogReader,
): Promise<void> {
  const target = parseListPath(url.pathname);
  if (!target) throw new HttpProblem(404, `no such list: write /lists/<source or all>.<format>`);
  if (!exportFormats.has(target.format)) {
    throw new HttpProblem(404, `unknown format "${target.format}" (formats: ${[...exportFormats.keys()].join(', ')})`);
  }
  onlyParams(url.searchParams, PARAMS);
  const latest = await reader.latest();
  if (!latest || latest.catalogs.length === 0) {
    throw new HttpProblem(503, 'no snapshot yet: the first run has not finished', { 'retry-after': '60' });
  }
  const all = target.source === 'all';
  if (!all && !latest.catalogs.some((c) => c.source === target.source)) {
    const known = latest.catalogs.map((c) => c.source).join(', ');
    throw new HttpProblem(404, `no source "${target.source}" with a snapshot (sources: ${known}, or all)`);
  }

  let body: string;
  try {
    const region = url.searchParams.get('region');
    const pacFallback = url.searchParams.get('pac-fallback');
    if (target.format === 'pac' && !pacFallback?.trim())
      throw new HttpProblem(
        400,
        `a pac list needs the pac-fallback parameter: what the script returns for everything not catalogued, e.g. ?pac-fallback=${encodeURIComponent('PROXY proxy.corp.example:3128')} or ?pac-fallback=DIRECT`,
      );
    const entries = selectEntries(latest.catalogs, {
      ...(all ? {} : { source: target.source }),
      ...(region ? { region } : {}),
      requiredOnly: flag(url.searchParams, 'required-only'),
    });
    body = renderExport(target.format, entries, {
      aggregate: flag(url.searchParams, 'aggregate'),
      ...(pacFallback ? { pacFallback } : {}),
    });
  } catch (err) {
    // A region no entry has, aggregate for a host list: the same refusals as `export`.
    if (err instanceof UsageError) throw new HttpProblem(400, err.message);
    throw err;
  }

  const sources = all ? [...latest.dates.keys()] : [target.source];
  const newest = Math.max(...sources.map((id) => latest.dates.get(id) ?? 0));
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
  const headers: Record<string, string> = { etag, 'content-type': contentType(target.format) };
  if (newest > 0) headers['last-modified'] = new Date(newest).toUTCString();

  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = Date.parse(req.headers['if-modified-since'] ?? '');
  const fresh =
    ifNoneMatch !== undefined
      ? etagMatches(ifNoneMatch, etag)
      : Number.isFinite(ifModifiedSince) && newest > 0 && Math.floor(newest / 1000) * 1000 <= ifModifiedSince;
  if (fresh) {
    res.writeHead(304, { ...headers, 'cache-control': 'no-cache' });
    res.end();
    return;
  }
  send(req, res, 200, body, headers);
}
