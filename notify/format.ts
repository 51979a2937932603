/**
 * What a notification looks like in each medium: plain text (console, email text part), Slack
 * Block Kit and email (subject + text + HTML). Pure functions, no I/O.
 *
 * Everything shown here except the source id comes from third-party documents (section
 * headings, row purposes, host names, problem descriptions quoting them), so every value is
 * made one-line and stripped of control characters first, then escaped for its medium.
 * Slack output respects Slack's size limits so delivery never fails on size: what does not
 * fit is summed up as "... and N more changes". The text and email outputs list up to
 * TEXT_LIMITS lines (per place and in all) and sum up the rest the same way, so a change of
 * thousands of endpoints stays readable; `endpoint-watch history` lists every line.
 */
import { SEVERITY_ORDER, type Change, type ChangeSummary } from '../catalog/changes.js';
import { changeHeadline, describeNetAddresses, kindLabel } from '../catalog/messages.js';
import { compareEndpointValues, compareNatural } from '../catalog/order.js';
import {
  changeLine,
  groupLabel,
  itemsText,
  lineText,
  oneLine,
  limitSummary,
  summarizeChanges,
  type LimitedSummary,
  type SummaryLine,
} from './summary.js';
import type { Notification, WithheldItem } from './types.js';
import { sourceHealthParagraphs, sourceHealthSubject, sourceHealthTitle } from './format-source-health.js';

export { changeLine, groupLabel, oneLine };

/** Slack Block Kit limits we must stay under (a message over them is rejected with invalid_blocks). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextText: 3000,
  /** Slack truncates the top-level `text` beyond 40 000 characters; ours is a short fallback. */
  fallbackText: 3000,
} as const;

/** Longest single change line or problem we show in Slack, before escaping (escaping can grow it 5x). */
const SLACK_LINE_MAX = 300;
/** Longest group heading in Slack, before escaping. */
const SLACK_HEADING_MAX = 150;

/** How much the text and email outputs list: lines per place (section, region) and in all, values in all and per line. */
export const TEXT_LIMITS = { perGroup: 20, total: 250, values: 600, valuesPerLine: 64 } as const;

export const ACCEPT_COMMAND = 'endpoint-watch run --accept --source';
export const PREVIEW_COMMAND = 'endpoint-watch run --dry-run --source';
export const HISTORY_COMMAND = 'endpoint-watch history --source';

// ---------------------------------------------------------------------------------------------
// Ordering and grouping

const TYPE_RANK: Record<Change['type'], number> = { added: 0, modified: 1, moved: 1, reshaped: 1, removed: 2 };

/**
 * Rank of a change inside its group: lower comes first. What needs action (open the firewall)
 * leads, then cleanup, then information; within each, added, then modified / moved /
 * re-shaped, then removed. Every medium follows this order.
 */
export function displayRank(change: Change): number {
  return SEVERITY_ORDER[change.severity ?? 'info'] * 10 + TYPE_RANK[change.type];
}

/** Order of changes inside one (section, region) group. */
export function compareForDisplay(a: Change, b: Change): number {
  return displayRank(a) - displayRank(b) || compareNatural(a.group, b.group) || compareEndpointValues(a.value, b.value);
}

/** The changes of one place in the document: a section, in one region when the document has regions. */
export interface ChangeGroup {
  section: string;
  region: string | null;
  /** "EU1 · App connector access", "App connector access", "(document)". */
  label: string;
  changes: Change[];
}

/** Groups by (section, region) in the catalog's order, each group ordered by `compare`. */
export function groupChanges(
  changes: Change[],
  compare: (a: Change, b: Change) => number = compareForDisplay,
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
  // Groups that hold something to act on come first, so an alert leads with what needs action.
  const best = (group: ChangeGroup) => Math.min(...group.changes.map((c) => SEVERITY_ORDER[c.severity ?? 'info']));
  return list.sort(
    (a, b) => best(a) - best(b) || compareNatural(a.section, b.section) || compareNatural(a.region, b.region),
  );
}

/** A group with at most `shown` of its items listed. */
export interface ShownGroup<T> {
  label: string;
  items: T[];
  /** Items of this group not listed. */
  omitted: number;
}

/**
 * Lists at most TEXT_LIMITS.perGroup items of each group and TEXT_LIMITS.total in all; what is
 * left out is counted per group, and groups past the total are counted in `omittedGroups`.
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

/** "... and 12 more here" / "... and 40 more changes in 3 more places". */
function moreHere(omitted: number): string {
  return `... and ${omitted} more here`;
}

function moreElsewhere(items: number, groups: number, noun: string): string {
  return `... and ${plural(items, noun)} in ${plural(groups, 'more place')}`;
}

/** Whether a line of the summary lists fewer values than it has. */
function listsCut(limited: LimitedSummary, valuesPerLine: number): boolean {
  return limited.groups.some((group) => group.lines.some((line) => line.items.length > valuesPerLine));
}

/** Where a person finds every change of a summed-up alert: the commit, and `history`. */
function everyChangeText(notification: Extract<Notification, { type: 'changes' }>): string[] {
  const lines: string[] = [];
  if (notification.commitUrl && isWebUrl(oneLine(notification.commitUrl)))
    lines.push(`Every change, in the commit: ${oneLine(notification.commitUrl)}`);
  lines.push(`Every change: ${HISTORY_COMMAND} ${oneLine(notification.source)}`);
  return lines;
}

/** The groups an alert lists: none when the notifier's routing asked for the summary only. */
export function shownGroups(notification: Extract<Notification, { type: 'changes' }>) {
  return notification.summaryOnly ? [] : summarizeChanges(notification.changeSet.changes);
}

/** For a summary-only alert: "Changes: 3 added, 1 removed (summary only)"; else null. */
export function summaryOnlyLine(notification: Extract<Notification, { type: 'changes' }>): string | null {
  return notification.summaryOnly ? `Changes: ${countsText(notification.changeSet.summary)} (summary only)` : null;
}

// ---------------------------------------------------------------------------------------------
// Lines and counts

/** Cuts `text` to at most `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  // Never leave half a surrogate pair behind.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** "1 added, 2 removed" (non-zero counts only). */
export function countsText(summary: ChangeSummary): string {
  const parts: string[] = [];
  if (summary.added) parts.push(`${summary.added} added`);
  if (summary.removed) parts.push(`${summary.removed} removed`);
  if (summary.modified) parts.push(`${summary.modified} modified`);
  if (summary.moved) parts.push(`${summary.moved} moved`);
  if (summary.reshaped) parts.push(`${summary.reshaped} re-shaped`);
  return parts.join(', ') || 'no changes';
}

/** "+1 -2 ~0": added, removed, and everything else (modified, moved, re-shaped) as changed. */
export function countsShort(summary: ChangeSummary): string {
  return `+${summary.added} -${summary.removed} ~${summary.modified + summary.moved + summary.reshaped}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The one-line title of a notification, used by every medium. */
export function notificationTitle(notification: Notification): string {
  const title = kindTitle(notification);
  return notification.possibleDuplicate ? `${title} (re-sent, may be a duplicate)` : title;
}

function kindTitle(notification: Notification): string {
  const source = oneLine(notification.source);
  switch (notification.type) {
    case 'changes':
      return `${source}: ${oneLine(changeHeadline(notification.changeSet.changes))}`;
    case 'baseline':
      return `${source}: now tracking ${plural(notification.entryCount, 'endpoint')}`;
    case 'withheld':
      return `${source}: ${plural(notification.removals.length, 'removal')} withheld, ${notification.removals.length === 1 ? 'it looks' : 'they look'} like breakage`;
    case 'health':
      return `${source}: parser-health problem, new version held, nothing committed`;
    case 'source-failing':
    case 'source-recovered':
      return sourceHealthTitle(notification);
  }
}

export function shortCommit(commit: string): string {
  return /^[0-9a-f]{40,64}$/i.test(commit) ? commit.slice(0, 12) : oneLine(commit);
}

export function isWebUrl(text: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(text);
}

const WITHHELD_INTRO =
  'These removals look like a broken page or parser rather than a real change, so they are withheld: they stay in the catalog and no cleanup alert was sent for them. Everything else in this version was committed and alerted as usual.';
const WITHHELD_PREVIEW = 'Preview what would be committed:';
const WITHHELD_ACCEPT = 'Accept them now:';

/** "2024-05-03 10:00 UTC" for an ISO time. */
export function readableTime(iso: string): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return oneLine(iso);
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** When withheld removals go through: a date, or only by a person. */
export function withheldOutlook(confirmAt: string | null): string {
  return confirmAt
    ? `If the page stays like this, they are committed as removals and alerted on ${readableTime(confirmAt)}.`
    : 'The page lists no endpoint, or nearly none: they stay withheld until a person accepts them, however long that takes.';
}

/** "IP 13.80.22.71 [2: Portal]": one withheld removal inside its (section, region) group. */
export function withheldLine(item: WithheldItem): string {
  return `${kindLabel(item)} ${oneLine(item.value)}${item.group ? ` [${oneLine(item.group)}]` : ''}`;
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

/** Lines before the change list: layout changes said once, confirmed and still-withheld removals. */
export function changeNotes(notification: Extract<Notification, { type: 'changes' }>): string[] {
  const notes: string[] = [];
  if (notification.serial)
    notes.push(`Feed serial: ${oneLine(notification.serial.name)} ${oneLine(notification.serial.value)}`);
  for (const line of notification.layout ?? []) notes.push(`Layout changed: ${oneLine(line)}`);
  if (notification.confirmed?.count)
    notes.push(
      `Confirmed: ${plural(notification.confirmed.count, 'removal')} withheld earlier, now committed (${oneLine(notification.confirmed.how)}).`,
    );
  if (notification.withheldCount)
    notes.push(
      `Withheld: ${plural(notification.withheldCount, 'more removal')} of this version, announced in a separate alert.`,
    );
  return notes;
}

const HEALTH_INTRO =
  'The new version of the document looks broken, so it was held: nothing was committed and no change alerts were sent. The last good snapshot stays in place.';
const HEALTH_ACCEPT = 'If the document really changed this way, accept the new version with:';
const BASELINE_NOTE = 'First snapshot of this source. From now on only changes are reported.';

// ---------------------------------------------------------------------------------------------
// Plain text: console and the email text part

/** The document's own words beside the change, when the pipeline attached them. */
function documentTextOf(notification: Notification): string | null {
  return (notification.type === 'changes' || notification.type === 'withheld') && notification.documentText
    ? notification.documentText
    : null;
}

const DOCUMENT_TEXT_HEADING = "The page's text around it:";
/** Slack shows an excerpt; email and the console the whole (already bounded) text. */
const SLACK_DOCUMENT_LINES = 12;

function documentTextLines(notification: Notification): string[] {
  const text = documentTextOf(notification);
  return text ? [DOCUMENT_TEXT_HEADING, ...text.split('\n').map((line) => `  ${line}`), ''] : [];
}

function slackDocumentExcerpt(notification: Notification): SlackSectionBlock | null {
  const text = documentTextOf(notification);
  if (!text) return null;
  const lines = text.split('\n');
  const shown = lines.slice(0, SLACK_DOCUMENT_LINES).map((line) => escapeMrkdwn(clip(line, 200)));
  const more =
    lines.length > shown.length ? `\n… ${lines.length - shown.length} more line(s) in the email and the commit` : '';
  // Inside a code block only the fence matters; a stray ``` in the page is broken up.
  const body = shown.join('\n').replaceAll('```', '`\u200b``');
  // 12 lines of at most 200 characters, escaped, stay within one section's 3,000.
  return section(clip(`*${DOCUMENT_TEXT_HEADING}*\n\`\`\`${body}\`\`\`${more}`, SLACK_LIMITS.sectionText));
}

function htmlDocumentText(notification: Notification): string[] {
  const text = documentTextOf(notification);
  return text ? [`<h3>${escapeHtml(DOCUMENT_TEXT_HEADING)}</h3>`, `<pre>${escapeHtml(text)}</pre>`] : [];
}

/** The page people read, one line, when the source gives one (`pageUrl`). */
export function pageUrlOf(notification: Notification): string | null {
  return 'pageUrl' in notification && notification.pageUrl ? oneLine(notification.pageUrl) : null;
}

/** "Document", or "Document (raw)" beside a page link: the raw file is not what a person reads. */
export function documentLabel(notification: Notification): string {
  return pageUrlOf(notification) ? 'Document (raw)' : 'Document';
}

/** Plain text (console, the email text part), summed up past TEXT_LIMITS lines. */
export function formatText(notification: Notification): string {
  const lines: string[] = [notificationTitle(notification)];
  if (pageUrlOf(notification)) lines.push(`Page: ${pageUrlOf(notification)}`);
  lines.push(`${documentLabel(notification)}: ${oneLine(notification.location)}`);
  if (notification.type === 'changes' || notification.type === 'baseline') {
    const commit = notification.commit
      ? `Commit: ${shortCommit(notification.commit)}${notification.commitUrl ? ` (${oneLine(notification.commitUrl)})` : ''}`
      : 'Commit: none (dry run)';
    lines.push(commit);
  }
  lines.push('');
  switch (notification.type) {
    case 'changes': {
      if (notification.changeSet.summary.netAddresses)
        lines.splice(
          lines.length - 1,
          0,
          `Addresses: ${describeNetAddresses(notification.changeSet.summary.netAddresses)}`,
        );
      const notes = changeNotes(notification);
      if (notes.length) lines.push(...notes, '');
      const limited = limitSummary(shownGroups(notification), TEXT_LIMITS);
      const summaryOnly = summaryOnlyLine(notification);
      if (summaryOnly) lines.push(summaryOnly, ...everyChangeText(notification), '');
      for (const group of limited.groups) {
        lines.push(group.label);
        for (const line of group.lines) lines.push(`  ${line.mark} ${lineText(line, TEXT_LIMITS.valuesPerLine)}`);
        if (group.omittedChanges) lines.push(`  ${moreHere(group.omittedChanges)}`);
        lines.push('');
      }
      if (limited.omittedGroups)
        lines.push(moreElsewhere(limited.omittedChanges, limited.omittedGroups, 'more change'));
      if (limited.cut || listsCut(limited, TEXT_LIMITS.valuesPerLine)) lines.push(...everyChangeText(notification), '');
      break;
    }
    case 'baseline':
      lines.push(`${BASELINE_NOTE} Now tracking ${plural(notification.entryCount, 'endpoint')}.`, '');
      break;
    case 'withheld': {
      const source = oneLine(notification.source);
      lines.push(WITHHELD_INTRO, '', 'Why:');
      for (const reason of notification.reasons) lines.push(`  - ${oneLine(reason)}`);
      lines.push('', 'Withheld removals:');
      const limited = limitGroups(groupWithheld(notification.removals));
      for (const group of limited.groups) {
        lines.push(group.label);
        for (const item of group.items) lines.push(`  - ${withheldLine(item)}`);
        if (group.omitted) lines.push(`  ${moreHere(group.omitted)}`);
      }
      if (limited.omittedGroups) lines.push(moreElsewhere(limited.omittedItems, limited.omittedGroups, 'more removal'));
      lines.push('', withheldOutlook(notification.confirmAt), '');
      lines.push(
        WITHHELD_PREVIEW,
        `  ${PREVIEW_COMMAND} ${source}`,
        WITHHELD_ACCEPT,
        `  ${ACCEPT_COMMAND} ${source}`,
        '',
      );
      break;
    }
    case 'health':
      lines.push(HEALTH_INTRO, '', 'Problems:');
      for (const problem of notification.problems) lines.push(`  - ${oneLine(problem)}`);
      lines.push('', HEALTH_ACCEPT, `  ${ACCEPT_COMMAND} ${oneLine(notification.source)}`, '');
      break;
    case 'source-failing':
    case 'source-recovered':
      for (const paragraph of sourceHealthParagraphs(notification)) lines.push(paragraph, '');
      break;
  }
  lines.push(...documentTextLines(notification));
  return `${lines.join('\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// Slack Block Kit

export interface SlackHeaderBlock {
  type: 'header';
  text: { type: 'plain_text'; text: string; emoji?: boolean };
}
export interface SlackSectionBlock {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
}
export interface SlackContextBlock {
  type: 'context';
  elements: Array<{ type: 'mrkdwn'; text: string }>;
}
export type SlackBlock = SlackHeaderBlock | SlackSectionBlock | SlackContextBlock;

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks (mrkdwn, escaped). */
  text: string;
  blocks: SlackBlock[];
}

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes `line` and shows `value` in inline code, so a wildcard host like `*.example.com` is
 * not read as bold markup and the endpoint stands out.
 */
function mrkdwnWithValue(line: string, value: string): string {
  const at = value ? line.indexOf(value) : -1;
  if (at < 0 || value.includes('`')) return escapeMrkdwn(line);
  return `${escapeMrkdwn(line.slice(0, at))}\`${escapeMrkdwn(value)}\`${escapeMrkdwn(line.slice(at + value.length))}`;
}

function slackLink(url: string, label: string): string {
  const clean = oneLine(url);
  // Very long URLs stay text, so the context element stays under its size limit.
  if (!isWebUrl(clean) || clean.length > 1000) return escapeMrkdwn(clip(oneLine(label), 500));
  // Inside <url|label>, '|' and '>' would end the link early.
  const target = escapeMrkdwn(clean.replace(/\|/g, '%7C'));
  return `<${target}|${escapeMrkdwn(clip(oneLine(label), 500))}>`;
}

function slackContext(notification: Notification): SlackContextBlock {
  const elements: SlackContextBlock['elements'] = [];
  const location = oneLine(notification.location);
  const page = pageUrlOf(notification);
  if (page) elements.push({ type: 'mrkdwn', text: `Page: ${slackLink(page, clip(page, 500))}` });
  elements.push({
    type: 'mrkdwn',
    text: `${documentLabel(notification)}: ${slackLink(location, clip(location, 500))}`,
  });
  if (notification.type === 'changes' || notification.type === 'baseline') {
    let commit = 'Commit: none (dry run)';
    if (notification.commit) {
      const short = shortCommit(notification.commit);
      commit = `Commit: ${notification.commitUrl ? slackLink(notification.commitUrl, short) : escapeMrkdwn(short)}`;
    }
    elements.push({ type: 'mrkdwn', text: commit });
  }
  return { type: 'context', elements };
}

function header(text: string): SlackHeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: clip(oneLine(text), SLACK_LIMITS.headerText), emoji: false },
  };
}

function section(text: string): SlackSectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/**
 * Packs titled lists of mrkdwn lines into section blocks of at most `maxBlocks`, each under
 * the section text limit; a list that does not fit one block continues in the next.
 * Returns the blocks and how many lines did not fit at all.
 */
function packSections(
  lists: Array<{ heading: string; lines: string[] }>,
  maxBlocks: number,
): { blocks: SlackSectionBlock[]; omitted: number } {
  const blocks: SlackSectionBlock[] = [];
  let omitted = 0;
  for (const list of lists) {
    let index = 0;
    let continued = false;
    while (index < list.lines.length) {
      if (blocks.length >= maxBlocks) {
        omitted += list.lines.length - index;
        break;
      }
      let text = continued ? `${list.heading} (continued)` : list.heading;
      const start = index;
      while (index < list.lines.length) {
        const next = `${text}\n${list.lines[index]}`;
        if (next.length > SLACK_LIMITS.sectionText) break;
        text = next;
        index += 1;
      }
      // A single line too long for an empty block cannot happen (lines and headings are
      // clipped well under the limit), but never loop forever if it somehow did.
      if (index === start) {
        omitted += 1;
        index += 1;
        continue;
      }
      blocks.push(section(text));
      continued = true;
    }
  }
  return { blocks, omitted };
}

function moreLine(omitted: number, noun: string): string {
  return `... and ${plural(omitted, noun)} (\`endpoint-watch history\` lists all of them)`;
}

/** The fallback `text`: title plus as many lines as fit, then "... and N more". */
function fallbackText(title: string, lines: string[], noun: string): string {
  let text = escapeMrkdwn(title);
  let shown = 0;
  for (const line of lines) {
    const next = `${text}\n${line}`;
    // Leave room for the "... and N more" line.
    if (next.length > SLACK_LIMITS.fallbackText - 120) break;
    text = next;
    shown += 1;
  }
  if (shown < lines.length) text += `\n${moreLine(lines.length - shown, noun)}`;
  return text;
}

/** What a Slack alert may use: a few blocks, far under Slack's own limits (SLACK_LIMITS). */
export const SLACK_BUDGET = { blocks: 10, valueChars: 1800 } as const;

/** Ends a Slack line whose values did not all fit. */
const MORE_MARK = ' more';

/** A summary line in mrkdwn: the lead escaped, values as code, as many values as SLACK_BUDGET.valueChars holds. */
function slackSummaryLine(line: SummaryLine): string {
  const lead = line.highlight
    ? mrkdwnWithValue(clip(line.lead, SLACK_LINE_MAX), oneLine(line.highlight))
    : escapeMrkdwn(clip(line.lead, SLACK_LINE_MAX));
  if (!line.items.length) return lead;
  const ranged = line.items.length > 1;
  const shown: string[] = [];
  let length = 0;
  for (const item of line.items) {
    const code = `\`${escapeMrkdwn(clip(oneLine(item.text), 300))}\``;
    const text = ranged && item.range ? `${code} (${item.count} addresses)` : code;
    if (length + text.length > SLACK_BUDGET.valueChars) break;
    shown.push(text);
    length += text.length + 2;
  }
  const rest = line.items.slice(shown.length).reduce((sum, item) => sum + item.count, 0);
  return `${lead}: ${shown.join(', ')}${rest ? ` and ${rest}${MORE_MARK}` : ''}`;
}

/**
 * Packs groups of lines into as few section blocks as hold them (several groups share a
 * block), at most `maxBlocks`; counts the changes of lines that did not fit.
 */
function packSummary(
  lists: Array<{ heading: string; lines: Array<{ text: string; changes: number }> }>,
  maxBlocks: number,
): { blocks: SlackSectionBlock[]; omittedChanges: number; omittedGroups: number } {
  const blocks: SlackSectionBlock[] = [];
  let text = '';
  let omittedChanges = 0;
  let omittedGroups = 0;
  let full = false;
  const flush = () => {
    if (text) blocks.push(section(text));
    text = '';
    if (blocks.length >= maxBlocks) full = true;
  };
  for (const list of lists) {
    if (full) {
      omittedGroups += 1;
      omittedChanges += list.lines.reduce((sum, line) => sum + line.changes, 0);
      continue;
    }
    let heading = list.heading;
    for (const [index, line] of list.lines.entries()) {
      const piece = heading ? `${heading}\n${line.text}` : line.text;
      const joined = text ? `${text}\n${heading ? '\n' : ''}${piece}` : piece;
      if (joined.length <= SLACK_LIMITS.sectionText) {
        text = joined;
        heading = '';
        continue;
      }
      flush();
      if (full) {
        omittedChanges += list.lines.slice(index).reduce((sum, rest) => sum + rest.changes, 0);
        if (index === 0) omittedGroups += 1;
        break;
      }
      text = heading ? piece : `${list.heading} (continued)\n${line.text}`;
      heading = '';
    }
  }
  if (!full) flush();
  return { blocks, omittedChanges, omittedGroups };
}

/** "... and 40 more changes in 3 more places. Every change: <commit> · `endpoint-watch history --source x`". */
function slackEveryChange(
  notification: Extract<Notification, { type: 'changes' }>,
  omittedChanges: number,
  omittedGroups: number,
): string {
  const parts: string[] = [];
  if (omittedChanges)
    parts.push(
      escapeMrkdwn(
        omittedGroups
          ? `... and ${plural(omittedChanges, 'more change')} in ${plural(omittedGroups, 'more place')}.`
          : `... and ${plural(omittedChanges, 'more change')}.`,
      ),
    );
  const where: string[] = [];
  if (notification.commitUrl && isWebUrl(oneLine(notification.commitUrl)))
    where.push(slackLink(notification.commitUrl, 'the commit'));
  where.push(`\`${escapeMrkdwn(`${HISTORY_COMMAND} ${clip(oneLine(notification.source), 200)}`)}\``);
  parts.push(`Every change: ${where.join(' or ')}`);
  return parts.join(' ');
}

export function formatSlack(notification: Notification): SlackMessage {
  const title = notificationTitle(notification);
  const context = slackContext(notification);
  const blocks: SlackBlock[] = [header(title)];

  switch (notification.type) {
    case 'changes': {
      const groups = shownGroups(notification);
      const summaryOnly = summaryOnlyLine(notification);
      if (summaryOnly)
        blocks.push(section(escapeMrkdwn(`${summaryOnly}\n${everyChangeText(notification).join('\n')}`)));
      const lists = groups.map((group) => ({
        heading: `*${escapeMrkdwn(clip(group.label, SLACK_HEADING_MAX))}*`,
        lines: group.lines.map((line) => ({ text: `• ${slackSummaryLine(line)}`, changes: line.changes.length })),
      }));
      const notes = changeNotes(notification).map((note) => escapeMrkdwn(clip(note, SLACK_LINE_MAX)));
      if (notes.length) blocks.push(section(notes.join('\n')));
      const packed = packSummary(lists, SLACK_BUDGET.blocks - 3 - (notes.length ? 1 : 0));
      blocks.push(...packed.blocks);
      const cut =
        packed.omittedChanges > 0 || lists.some((list) => list.lines.some((line) => line.text.endsWith(MORE_MARK)));
      if (cut) blocks.push(section(slackEveryChange(notification, packed.omittedChanges, packed.omittedGroups)));
      const excerpt = slackDocumentExcerpt(notification);
      if (excerpt && blocks.length < SLACK_LIMITS.blocks - 1) blocks.push(excerpt);
      blocks.push(context);
      const allLines = [...notes, ...lists.flatMap((list) => list.lines.map((line) => line.text))];
      return { text: fallbackText(title, allLines, 'more line'), blocks };
    }
    case 'withheld': {
      const source = escapeMrkdwn(clip(oneLine(notification.source), 200));
      blocks.push(section(WITHHELD_INTRO));
      const reasons = notification.reasons.map((reason) => `• ${escapeMrkdwn(clip(oneLine(reason), SLACK_LINE_MAX))}`);
      const lists = [
        { heading: '*Why*', lines: reasons },
        ...groupWithheld(notification.removals).map((group) => ({
          heading: `*${escapeMrkdwn(clip(group.label, SLACK_HEADING_MAX))}*`,
          lines: group.items.map(
            (item) => `• ${mrkdwnWithValue(clip(withheldLine(item), SLACK_LINE_MAX), oneLine(item.value))}`,
          ),
        })),
      ];
      // Besides header, intro, context and the "more" line: the outlook and commands block.
      const packed = packSections(lists, SLACK_LIMITS.blocks - 5);
      blocks.push(...packed.blocks);
      if (packed.omitted > 0) blocks.push(section(moreLine(packed.omitted, 'more line')));
      blocks.push(
        section(
          `${escapeMrkdwn(withheldOutlook(notification.confirmAt))}\n${WITHHELD_PREVIEW} \`${PREVIEW_COMMAND} ${source}\`\n${WITHHELD_ACCEPT} \`${ACCEPT_COMMAND} ${source}\``,
        ),
      );
      const excerpt = slackDocumentExcerpt(notification);
      if (excerpt && blocks.length < SLACK_LIMITS.blocks - 1) blocks.push(excerpt);
      blocks.push(context);
      return {
        text: fallbackText(
          title,
          lists.flatMap((list) => list.lines),
          'more line',
        ),
        blocks,
      };
    }
    case 'baseline': {
      blocks.push(section(`${BASELINE_NOTE} Now tracking *${plural(notification.entryCount, 'endpoint')}*.`));
      blocks.push(context);
      return { text: escapeMrkdwn(title), blocks };
    }
    case 'health': {
      const source = escapeMrkdwn(clip(oneLine(notification.source), 200));
      blocks.push(section(HEALTH_INTRO));
      const problemLines = notification.problems.map(
        (problem) => `• ${escapeMrkdwn(clip(oneLine(problem), SLACK_LINE_MAX))}`,
      );
      // Budget: intro and accept blocks besides header, context and the "more" line.
      const packed = packSections([{ heading: '*Problems*', lines: problemLines }], SLACK_LIMITS.blocks - 5);
      blocks.push(...packed.blocks);
      if (packed.omitted > 0) blocks.push(section(moreLine(packed.omitted, 'more problem')));
      blocks.push(section(`${HEALTH_ACCEPT}\n\`${ACCEPT_COMMAND} ${source}\``));
      blocks.push(context);
      return { text: fallbackText(title, problemLines, 'more problem'), blocks };
    }
    case 'source-failing':
    case 'source-recovered': {
      const paragraphs = sourceHealthParagraphs(notification).map((p) => escapeMrkdwn(p));
      for (const paragraph of paragraphs) blocks.push(section(paragraph));
      blocks.push(context);
      return { text: fallbackText(title, paragraphs, 'more line'), blocks };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Email

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface EmailFormatOptions {
  /** Put before the subject ("[endpoint-watch]"); '' for none. */
  subjectPrefix?: string;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function htmlWithValue(line: string, value: string): string {
  const at = value ? line.indexOf(value) : -1;
  if (at < 0) return escapeHtml(line);
  return `${escapeHtml(line.slice(0, at))}<code>${escapeHtml(value)}</code>${escapeHtml(line.slice(at + value.length))}`;
}

/** A link only for http(s) URLs: a document location like `javascript:` stays text. */
function htmlLink(url: string, label: string): string {
  const clean = oneLine(url);
  if (!isWebUrl(clean)) return escapeHtml(oneLine(label));
  return `<a href="${escapeHtml(clean)}">${escapeHtml(oneLine(label))}</a>`;
}

export function emailSubject(notification: Notification, subjectPrefix = '[endpoint-watch]'): string {
  const source = oneLine(notification.source);
  let rest: string;
  switch (notification.type) {
    case 'changes':
      rest = `${source}: ${oneLine(changeHeadline(notification.changeSet.changes))}`;
      break;
    case 'baseline':
      rest = `${source}: now tracking ${plural(notification.entryCount, 'endpoint')}`;
      break;
    case 'withheld':
      rest = `${source}: ${plural(notification.removals.length, 'removal')} withheld (looks like breakage)`;
      break;
    case 'health':
      rest = `${source}: parser-health problem, new version held`;
      break;
    case 'source-failing':
    case 'source-recovered':
      rest = sourceHealthSubject(notification);
      break;
  }
  if (notification.possibleDuplicate) rest = `${rest} (re-sent, may be a duplicate)`;
  const prefix = oneLine(subjectPrefix);
  return prefix ? `${prefix} ${rest}` : rest;
}

/** A summary line in HTML: values in <code>, at most TEXT_LIMITS.valuesPerLine of them. */
function htmlSummaryLine(line: SummaryLine): string {
  if (!line.items.length)
    return line.highlight ? htmlWithValue(line.lead, oneLine(line.highlight)) : escapeHtml(line.lead);
  return `${escapeHtml(line.lead)}: ${itemsText(line.items, TEXT_LIMITS.valuesPerLine, (value) => `<code>${escapeHtml(oneLine(value))}</code>`)}`;
}

function emailHtml(notification: Notification): string {
  const parts: string[] = [];
  parts.push(`<h2>${escapeHtml(notificationTitle(notification))}</h2>`);
  switch (notification.type) {
    case 'changes': {
      if (notification.changeSet.summary.netAddresses) {
        parts.push(
          `<p>Addresses: ${escapeHtml(describeNetAddresses(notification.changeSet.summary.netAddresses))}</p>`,
        );
      }
      const notes = changeNotes(notification);
      if (notes.length) parts.push(`<p>${notes.map(escapeHtml).join('<br>')}</p>`);
      const limited = limitSummary(shownGroups(notification), TEXT_LIMITS);
      const summaryOnly = summaryOnlyLine(notification);
      if (summaryOnly)
        parts.push(`<p>${[summaryOnly, ...everyChangeText(notification)].map(escapeHtml).join('<br>')}</p>`);
      for (const group of limited.groups) {
        parts.push(`<h3>${escapeHtml(group.label)}</h3>`, '<ul>');
        for (const line of group.lines) parts.push(`<li>${escapeHtml(line.mark)} ${htmlSummaryLine(line)}</li>`);
        if (group.omittedChanges) parts.push(`<li>${escapeHtml(moreHere(group.omittedChanges))}</li>`);
        parts.push('</ul>');
      }
      if (limited.omittedGroups)
        parts.push(`<p>${escapeHtml(moreElsewhere(limited.omittedChanges, limited.omittedGroups, 'more change'))}</p>`);
      if (limited.cut || listsCut(limited, TEXT_LIMITS.valuesPerLine)) {
        const where: string[] = [];
        if (notification.commitUrl && isWebUrl(oneLine(notification.commitUrl)))
          where.push(htmlLink(notification.commitUrl, 'the commit'));
        where.push(`<code>${escapeHtml(`${HISTORY_COMMAND} ${oneLine(notification.source)}`)}</code>`);
        parts.push(`<p>Every change: ${where.join(' or ')}</p>`);
      }
      break;
    }
    case 'withheld': {
      const source = oneLine(notification.source);
      parts.push(`<p>${escapeHtml(WITHHELD_INTRO)}</p>`, '<h3>Why</h3>', '<ul>');
      for (const reason of notification.reasons) parts.push(`<li>${escapeHtml(oneLine(reason))}</li>`);
      parts.push('</ul>');
      const limited = limitGroups(groupWithheld(notification.removals));
      for (const group of limited.groups) {
        parts.push(`<h3>${escapeHtml(group.label)}</h3>`, '<ul>');
        for (const item of group.items)
          parts.push(`<li>${htmlWithValue(withheldLine(item), oneLine(item.value))}</li>`);
        if (group.omitted) parts.push(`<li>${escapeHtml(moreHere(group.omitted))}</li>`);
        parts.push('</ul>');
      }
      if (limited.omittedGroups)
        parts.push(`<p>${escapeHtml(moreElsewhere(limited.omittedItems, limited.omittedGroups, 'more removal'))}</p>`);
      parts.push(`<p>${escapeHtml(withheldOutlook(notification.confirmAt))}</p>`);
      parts.push(`<p>${escapeHtml(WITHHELD_PREVIEW)}</p>`, `<pre>${escapeHtml(`${PREVIEW_COMMAND} ${source}`)}</pre>`);
      parts.push(`<p>${escapeHtml(WITHHELD_ACCEPT)}</p>`, `<pre>${escapeHtml(`${ACCEPT_COMMAND} ${source}`)}</pre>`);
      break;
    }
    case 'baseline':
      parts.push(
        `<p>${escapeHtml(BASELINE_NOTE)} Now tracking <strong>${escapeHtml(plural(notification.entryCount, 'endpoint'))}</strong>.</p>`,
      );
      break;
    case 'health':
      parts.push(`<p>${escapeHtml(HEALTH_INTRO)}</p>`, '<h3>Problems</h3>', '<ul>');
      for (const problem of notification.problems) parts.push(`<li>${escapeHtml(oneLine(problem))}</li>`);
      parts.push('</ul>');
      parts.push(`<p>${escapeHtml(HEALTH_ACCEPT)}</p>`);
      parts.push(`<pre>${escapeHtml(`${ACCEPT_COMMAND} ${oneLine(notification.source)}`)}</pre>`);
      break;
    case 'source-failing':
    case 'source-recovered':
      for (const paragraph of sourceHealthParagraphs(notification)) parts.push(`<p>${escapeHtml(paragraph)}</p>`);
      break;
  }
  parts.push(...htmlDocumentText(notification));
  const page = pageUrlOf(notification);
  const footer = [
    ...(page ? [`Page: ${htmlLink(page, page)}`] : []),
    `${escapeHtml(documentLabel(notification))}: ${htmlLink(notification.location, notification.location)}`,
  ];
  if (notification.type === 'changes' || notification.type === 'baseline') {
    if (!notification.commit) footer.push('Commit: none (dry run)');
    else {
      const short = shortCommit(notification.commit);
      footer.push(`Commit: ${notification.commitUrl ? htmlLink(notification.commitUrl, short) : escapeHtml(short)}`);
    }
  }
  parts.push(`<p style="color:#666">${footer.join('<br>')}</p>`);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${parts.join('\n')}\n</body></html>\n`;
}

export function formatEmail(notification: Notification, options: EmailFormatOptions = {}): EmailContent {
  return {
    subject: emailSubject(notification, options.subjectPrefix ?? '[endpoint-watch]'),
    text: formatText(notification),
    html: emailHtml(notification),
  };
}
