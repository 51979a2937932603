/**
 * What an alert says, before any medium renders it: the changes of one place (section and
 * region) as few lines as say them all. The changes of one kind in one row become one line
 * with their values sorted (addresses numerically) and consecutive addresses shown as one
 * range; rows given the same values are one line naming the rows; a row's port change is one
 * line. Console, Slack, email and Teams render these lines; the webhook sends the change set.
 * Pure functions.
 */
import { type Change, SEVERITY_ORDER, type Severity } from '../catalog/changes.js';
import { describeFields, formatAddressCount, kindLabel } from '../catalog/messages.js';
import { addressKey, compareEndpointValues, compareNatural } from '../catalog/order.js';
import { formatPorts, isEmptyPorts } from '../catalog/ports.js';
import { rangeSize, tryRangeOf } from '../catalog/address-space.js';

/** A value as listed in a line: one endpoint, or a run of consecutive addresses. */
export interface ValueItem {
  text: string;
  /** Endpoints it stands for (a range of 27 addresses: 27). */
  count: number;
  /** For a range: its first and last address. */
  range?: { first: string; last: string };
}

export interface SummaryLine {
  mark: '+' | '-' | '~' | '>';
  severity: Severity;
  /** "[Access controls, Session controls]: 10 IPs added (port 443)", or a whole change line. */
  lead: string;
  /** Values listed after the lead, in order; empty when the lead says it all. */
  items: ValueItem[];
  /** For a line of one change: its value, to show as code inside the lead. */
  highlight?: string;
  /** The changes this line stands for. */
  changes: Change[];
}

/** The lines of one place: a section, in one region when the document has regions. */
export interface SummaryGroup {
  /** "EU1 · App connector access", "(document)"; two places with the same lines: "US1 · A / EU1 · A". */
  label: string;
  lines: SummaryLine[];
  /** Changes in this group. */
  changeCount: number;
}

/** Consecutive single addresses shown as a range from this many on. */
export const RANGE_MIN = 3;

const TYPE_MARK: Record<Change['type'], SummaryLine['mark']> = {
  added: '+',
  removed: '-',
  modified: '~',
  moved: '>',
  reshaped: '~',
};

const TYPE_RANK: Record<Change['type'], number> = { added: 0, modified: 1, moved: 1, reshaped: 1, removed: 2 };

/** Strips control, line-separator and bidi-override characters and makes the text one line. */
export function oneLine(text: string): string {
  return text
    .replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

export function groupLabel(section: string, region: string | null): string {
  const parts = [region, section].filter((part): part is string => !!part);
  return parts.length ? parts.map(oneLine).join(' · ') : '(document)';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * Values sorted (addresses numerically, names naturally), runs of RANGE_MIN or more
 * consecutive single addresses of one family as one range item.
 */
export function valueItems(values: string[]): ValueItem[] {
  const sorted = [...new Set(values)].sort(compareEndpointValues);
  const items: ValueItem[] = [];
  let run: Array<{ value: string; family: number; number: bigint }> = [];
  const flush = () => {
    if (run.length >= RANGE_MIN) {
      const first = run[0]!.value;
      const last = run[run.length - 1]!.value;
      items.push({ text: `${first} - ${last}`, count: run.length, range: { first, last } });
    } else for (const one of run) items.push({ text: one.value, count: 1 });
    run = [];
  };
  for (const value of sorted) {
    const key = value.includes('/') ? null : addressKey(value);
    if (!key) {
      flush();
      items.push({ text: value, count: 1 });
      continue;
    }
    const last = run[run.length - 1];
    if (last && (last.family !== key.family || key.number !== last.number + 1n)) flush();
    run.push({ value, family: key.family, number: key.number });
  }
  flush();
  return items;
}

/**
 * Renders items as text: "a, b, c - d (27 addresses)"; a lone range needs no count when the
 * lead says it. At most `max` items, then "and N more".
 */
export function itemsText(items: ValueItem[], max = Number.POSITIVE_INFINITY, show = (text: string) => text): string {
  const shown = items
    .slice(0, max)
    .map((item) => (item.range && items.length > 1 ? `${show(item.text)} (${item.count} addresses)` : show(item.text)));
  const rest = items.slice(max).reduce((sum, item) => sum + item.count, 0);
  return rest ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** The whole line as text: lead, then ": " and the items. */
export function lineText(line: SummaryLine, maxItems?: number): string {
  return line.items.length ? `${line.lead}: ${itemsText(line.items, maxItems)}` : line.lead;
}

/**
 * One change as a line inside its group: the change's own message without the place the
 * group heading already names (the row, when there is one, stays), plus the ports of an
 * added or removed endpoint, which is what a firewall rule needs. Messages that do not start
 * with the place (moves name two places) are kept whole.
 */
export function changeLine(change: Change): string {
  const message = oneLine(change.message);
  const place = [change.region, change.section].filter(Boolean).join(' ') || '(document)';
  let line = message;
  if (!change.section && !change.region) {
    if (message.startsWith('(document): ')) line = message.slice('(document): '.length);
  } else if (message.startsWith(`${place}: `)) {
    line = message.slice(place.length + 2);
  } else if (message.startsWith(`${place} [`)) {
    line = message.slice(place.length + 1);
  }
  if ((change.type === 'added' || change.type === 'removed') && !isEmptyPorts(change.entry.ports)) {
    line += ` (${formatPorts(change.entry.ports)})`;
  }
  return line;
}

/**
 * Added or removed endpoints whose message says nothing but the value: no partial coverage,
 * not listed elsewhere. Those bundle; the others keep their own line, which says more.
 */
function bundlesPlainly(change: Change): boolean {
  if (change.type !== 'added' && change.type !== 'removed') return false;
  if (change.listedElsewhere?.length) return false;
  if (change.kind !== 'ip') return true;
  const range = tryRangeOf(change.value);
  if (!range || !change.netAddresses) return true;
  const net = BigInt(change.type === 'added' ? change.netAddresses.added : change.netAddresses.removed);
  return net === rangeSize(range);
}

interface Bundle {
  /** What the line says besides rows and values. */
  key: string;
  rows: Set<string>;
  /** Per row: its values. */
  byRow: Map<string, Change[]>;
}

/** What a bundle of changes says, for rows of identical values: "10 IPs added (port 443)". */
function bundleKey(change: Change): string | null {
  if (bundlesPlainly(change)) {
    const ports = isEmptyPorts(change.entry.ports) ? '' : formatPorts(change.entry.ports);
    return `${change.type}\u0000${kindLabel(change)}\u0000${ports}\u0000${change.severity ?? 'info'}`;
  }
  if (change.type === 'modified' && change.fields.length)
    return `modified\u0000${kindLabel(change)}\u0000${describeFields(change).join('; ')}\u0000${change.severity ?? 'info'}`;
  return null;
}

function rowsPrefix(rows: string[]): string {
  const named = rows.filter(Boolean);
  return named.length ? `[${named.map(oneLine).join(', ')}]: ` : '';
}

function bundleLead(changes: Change[], rows: string[]): string {
  const first = changes[0]!;
  const noun = kindLabel(first);
  const count = changes.length;
  const prefix = rowsPrefix(rows);
  if (first.type === 'modified') return `${prefix}${plural(count, noun)} changed: ${describeFields(first).join('; ')}`;
  const verb = first.type === 'added' ? 'added' : 'removed';
  const details: string[] = [];
  if (noun === 'CIDR') {
    const net = changes.reduce(
      (sum, c) => sum + BigInt((first.type === 'added' ? c.netAddresses?.added : c.netAddresses?.removed) ?? '0'),
      0n,
    );
    if (net > 0n) details.push(`${first.type === 'added' ? '+' : '-'}${formatAddressCount(net)} addresses`);
  }
  if (!isEmptyPorts(first.entry.ports)) details.push(formatPorts(first.entry.ports));
  const tail = details.length ? ` (${details.join(', ')})` : '';
  return `${prefix}${count === 1 ? noun : plural(count, noun)} ${verb}${tail}`;
}

function severityRank(line: SummaryLine): number {
  return SEVERITY_ORDER[line.severity] * 10 + TYPE_RANK[line.changes[0]!.type];
}

/** The lines of one place's changes, ordered: what needs action first. */
export function summaryLines(changes: Change[]): SummaryLine[] {
  const lines: SummaryLine[] = [];
  const bundles = new Map<string, Bundle>();
  for (const change of changes) {
    const key = bundleKey(change);
    if (!key) {
      lines.push({
        mark: TYPE_MARK[change.type],
        severity: change.severity ?? 'info',
        lead: changeLine(change),
        items: [],
        highlight: change.value,
        changes: [change],
      });
      continue;
    }
    let bundle = bundles.get(key);
    if (!bundle) {
      bundle = { key, rows: new Set(), byRow: new Map() };
      bundles.set(key, bundle);
    }
    const row = change.group ?? '';
    bundle.byRow.set(row, [...(bundle.byRow.get(row) ?? []), change]);
  }
  for (const bundle of bundles.values()) {
    // Rows listing exactly the same values are said once, naming the rows.
    const bySet = new Map<string, { rows: string[]; changes: Change[] }>();
    for (const [row, rowChanges] of bundle.byRow) {
      const set = rowChanges
        .map((c) => c.value)
        .sort()
        .join('\u0000');
      const same = bySet.get(set);
      if (same) {
        same.rows.push(row);
        same.changes.push(...rowChanges);
      } else bySet.set(set, { rows: [row], changes: [...rowChanges] });
    }
    for (const { rows, changes: all } of bySet.values()) {
      rows.sort(compareNatural);
      const perRow = all.filter((c) => (c.group ?? '') === rows[0]);
      const first = all[0]!;
      if (all.length === 1) {
        lines.push({
          mark: TYPE_MARK[first.type],
          severity: first.severity ?? 'info',
          lead: changeLine(first),
          items: [],
          highlight: first.value,
          changes: all,
        });
        continue;
      }
      lines.push({
        mark: TYPE_MARK[first.type],
        severity: first.severity ?? 'info',
        lead: bundleLead(perRow, rows),
        items: valueItems(perRow.map((c) => c.value)),
        changes: all,
      });
    }
  }
  const firstRow = (line: SummaryLine) => line.changes[0]!.group ?? '';
  const firstValue = (line: SummaryLine) => line.changes[0]!.value;
  return lines.sort(
    (a, b) =>
      severityRank(a) - severityRank(b) ||
      compareNatural(firstRow(a), firstRow(b)) ||
      compareEndpointValues(firstValue(a), firstValue(b)),
  );
}

/**
 * Changes grouped by place (section, region), each group's lines from summaryLines; places
 * with something to act on first, then in natural order; places whose lines read the same
 * (the same addresses added to two sections) are one group naming both.
 */
export function summarizeChanges(changes: Change[]): SummaryGroup[] {
  const places = new Map<string, { section: string; region: string | null; changes: Change[] }>();
  for (const change of changes) {
    const key = `${change.section}\u0000${change.region ?? ''}`;
    const place = places.get(key) ?? { section: change.section, region: change.region, changes: [] };
    place.changes.push(change);
    places.set(key, place);
  }
  const best = (list: Change[]) => Math.min(...list.map((c) => SEVERITY_ORDER[c.severity ?? 'info']));
  const ordered = [...places.values()].sort(
    (a, b) =>
      best(a.changes) - best(b.changes) || compareNatural(a.section, b.section) || compareNatural(a.region, b.region),
  );
  const groups = new Map<string, SummaryGroup>();
  for (const place of ordered) {
    const lines = summaryLines(place.changes);
    const label = groupLabel(place.section, place.region);
    const same = lines.map((line) => `${line.mark}${lineText(line)}`).join('\n');
    const twin = groups.get(same);
    if (twin) {
      twin.label = `${twin.label} / ${label}`;
      twin.changeCount += place.changes.length;
      twin.lines = twin.lines.map((line, index) => ({
        ...line,
        changes: [...line.changes, ...lines[index]!.changes],
      }));
    } else groups.set(same, { label, lines, changeCount: place.changes.length });
  }
  return [...groups.values()];
}

/** A group with the lines that fit a budget. */
export interface ShownSummaryGroup {
  label: string;
  lines: SummaryLine[];
  /** Changes of this group on lines not shown. */
  omittedChanges: number;
}

export interface LimitedSummary {
  groups: ShownSummaryGroup[];
  /** Changes in groups not shown at all, and how many groups. */
  omittedChanges: number;
  omittedGroups: number;
  /** Whether anything was left out. */
  cut: boolean;
}

/**
 * At most `perGroup` lines of each group, `total` lines in all and about `values` values
 * (a line lists at most `valuesPerLine`); the rest is counted in changes.
 */
export function limitSummary(
  groups: SummaryGroup[],
  limits: { perGroup: number; total: number; values: number; valuesPerLine: number },
): LimitedSummary {
  const shown: ShownSummaryGroup[] = [];
  let budget = limits.total;
  let values = limits.values;
  let omittedChanges = 0;
  let omittedGroups = 0;
  for (const group of groups) {
    if (budget <= 0 || values <= 0) {
      omittedGroups += 1;
      omittedChanges += group.changeCount;
      continue;
    }
    const lines: SummaryLine[] = [];
    for (const line of group.lines.slice(0, Math.min(limits.perGroup, budget))) {
      if (values <= 0) break;
      lines.push(line);
      values -= Math.max(1, Math.min(line.items.length, limits.valuesPerLine));
    }
    budget -= lines.length;
    const listed = lines.reduce((sum, line) => sum + line.changes.length, 0);
    shown.push({ label: group.label, lines, omittedChanges: group.changeCount - listed });
  }
  return {
    groups: shown,
    omittedChanges,
    omittedGroups,
    cut: omittedGroups > 0 || shown.some((group) => group.omittedChanges > 0),
  };
}
