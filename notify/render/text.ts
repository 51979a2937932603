/**
 * Plain text: the console and the email text part. Lists up to TEXT_LIMITS lines (per place
 * and in all) and sums up the rest, so a change of thousands of endpoints stays readable;
 * `endpoint-watch history` lists every line. Pure.
 */
import { describeNetAddresses } from '../../catalog/messages.js';
import { sourceHealthParagraphs } from '../format-source-health.js';
import { groupWithheld, limitGroups, limitSummary, lineText, oneLine } from '../summary.js';
import type { Notification } from '../types.js';
import {
  ACCEPT_COMMAND,
  BASELINE_NOTE,
  DOCUMENT_TEXT_HEADING,
  HEALTH_ACCEPT,
  HEALTH_INTRO,
  PREVIEW_COMMAND,
  TEXT_LIMITS,
  WITHHELD_ACCEPT,
  WITHHELD_INTRO,
  WITHHELD_PREVIEW,
  changeNotes,
  documentLabel,
  documentTextOf,
  everyChangeText,
  historyUrlOf,
  listsCut,
  moreElsewhere,
  moreHere,
  notificationTitle,
  pageUrlOf,
  shownGroups,
  summaryOnlyLine,
  withheldLine,
  withheldOutlook,
} from './common.js';
import { plural, shortCommit } from './words.js';

function documentTextLines(notification: Notification): string[] {
  const text = documentTextOf(notification);
  return text ? [DOCUMENT_TEXT_HEADING, ...text.split('\n').map((line) => `  ${line}`), ''] : [];
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
  if (historyUrlOf(notification)) lines.push(`History: ${historyUrlOf(notification)}`);
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
      const limited = limitGroups(groupWithheld(notification.removals), TEXT_LIMITS);
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
