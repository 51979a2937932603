/**
 * A digest message: several alerts in one, each rendered by its medium's own per-alert
 * rendering (notify/format.ts) and put one after the other under a digest heading. Nothing is
 * re-summarised across alerts: each item says what its own alert would have said.
 */
import { describeSchedule } from './digest-schedule.js';
import {
  escapeHtml,
  escapeMrkdwn,
  formatEmail,
  formatSlack,
  formatText,
  notificationTitle,
  readableTime,
  SLACK_LIMITS,
  type EmailContent,
  type SlackBlock,
  type SlackMessage,
} from './format.js';
import { TEAMS_BUDGET, escapeCardMarkdown, formatTeams, type AdaptiveCard, type TeamsMessage } from './render/teams.js';
import type { Digest, Notification } from './types.js';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function sourcesOf(items: Notification[]): string[] {
  return [...new Set(items.map((item) => item.source))];
}

/** "Daily digest: 3 alerts (cas, m365) since 2026-03-02 08:00 UTC". */
export function digestTitle(digest: Digest): string {
  const every = digest.schedule.every === 'weekly' ? 'Weekly' : 'Daily';
  const sources = sourcesOf(digest.items);
  const shown = sources.length > 3 ? `${sources.slice(0, 3).join(', ')}, ...` : sources.join(', ');
  const title = `${every} digest: ${plural(digest.items.length, 'alert')} (${shown}) since ${readableTime(digest.since)}`;
  return digest.possibleDuplicate ? `${title} (re-sent, may be a duplicate)` : title;
}

/** One line per item: its own title. */
function itemTitles(digest: Digest): string[] {
  return digest.items.map((item) => `- ${notificationTitle(item)}`);
}

export function digestText(digest: Digest): string {
  const head = [
    digestTitle(digest),
    `(${describeSchedule(digest.schedule)}; alerts about failing sources and parser health are sent at once)`,
    '',
    ...itemTitles(digest),
  ];
  const bodies = digest.items.map((item) => formatText(item).trimEnd());
  return `${[head.join('\n'), ...bodies].join('\n\n----\n\n')}\n`;
}

/**
 * Slack: the digest heading, then each alert's own blocks when all of them fit in one message;
 * else each alert as one section holding its own fallback text (its title and lines, already
 * escaped and clipped), as many as fit, the rest counted.
 */
export function digestSlack(digest: Digest): SlackMessage {
  const title = digestTitle(digest);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, SLACK_LIMITS.headerText) } },
  ];
  const rendered = digest.items.map((item) => formatSlack(item));
  const room = SLACK_LIMITS.blocks - 2;
  let omitted = 0;
  if (rendered.reduce((sum, message) => sum + message.blocks.length, 0) <= room) {
    for (const message of rendered) blocks.push(...message.blocks);
  } else {
    for (const message of rendered) {
      if (blocks.length >= room) {
        omitted += 1;
        continue;
      }
      const [head, ...rest] = message.text.split('\n');
      const text = [`*${head}*`, ...rest].join('\n');
      const clipped = text.length > SLACK_LIMITS.sectionText ? `${text.slice(0, SLACK_LIMITS.sectionText - 1)}…` : text;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clipped } });
    }
  }
  if (omitted)
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: escapeMrkdwn(
            `... and ${plural(omitted, 'more alert')} that did not fit: \`endpoint-watch history --source ID\` has every change`,
          ),
        },
      ],
    });
  const lines = itemTitles(digest).map(escapeMrkdwn);
  const text = [escapeMrkdwn(title), ...lines].join('\n');
  return {
    text: text.length > SLACK_LIMITS.fallbackText ? `${text.slice(0, SLACK_LIMITS.fallbackText - 1)}…` : text,
    blocks,
  };
}

/** The part of a rendered HTML email between <body> and </body>. */
function htmlBody(html: string): string {
  const match = /<body>\n?([\s\S]*?)\n?<\/body>/.exec(html);
  return match ? match[1]! : html;
}

/** Email: one message, every alert in full, one after the other. */
export function digestEmail(digest: Digest, subjectPrefix = '[endpoint-watch]'): EmailContent {
  const title = digestTitle(digest);
  const parts = digest.items.map((item) => formatEmail(item, { subjectPrefix }));
  const html = [
    `<h2>${escapeHtml(title)}</h2>`,
    `<ul>${digest.items.map((item) => `<li>${escapeHtml(notificationTitle(item))}</li>`).join('')}</ul>`,
    ...parts.map((part) => `<hr>\n${htmlBody(part.html)}`),
  ].join('\n');
  return {
    subject: `${subjectPrefix ? `${subjectPrefix} ` : ''}${title}`,
    text: digestText(digest),
    html: `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${html}\n</body></html>\n`,
  };
}

/** Teams: one card, its title, then each alert's own card body while it fits the budget. */
export function digestTeams(digest: Digest): TeamsMessage {
  const text = (value: string, extra: Record<string, unknown> = {}) =>
    ({ type: 'TextBlock', text: escapeCardMarkdown(value), wrap: true, ...extra }) as AdaptiveCard['body'][number];
  const title = digestTitle(digest);
  const body: AdaptiveCard['body'] = [
    text(title.length > 300 ? `${title.slice(0, 299)}…` : title, { size: 'Large', weight: 'Bolder' }),
  ];
  let omitted = 0;
  for (const item of digest.items) {
    const itemBody = formatTeams(item).attachments[0]!.content.body;
    if (omitted === 0 && JSON.stringify([...body, ...itemBody]).length < TEAMS_BUDGET.bytes - 2000)
      body.push(...itemBody);
    else omitted += 1;
  }
  if (omitted)
    body.push(text(`... and ${plural(omitted, 'more alert')}: endpoint-watch history --source ID has every change`));
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    actions: [],
  };
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}
