/**
 * Slack Block Kit. Within SLACK_BUDGET (a few blocks, far under Slack's own SLACK_LIMITS, so
 * delivery never fails on size): several places share a block, and what does not fit is summed
 * up as "... and N more changes" with where to find every change. Every value from a
 * document is made one line and escaped for mrkdwn. Pure.
 */
import { sourceHealthParagraphs } from '../format-source-health.js';
import { groupWithheld, oneLine, type SummaryLine } from '../summary.js';
import type { Notification } from '../types.js';
import {
  ACCEPT_COMMAND,
  BASELINE_NOTE,
  DOCUMENT_TEXT_HEADING,
  HEALTH_ACCEPT,
  HEALTH_INTRO,
  HISTORY_COMMAND,
  PREVIEW_COMMAND,
  WITHHELD_ACCEPT,
  WITHHELD_INTRO,
  WITHHELD_PREVIEW,
  type ChangesNotification,
  changeNotes,
  documentLabel,
  documentTextOf,
  everyChangeText,
  historyUrlOf,
  notificationTitle,
  pageUrlOf,
  shownGroups,
  summaryOnlyLine,
  withheldLine,
  withheldOutlook,
} from './common.js';
import { clip, isWebUrl, plural, shortCommit } from './words.js';

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
/** Slack shows an excerpt of the page's text; email and the console the whole (already bounded) text. */
const SLACK_DOCUMENT_LINES = 12;

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
  const history = historyUrlOf(notification);
  if (history) elements.push({ type: 'mrkdwn', text: `History: ${slackLink(history, 'the history page')}` });
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
  // Values still listed elsewhere need no rule change: the lead says so, the email lists them.
  if (line.listedElsewhere) return lead;
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
function slackEveryChange(notification: ChangesNotification, omittedChanges: number, omittedGroups: number): string {
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
  const history = historyUrlOf(notification);
  if (history) where.push(slackLink(history, 'the history page'));
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
        packed.omittedChanges > 0 ||
        lists.some((list) => list.lines.some((line) => line.text.endsWith(MORE_MARK))) ||
        groups.some((group) => group.lines.some((line) => line.listedElsewhere));
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
