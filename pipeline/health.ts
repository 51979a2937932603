/**
 * Parser health: does a new version look like the same kind of document, or like a broken
 * generation (the Microsoft 365 page was once published for a day with its header comments and
 * no tables at all)? A problem here holds the version instead of committing a mass removal.
 */
import type { Catalog } from '../catalog/model.js';

function headerSet(catalog: Catalog): Set<string> {
  const set = new Set<string>();
  for (const table of catalog.shape.columns ?? []) {
    for (const header of table) {
      const name = header.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
      if (name) set.add(name);
    }
  }
  return set;
}

/** Problems that make `next` look broken compared with `previous`; empty when it looks healthy. */
export function assessHealth(previous: Catalog, next: Catalog): string[] {
  const problems: string[] = [];
  const before = previous.shape;
  const after = next.shape;
  if (after.tables < before.tables) {
    problems.push(
      `lost ${before.tables - after.tables} of ${before.tables} table(s) or row block(s) (now ${after.tables})`,
    );
  }
  const oldCount = previous.entries.length;
  const newCount = next.entries.length;
  if (oldCount > 0 && newCount * 2 < oldCount) {
    problems.push(`entries dropped by more than half: ${oldCount} -> ${newCount}`);
  }
  const oldHeaders = headerSet(previous);
  const newHeaders = headerSet(next);
  const missing = [...oldHeaders].filter((h) => !newHeaders.has(h));
  if (oldHeaders.size > 0 && missing.length > 0) {
    const added = [...newHeaders].filter((h) => !oldHeaders.has(h));
    problems.push(
      `column(s) renamed or gone: ${missing.map((h) => `"${h}"`).join(', ')}${added.length ? ` (new: ${added.map((h) => `"${h}"`).join(', ')})` : ''}`,
    );
  }
  if (previous.format !== next.format) {
    problems.push(`document format changed: ${previous.format} -> ${next.format}`);
  }
  return problems;
}
