/**
 * What an alert says, before any medium renders it: the changes of one place (section and
 * region) as few lines as say them all. The changes of one kind in one row become one line
 * with their values sorted (addresses numerically) and consecutive addresses shown as one
 * range; rows given the same values are one line naming the rows; a row's port change is one
 * line. Console, Slack, email and Teams render these lines; the webhook sends the change set.
 * Pure functions.
 */
import { type Change, SEVERITY_ORDER, type Severity } from '../catalog/changes.js';
import { describeFields, formatAddressCount, kindLabel, placeLabel } from '../catalog/messages.js';
import {
  addressKey,
  changeRank,
  compareChangesInPlace,
  compareEndpointValues,
  compareNatural,
} from '../catalog/order.js';
import { formatPorts, isEmptyPorts } from '../catalog/ports.js';
import { rangeSize, tryRangeOf } from '../catalog/address-space.js';
import type { WithheldItem } from './types.js';

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
  /**
   * The values are still (or already) listed in another place the lead names: nothing to open
   * or close for them. Media with little room (Slack, Teams) show the lead alone.
   */
  listedElsewhere?: true;
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

/** How much the text and email outputs list: lines per place (section, region) and in all, values in all and per line. */
export const TEXT_LIMITS = { perGroup: 20, total: 250, values: 600, valuesPerLine: 64 } as const;

/** Consecutive single addresses shown as a range from this many on. */
export const RANGE_MIN = 3;

const TYPE_MARK: Record<Change['type'], SummaryLine['mark']> = {
  added: '+',
  removed: '-',
  modified: '~',
  moved: '>',
  reshaped: '~',
};

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
 * Added or removed endpoints whose message says nothing but the value (no partial coverage),
 * or only that the value is listed in another place too. Those bundle; the others keep their
 * own line, which says more.
 */
function bundlesPlainly(change: Change): boolean {
  if (change.type !== 'added' && change.type !== 'removed') return false;
  // Still listed elsewhere: its addresses stay covered, so no net count is expected to match.
  if (change.listedElsewhere?.length) return true;
  if (change.kind !== 'ip') return true;
  const range = tryRangeOf(change.value);
  if (!range || !change.netAddresses) return true;
  const net = BigInt(change.type === 'added' ? change.netAddresses.added : change.netAddresses.removed);
  return net === rangeSize(range);
}

/** The changes of one bundle, per row. */
type Bundle = Map<string, Change[]>;

/** "EU1 App connector": the first place a change is listed elsewhere, which a bundle shares. */
function firstElsewhere(change: Change): string {
  const place = change.listedElsewhere?.[0];
  return place ? oneLine(placeLabel(place)) : '';
}

/** What a bundle of changes says, for rows of identical values: "10 IPs added (port 443)". */
function bundleKey(change: Change): string | null {
  if (bundlesPlainly(change)) {
    const ports = isEmptyPorts(change.entry.ports) ? '' : formatPorts(change.entry.ports);
    return `${change.type}\u0000${kindLabel(change)}\u0000${ports}\u0000${change.severity ?? 'info'}\u0000${firstElsewhere(change)}`;
  }
  if (change.type === 'modified' && change.fields.length)
    return `modified\u0000${kindLabel(change)}\u0000${describeFields(change).join('; ')}\u0000${change.severity ?? 'info'}`;
  return null;
}

function rowsPrefix(rows: string[]): string {
  const named = rows.filter(Boolean);
  return named.length ? `[${named.map(oneLine).join(', ')}]: ` : '';
}

/** Other places named after "also under" before "and N more places". */
const ALSO_SHOWN = 3;

/**
 * ", all still listed under EU1 App connector; 3 also under EU1 Portal access, EU1 SIEM agent
 * connection": where a bundle's values are listed besides. Empty when they are not.
 */
function elsewhereTail(changes: Change[]): string {
  const first = changes[0]!;
  const place = firstElsewhere(first);
  if (!place) return '';
  const also = new Map<string, number>();
  for (const change of changes)
    for (const other of change.listedElsewhere?.slice(1) ?? []) {
      const label = oneLine(placeLabel(other));
      also.set(label, (also.get(label) ?? 0) + 1);
    }
  const word = first.type === 'added' ? 'already' : 'still';
  let tail = `, all ${word} listed under ${place}`;
  if (also.size) {
    const counts = new Set(also.values());
    const names = [...also.keys()].sort(compareNatural);
    const shown = names.slice(0, ALSO_SHOWN);
    const more = names.length > shown.length ? ` and ${plural(names.length - shown.length, 'more place')}` : '';
    tail +=
      counts.size === 1
        ? `; ${[...counts][0]} also under ${shown.join(', ')}${more}`
        : `; also under ${shown.map((name) => `${name} (${also.get(name)})`).join(', ')}${more}`;
  }
  return tail;
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
  return `${prefix}${count === 1 ? noun : plural(count, noun)} ${verb}${tail}${elsewhereTail(changes)}`;
}

/** The line of one change: its own message, its value shown as code. */
function singleLine(change: Change): SummaryLine {
  return {
    mark: TYPE_MARK[change.type],
    severity: change.severity ?? 'info',
    lead: changeLine(change),
    items: [],
    highlight: change.value,
    changes: [change],
  };
}

/** The lines of one place's changes, ordered: what needs action first (catalog/order.ts). */
export function summaryLines(changes: Change[]): SummaryLine[] {
  const lines: SummaryLine[] = [];
  const bundles = new Map<string, Bundle>();
  for (const change of changes) {
    const key = bundleKey(change);
    if (!key) {
      lines.push(singleLine(change));
      continue;
    }
    const bundle = bundles.get(key) ?? new Map<string, Change[]>();
    bundles.set(key, bundle);
    const row = change.group ?? '';
    bundle.set(row, [...(bundle.get(row) ?? []), change]);
  }
  for (const bundle of bundles.values()) {
    // Rows listing exactly the same values are said once, naming the rows.
    const bySet = new Map<string, { rows: string[]; changes: Change[] }>();
    for (const [row, rowChanges] of bundle) {
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
        lines.push(singleLine(first));
        continue;
      }
      lines.push({
        mark: TYPE_MARK[first.type],
        severity: first.severity ?? 'info',
        lead: bundleLead(perRow, rows),
        items: valueItems(perRow.map((c) => c.value)),
        changes: all,
        ...(first.listedElsewhere?.length ? { listedElsewhere: true as const } : {}),
      });
    }
  }
  return lines.sort((a, b) => compareChangesInPlace(a.changes[0]!, b.changes[0]!));
}

/** The changes of one place in the document: a section, in one region when the document has regions. */
export interface ChangeGroup {
  section: string;
  region: string | null;
  /** "EU1 · App connector access", "App connector access", "(document)". */
  label: string;
  changes: Change[];
}

/** Order of changes inside one (section, region) group: the one order of catalog/order.ts. */
export const compareForDisplay = compareChangesInPlace;
/** Rank of a change inside its group, lower first (catalog/order.ts `changeRank`). */
export const displayRank = changeRank;

/**
 * Groups by (section, region), each group ordered by `compare`; places with something to act
 * on first, so an alert leads with what needs action, then in natural order.
 */
export function groupChanges(
  changes: Change[],
  compare: (a: Change, b: Change) => number = compareChangesInPlace,
): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const key = `${change.section}\u0000${change.region ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        section: change.section,
        region: change.region,
        label: groupLabel(change.section, change.region),
        changes: [],
      };
      groups.set(key, group);
    }
    group.changes.push(change);
  }
  const list = [...groups.values()];
  for (const group of list) group.changes.sort(compare);
  const best = (group: ChangeGroup) => Math.min(...group.changes.map((c) => SEVERITY_ORDER[c.severity ?? 'info']));
  return list.sort(
    (a, b) => best(a) - best(b) || compareNatural(a.section, b.section) || compareNatural(a.region, b.region),
  );
}

/**
 * Changes grouped by place (groupChanges), each group's lines from summaryLines; places whose
 * lines read the same (the same addresses added to two sections) are one group naming both.
 */
export function summarizeChanges(changes: Change[]): SummaryGroup[] {
  const groups = new Map<string, SummaryGroup>();
  for (const place of groupChanges(changes)) {
    const lines = summaryLines(place.changes);
    const same = lines.map((line) => `${line.mark}${lineText(line)}`).join('\n');
    const twin = groups.get(same);
    if (twin) {
      twin.label = `${twin.label} / ${place.label}`;
      twin.changeCount += place.changes.length;
      twin.lines = twin.lines.map((line, index) => ({
        ...line,
        changes: [...line.changes, ...lines[index]!.changes],
      }));
    } else groups.set(same, { label: place.label, lines, changeCount: place.changes.length });
  }
  return [...groups.values()];
}

/** Withheld removals grouped by (section, region), in the order given. */
export function groupWithheld(items: WithheldItem[]): Array<{ label: string; items: WithheldItem[] }> {
  const groups = new Map<string, { label: string; items: WithheldItem[] }>();
  for (const item of items) {
    const key = `${item.section}\u0000${item.region ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { label: groupLabel(item.section, item.region), items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
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

/** A group with at most `shown` of its items listed. */
export interface ShownGroup<T> {
  label: string;
  items: T[];
  /** Items of this group not listed. */
  omitted: number;
}

/**
 * Lists at most `perGroup` items of each group and `total` in all; what is left out is counted
 * per group, and groups past the total are counted in `omittedGroups`.
 */
export function limitGroups<T>(
  groups: Array<{ label: string; items: T[] }>,
  limits: { perGroup: number; total: number } = TEXT_LIMITS,
): { groups: ShownGroup<T>[]; omittedItems: number; omittedGroups: number } {
  const shown: ShownGroup<T>[] = [];
  let budget = limits.total;
  let omittedItems = 0;
  let omittedGroups = 0;
  for (const group of groups) {
    if (budget <= 0) {
      omittedGroups += 1;
      omittedItems += group.items.length;
      continue;
    }
    const items = group.items.slice(0, Math.min(limits.perGroup, budget));
    budget -= items.length;
    shown.push({ label: group.label, items, omitted: group.items.length - items.length });
  }
  return { groups: shown, omittedItems, omittedGroups };
}
