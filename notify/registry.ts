/**
 * The notifier kinds a config can name, and building notifiers from config entries. This map
 * loads every notifier; the command line loads only the types its config names
 * (notify/loaders.ts, which notify/loaders.test.ts keeps equal to this map).
 */
import { buildNotifiersWith, withRouting, type NotifierModules } from './build.js';
import { consoleNotifier } from './console.js';
import { emailNotifier } from './email.js';
import { slackNotifier } from './slack.js';
import { teamsNotifier } from './teams.js';
import { webhookNotifier } from './webhook.js';
import type { Notifier, NotifierContext } from './types.js';

export const notifierModules: NotifierModules = new Map(
  [consoleNotifier, slackNotifier, emailNotifier, teamsNotifier, webhookNotifier].map((module) => [
    module.type,
    withRouting(module),
  ]),
);

/**
 * Validates each config entry with its module's schema and builds the notifiers, in config
 * order. Throws ConfigError for an unknown type, an invalid entry, or two entries that would
 * share an id (the outbox tracks deliveries by id, so one of them would never be sent to).
 */
export function createNotifiers(configs: ReadonlyArray<{ type: string }>, context: NotifierContext): Notifier[] {
  return buildNotifiersWith(notifierModules, configs, context);
}

/** What the pipeline uses when the config names no notifier: the console. */
export function defaultNotifiers(context: NotifierContext): Notifier[] {
  return [consoleNotifier.create({ type: 'console' }, context)];
}
