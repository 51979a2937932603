/**
 * Parser warnings with their kind (catalog/model.ts WarningKind), so that a parse result says
 * how many tokens it saw and did not catalogue, not only what it has to say about them.
 */
import type { ParseResult, WarningCounts, WarningKind } from '../catalog/model.js';

export interface ParseWarning {
  kind: WarningKind;
  message: string;
}

export function warning(kind: WarningKind, message: string): ParseWarning {
  return { kind, message };
}

/** The messages and counts a ParseResult carries. */
export function resultWarnings(list: readonly ParseWarning[]): Pick<ParseResult, 'warnings' | 'warningCounts'> {
  const warningCounts: WarningCounts = { uncatalogued: 0, recovered: 0, other: 0 };
  for (const w of list) warningCounts[w.kind] += 1;
  return { warnings: list.map((w) => w.message), warningCounts };
}
