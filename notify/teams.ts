/**
 * Microsoft Teams notifier: posts an Adaptive Card (version 1.4) as a message attachment,
 * `{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
 * "content": {...}}]}`, which is what a Teams Workflows "When a Teams webhook request is
 * received" flow posts to a channel, and what the older Office 365 connector incoming webhooks
 * accept too. The card (notify/render/teams.ts) renders the same summary as Slack within a budget far
 * under Teams' 28 KB message limit; the rest is counted with a pointer to the commit and
 * `history`. The webhook URL is a credential (its query carries the signature) and is redacted
 * from every error.
 */
import { z } from 'zod';
import { formatTeams, type TeamsMessage } from './render/teams.js';
import { postJson, type PostDelays } from './post-json.js';
import { mapStrings, replacedControls } from '../app/visible-text.js';
import { digestTeams } from './digest.js';
import type { Digest, Notification, Notifier, NotifierContext, NotifierModule } from './types.js';

export { TEAMS_BUDGET, escapeCardMarkdown, formatTeams, type AdaptiveCard, type TeamsMessage } from './render/teams.js';

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

export function createTeamsNotifier(options: TeamsOptions, delays: PostDelays = {}): Notifier {
  const id = 'teams';
  const post = (message: TeamsMessage) =>
    postJson(
      {
        notifier: id,
        peer: 'Teams webhook',
        url: options.webhookUrl,
        body: JSON.stringify(mapStrings(message, replacedControls)),
        timeoutSeconds: options.timeoutSeconds,
        retries: options.retries,
      },
      delays,
    );
  return {
    id,
    type: 'teams',
    send: (notification: Notification) => post(formatTeams(notification)),
    sendDigest: (digest: Digest) => post(digestTeams(digest)),
  };
}

export const teamsNotifier: NotifierModule<TeamsOptions> = {
  type: 'teams',
  description: 'Posts an Adaptive Card to a Microsoft Teams channel through a Workflows (or incoming) webhook.',
  options: teamsOptionsSchema,
  create: (options: TeamsOptions, _context: NotifierContext) => createTeamsNotifier(options),
};
