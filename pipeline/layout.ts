/**
 * How a document's layout changed between two versions, in words a person reads once:
 * "column S.No is now No.", "column To/From is now From, To", "tables: 8 -> 7", "section
 * "DLP integration" merged into "App connector access"". A layout change alone holds nothing
 * back (pipeline/health.ts): it is said in the alert and the commit, and the new layout becomes
 * the reference, so the next version is compared with it and the same line is never said twice.
 */
import { diffArrays } from 'diff';
import type { Change } from '../catalog/changes.js';
import type { DocumentShape } from '../catalog/model.js';

/** What makes two headers the same column: no markup, no case, no extra whitespace. */
function columnKey(header: string): string {
  return header.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function columnLabel(header: string): string {
  return header.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim() || '(no header)';
}

function tableKey(columns: string[]): string {
  return columns.map(columnKey).join('\u0001');
}

function sameMultiset(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = (list: string[]) => [...list].sort().join('\u0002');
  return sorted(a) === sorted(b);
}

function labels(headers: string[]): string {
  return headers.map(columnLabel).join(', ');
}

/** Column changes of one table whose headers changed: renamed, split, merged, added, dropped, re-ordered. */
export function describeColumns(before: string[], after: string[]): string[] {
  const keys = (list: string[]) => list.map(columnKey);
  if (keys(before).join('\u0001') === keys(after).join('\u0001')) return [];
  if (keys(before).sort().join('\u0001') === keys(after).sort().join('\u0001'))
    return [`columns re-ordered: ${labels(after)}`];
  const lines: string[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    if (removed.length && added.length)
      lines.push(
        `column${removed.length > 1 ? 's' : ''} ${labels(removed)} ${removed.length > 1 ? 'are' : 'is'} now ${labels(added)}`,
      );
    else if (removed.length) lines.push(`column${removed.length > 1 ? 's' : ''} ${labels(removed)} dropped`);
    else if (added.length) lines.push(`column${added.length > 1 ? 's' : ''} ${labels(added)} added`);
    removed = [];
    added = [];
  };
  let oldAt = 0;
  let newAt = 0;
  for (const part of diffArrays(before.map(columnKey), after.map(columnKey))) {
    const count = part.count ?? part.value.length;
    if (part.removed) {
      removed.push(...before.slice(oldAt, oldAt + count));
      oldAt += count;
    } else if (part.added) {
      added.push(...after.slice(newAt, newAt + count));
      newAt += count;
    } else {
      flush();
      oldAt += count;
      newAt += count;
    }
  }
  flush();
  return lines;
}

/**
 * Layout changes from `before` to `after`; empty when the layout is the same (tables only in
 * another order count as the same: re-ordered sections change nothing a person acts on).
 * `changes` (the diff of the two catalogs) tells where the endpoints of a vanished section went.
 */
export function describeLayoutChange(before: DocumentShape, after: DocumentShape, changes: Change[] = []): string[] {
  const lines: string[] = [];
  if (before.format !== after.format) lines.push(`format changed: ${before.format} -> ${after.format}`);

  const oldTables = before.columns ?? [];
  const newTables = after.columns ?? [];
  const oldKeys = oldTables.map(tableKey);
  const newKeys = newTables.map(tableKey);
  const tally = new Map<string, number>();
  if (!sameMultiset(oldKeys, newKeys)) {
    // Tables aligned by their headers; a table removed next to one added is the same table changed.
    let oldAt = 0;
    let newAt = 0;
    let removed: number[] = [];
    let added: number[] = [];
    const pair = () => {
      const paired = Math.min(removed.length, added.length);
      for (let i = 0; i < paired; i += 1)
        for (const line of describeColumns(oldTables[removed[i]!]!, newTables[added[i]!]!))
          tally.set(line, (tally.get(line) ?? 0) + 1);
      removed = [];
      added = [];
    };
    for (const part of diffArrays(oldKeys, newKeys)) {
      const count = part.count ?? part.value.length;
      if (part.removed) for (let i = 0; i < count; i += 1) removed.push(oldAt++);
      else if (part.added) for (let i = 0; i < count; i += 1) added.push(newAt++);
      else {
        pair();
        oldAt += count;
        newAt += count;
      }
    }
    pair();
  }
  for (const [line, count] of tally) lines.push(count > 1 ? `${line} (${count} tables)` : line);
  // Tables merged or split within the same sections. A table that came or went with a section
  // is said by its endpoints (added, or removed and maybe withheld), not as layout.
  const sections = (shape: DocumentShape) =>
    Object.keys(shape.entriesPerSection ?? {})
      .sort()
      .join('\u0000');
  if (before.tables !== after.tables && sections(before) === sections(after))
    lines.push(`tables: ${before.tables} -> ${after.tables}`);

  // A section that is gone while its endpoints moved into another one: merged, not lost.
  const merges = new Map<string, number>();
  for (const change of changes) {
    if (change.type !== 'moved' || !change.from || !change.to) continue;
    const from = change.from.section;
    if (from === change.to.section || from in (after.entriesPerSection ?? {})) continue;
    const key = `section "${from || '(no heading)'}" merged into "${change.to.section || '(no heading)'}"`;
    merges.set(key, (merges.get(key) ?? 0) + 1);
  }
  lines.push(...merges.keys());
  return lines;
}
