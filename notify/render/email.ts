/**
 * Email: the subject, the text part (the plain text of ./text.ts) and an HTML part with the
 * same summary, values in <code>, links only for http(s) URLs. Pure.
 */
import { changeHeadline, describeNetAddresses } from '../../catalog/messages.js';
import { sourceHealthParagraphs, sourceHealthSubject } from '../format-source-health.js';
import { groupWithheld, itemsText, limitGroups, limitSummary, oneLine, type SummaryLine } from '../summary.js';
import type { Notification } from '../types.js';
import {
  ACCEPT_COMMAND,
  BASELINE_NOTE,
  DOCUMENT_TEXT_HEADING,
  HEALTH_ACCEPT,
  HEALTH_INTRO,
  HISTORY_COMMAND,
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
import { formatText } from './text.js';
import { isWebUrl, plural, shortCommit } from './words.js';

function htmlDocumentText(notification: Notification): string[] {
  const text = documentTextOf(notification);
  return text ? [`<h3>${escapeHtml(DOCUMENT_TEXT_HEADING)}</h3>`, `<pre>${escapeHtml(text)}</pre>`] : [];
}

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
        const history = historyUrlOf(notification);
        if (history) where.push(htmlLink(history, 'the history page'));
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
      const limited = limitGroups(groupWithheld(notification.removals), TEXT_LIMITS);
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
  const history = historyUrlOf(notification);
  if (history) footer.push(`History: ${htmlLink(history, history)}`);
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
