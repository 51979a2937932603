/**
 * Every medium's rendering, under the names callers have always imported from here. What an
 * alert says is decided once: notify/summary.ts (grouping, ranges, order, budgets) and
 * notify/render/common.ts (titles, notes, wording); each medium only lays it out and escapes
 * it, in notify/render/: text.ts (console, email text part), slack.ts (Block Kit), email.ts
 * (subject and HTML), teams.ts (Adaptive Card), webhook.ts (versioned JSON).
 *
 * Everything shown except the source id comes from third-party documents (section headings,
 * row purposes, host names, problem descriptions quoting them), so every value is made
 * one-line and stripped of control characters first, then escaped for its medium.
 */
export { changeLine, groupLabel, oneLine } from './summary.js';
export {
  compareForDisplay,
  displayRank,
  groupChanges,
  groupWithheld,
  limitGroups,
  type ChangeGroup,
  type ShownGroup,
} from './summary.js';
export {
  ACCEPT_COMMAND,
  HISTORY_COMMAND,
  PREVIEW_COMMAND,
  TEXT_LIMITS,
  changeNotes,
  countsShort,
  countsText,
  documentLabel,
  notificationTitle,
  historyUrlOf,
  pageUrlOf,
  shownGroups,
  summaryOnlyLine,
  withheldLine,
  withheldOutlook,
} from './render/common.js';
export { clip, isWebUrl, readableTime, shortCommit } from './render/words.js';
export { formatText } from './render/text.js';
export {
  SLACK_BUDGET,
  SLACK_LIMITS,
  escapeMrkdwn,
  formatSlack,
  type SlackBlock,
  type SlackContextBlock,
  type SlackHeaderBlock,
  type SlackMessage,
  type SlackSectionBlock,
} from './render/slack.js';
export {
  emailSubject,
  escapeHtml,
  formatEmail,
  type EmailContent,
  type EmailFormatOptions,
} from './render/email.js';
