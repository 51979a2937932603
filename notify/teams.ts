/**
 * Microsoft Teams notifier: posts an Adaptive Card (version 1.4) as a message attachment,
 * `{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
 * "content": {...}}]}`, which is what a Teams Workflows "When a Teams webhook request is
 * received" flow posts to a channel, and what the older Office 365 connector incoming webhooks
 * accept too. The card renders the same summary as Slack (notify/summary.ts) within a budget far
 * under Teams' 28 KB message limit; the rest is counted with a pointer to the commit and
 * `history`. The webhook URL is a credential (its query carries the signature) and is redacted
 * from every error.
 */
import { z } from 'zod';
import { describeNetAddresses } from '../catalog/messages.js';
import {
  HISTORY_COMMAND,
  changeNotes,
  clip,
  documentLabel,
  formatText,
  isWebUrl,
  notificationTitle,
  pageUrlOf,
  shortCommit,
  shownGroups,
  summaryOnlyLine,
} from './format.js';
import { postJson, type PostDelays } from './post-json.js';
import { mapStrings, replacedControls } from '../app/visible-text.js';
import { itemsText, limitSummary, oneLine } from './summary.js';
import type { Notification, Notifier, NotifierContext, NotifierModule } from './types.js';

export const teamsOptionsSchema = z.strictObject({
  type: z.literal('teams'),
  webhookUrl: z.url({
    protocol: /^https?$/,
    error: 'must be an http(s) URL (the Teams Workflows or incoming-webhook URL)',
  }),
  timeoutSeconds: z.number().positive().max(300).default(10),
  retries: z.number().int().min(0).max(10).default(3),
});

export type TeamsOptions = z.output<typeof teamsOptionsSchema>;

/** What a card may hold: lines, values, and bytes of JSON (Teams rejects messages over 28 KB). */
export const TEAMS_BUDGET = { perGroup: 10, total: 40, values: 400, valuesPerLine: 40, bytes: 24_000 } as const;

interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'Large' | 'Medium';
  weight?: 'Bolder';
  spacing?: 'Medium';
  isSubtle?: boolean;
  fontType?: 'Monospace';
}

interface FactSet {
  type: 'FactSet';
  facts: Array<{ title: string; value: string }>;
}

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: Array<TextBlock | FactSet>;
  actions: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
}

export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }>;
}

/**
 * Adaptive Card text is a small markdown (emphasis with * and _, links with [](), lists): the
 * characters that start those are backslash-escaped so document text (a `*.x` host) stays text.
 */
export function escapeCardMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()]/g, (char) => `\\${char}`);
}

function block(text: string, extra: Partial<TextBlock> = {}): TextBlock {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

function changeBody(notification: Extract<Notification, { type: 'changes' }>): TextBlock[] {
  const body: TextBlock[] = [];
  for (const note of changeNotes(notification))
    body.push(block(escapeCardMarkdown(clip(note, 500)), { isSubtle: true }));
  const limited = limitSummary(shownGroups(notification), TEAMS_BUDGET);
  const summaryOnly = summaryOnlyLine(notification);
  if (summaryOnly)
    body.push(
      block(escapeCardMarkdown(`${summaryOnly}. Every change: ${HISTORY_COMMAND} ${oneLine(notification.source)}`)),
    );
  let valuesCut = false;
  for (const group of limited.groups) {
    body.push(block(escapeCardMarkdown(clip(group.label, 200)), { weight: 'Bolder', spacing: 'Medium' }));
    const lines = group.lines.map((line) => {
      if (line.items.length > TEAMS_BUDGET.valuesPerLine) valuesCut = true;
      const lead = escapeCardMarkdown(clip(line.lead, 400));
      const values = line.items.length
        ? `: ${itemsText(line.items, TEAMS_BUDGET.valuesPerLine, (value) => escapeCardMarkdown(clip(oneLine(value), 300)))}`
        : '';
      return `${escapeCardMarkdown(line.mark)} ${lead}${values}`;
    });
    if (group.omittedChanges) lines.push(escapeCardMarkdown(`... and ${group.omittedChanges} more here`));
    body.push(block(lines.join('\n\n')));
  }
  if (limited.omittedGroups)
    body.push(
      block(
        escapeCardMarkdown(`... and ${limited.omittedChanges} more changes in ${limited.omittedGroups} more places`),
      ),
    );
  if (limited.cut || valuesCut)
    body.push(
      block(escapeCardMarkdown(`Every change: ${HISTORY_COMMAND} ${oneLine(notification.source)}`), { isSubtle: true }),
    );
  return body;
}

/** The card for any notification: changes from the summary, the other kinds from their text. */
export function formatTeams(notification: Notification): TeamsMessage {
  const facts: FactSet['facts'] = [
    { title: documentLabel(notification), value: escapeCardMarkdown(clip(oneLine(notification.location), 300)) },
  ];
  const actions: AdaptiveCard['actions'] = [];
  const page = pageUrlOf(notification);
  if (page && isWebUrl(page)) actions.push({ type: 'Action.OpenUrl', title: 'Open the page', url: page });
  if (isWebUrl(oneLine(notification.location)))
    actions.push({
      type: 'Action.OpenUrl',
      title: page ? 'Document (raw)' : 'Open the document',
      url: oneLine(notification.location),
    });
  let body: TextBlock[];
  if (notification.type === 'changes') {
    if (notification.changeSet.summary.netAddresses)
      facts.push({ title: 'Addresses', value: describeNetAddresses(notification.changeSet.summary.netAddresses) });
    body = changeBody(notification);
  } else {
    // Withheld, baseline and health notices are short and already budgeted as text.
    const [, ...rest] = formatText(notification).trimEnd().split('\n');
    body = [block(escapeCardMarkdown(clip(rest.join('\n'), 12_000)).replace(/\n/g, '\n\n'))];
  }
  if ((notification.type === 'changes' || notification.type === 'baseline') && notification.commit) {
    facts.push({ title: 'Commit', value: shortCommit(notification.commit) });
    if (notification.commitUrl && isWebUrl(oneLine(notification.commitUrl)))
      actions.push({ type: 'Action.OpenUrl', title: 'Open the commit', url: oneLine(notification.commitUrl) });
  }
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      block(escapeCardMarkdown(clip(notificationTitle(notification), 300)), { size: 'Large', weight: 'Bolder' }),
      { type: 'FactSet', facts },
      ...body,
    ] as AdaptiveCard['body'],
    actions,
  };
  // Never over the budget: drop blocks from the end and say where everything is.
  const size = (body: AdaptiveCard['body']) => JSON.stringify({ ...card, body }).length;
  if (size(card.body) > TEAMS_BUDGET.bytes) {
    const tooLong = block(
      escapeCardMarkdown(`... too long for one card. Every change: ${HISTORY_COMMAND} ${oneLine(notification.source)}`),
    );
    while (card.body.length > 2 && size([...card.body, tooLong]) > TEAMS_BUDGET.bytes) card.body.pop();
    card.body.push(tooLong);
  }
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}

export function createTeamsNotifier(options: TeamsOptions, delays: PostDelays = {}): Notifier {
  const id = 'teams';
  return {
    id,
    async send(notification: Notification): Promise<void> {
      await postJson(
        {
          notifier: id,
          peer: 'Teams webhook',
          url: options.webhookUrl,
          body: JSON.stringify(mapStrings(formatTeams(notification), replacedControls)),
          timeoutSeconds: options.timeoutSeconds,
          retries: options.retries,
        },
        delays,
      );
    },
  };
}

export const teamsNotifier: NotifierModule<TeamsOptions> = {
  type: 'teams',
  description: 'Posts an Adaptive Card to a Microsoft Teams channel through a Workflows (or incoming) webhook.',
  options: teamsOptionsSchema,
  create: (options: TeamsOptions, _context: NotifierContext) => createTeamsNotifier(options),
};
