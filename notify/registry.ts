/**
 * The notifier kinds a config can name, and building notifiers from config entries. This map
 * loads every notifier; the command line loads only the types its config names
 * (notify/loaders.ts, which notify/loaders.test.ts keeps equal to this map).
 */
import type { z } from 'zod';
import { problemsError, describeIssue } from '../config/deferred.js';
import { notifierEntrySchema, requiredKeyMessage, type NotifierConfig } from '../config/schema.js';
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
 * The options schema of every type, routing keys included: the one definition of what a
 * notifier entry may say. The config schema validates entries with it (config/schema.ts
 * `notifierEntrySchema`, passed these by cli/context.ts); nothing validates them again.
 */
export const notifierSchemas: ReadonlyMap<string, z.ZodType> = new Map(
  [...notifierModules].map(([type, module]) => [type, module.options]),
);

/**
 * Validates entries that do not come from a config file (tests, tools) exactly as the config
 * does, with the same messages (`notifiers[0].webhookUrl: ...`); one ConfigError lists them all.
 */
export function validateNotifierEntries(entries: readonly unknown[]): NotifierConfig[] {
  const schema = notifierEntrySchema(notifierSchemas);
  const problems: string[] = [];
  const valid: NotifierConfig[] = [];
  entries.forEach((entry, index) => {
    const result = schema.safeParse(entry, { error: requiredKeyMessage });
    if (result.success) valid.push(result.data);
    else
      for (const issue of result.error.issues)
        problems.push(...describeIssue({ ...issue, path: ['notifiers', index, ...issue.path] }));
  });
  if (problems.length) throw problemsError('notifier entries', problems);
  return valid;
}

/**
 * Builds the notifiers of validated entries (config/load.ts `resolveNotifiers`, or
 * validateNotifierEntries), in order. Throws ConfigError when two would share an id: the outbox
 * tracks deliveries by id, so one of them would never be sent to.
 */
export function createNotifiers(configs: readonly NotifierConfig[], context: NotifierContext): Notifier[] {
  return buildNotifiersWith(notifierModules, configs, context);
}

/** Validates and builds entries given as plain values (no config file): tests and tools. */
export function notifiersFromEntries(entries: readonly unknown[], context: NotifierContext): Notifier[] {
  return createNotifiers(validateNotifierEntries(entries), context);
}

/** What the pipeline uses when the config names no notifier: the console. */
export function defaultNotifiers(context: NotifierContext): Notifier[] {
  return [consoleNotifier.create({ type: 'console' }, context)];
}
