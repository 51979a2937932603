/** The notifier kinds a config can name, and building notifiers from config entries. */
import { z } from 'zod';
import { problemsError, describeIssue } from '../config/deferred.js';
import { notifierEntrySchema, requiredKeyMessage, type NotifierConfig } from '../config/schema.js';
import { ConfigError } from '../errors/index.js';
import { consoleNotifier } from './console.js';
import { emailNotifier } from './email.js';
import { slackNotifier } from './slack.js';
import { teamsNotifier } from './teams.js';
import { webhookNotifier } from './webhook.js';
import { routedNotifier, routingShape, splitRouting } from './routing.js';
import type { Notifier, NotifierContext, NotifierModule } from './types.js';

/**
 * A module whose options also take the routing keys common to every type (notify/routing.ts);
 * the notifier it creates applies them, the type's own `create` never sees them.
 */
// biome-ignore lint/suspicious/noExplicitAny: each module validates its own settings type
function withRouting(module: NotifierModule<any>): NotifierModule<any> {
  if (!(module.options instanceof z.ZodObject)) throw new Error(`notifier ${module.type}: options must be an object`);
  return {
    ...module,
    options: module.options.extend(routingShape),
    create: (options, context) => {
      const { routing, own } = splitRouting(options as Record<string, unknown>);
      const notifier = module.create(own, context);
      // Every notifier says its type, so the outbox can find a renamed one's successor.
      return routedNotifier(notifier.type ? notifier : { ...notifier, type: module.type }, routing);
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: each module validates its own settings type; the map holds them all
export const notifierModules: ReadonlyMap<string, NotifierModule<any>> = new Map<string, NotifierModule<any>>(
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
  const notifiers: Notifier[] = [];
  configs.forEach((config, index) => {
    const module = notifierModules.get(config.type);
    // Unreachable through the config, whose schema knows exactly these types.
    if (!module) throw new ConfigError(`notifiers[${index}]: unknown notifier type "${config.type}"`);
    const notifier = module.create(config, context);
    const clash = notifiers.findIndex((n) => n.id === notifier.id);
    if (clash >= 0) {
      throw new ConfigError(
        `notifiers[${index}]: notifier id "${notifier.id}" is already used by notifiers[${clash}]; give one of them an "id:" (or a different channel or first recipient)`,
      );
    }
    notifiers.push(notifier);
  });
  return notifiers;
}

/** Validates and builds entries given as plain values (no config file): tests and tools. */
export function notifiersFromEntries(entries: readonly unknown[], context: NotifierContext): Notifier[] {
  return createNotifiers(validateNotifierEntries(entries), context);
}

/** What the pipeline uses when the config names no notifier: the console. */
export function defaultNotifiers(context: NotifierContext): Notifier[] {
  return [consoleNotifier.create({ type: 'console' }, context)];
}
