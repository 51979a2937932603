/**
 * Building notifiers from config entries with a given set of notifier modules: what
 * notify/registry.ts does with all of them, and the command line with just the ones its
 * config names (notify/loaders.ts), so a run that only prints to the console never loads
 * nodemailer or the Slack client.
 */
import { z } from 'zod';
import type { NotifierConfig } from '../config/schema.js';
import { ConfigError } from '../errors/index.js';
import { routedNotifier, routingShape, splitRouting } from './routing.js';
import type { Notifier, NotifierContext, NotifierModule } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each module validates its own settings type; the map holds them all
export type NotifierModules = ReadonlyMap<string, NotifierModule<any>>;

/**
 * A module whose options also take the routing keys common to every type (notify/routing.ts);
 * the notifier it creates applies them, the type's own `create` never sees them.
 */
// biome-ignore lint/suspicious/noExplicitAny: each module validates its own settings type
export function withRouting(module: NotifierModule<any>): NotifierModule<any> {
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

/**
 * Builds the notifiers of entries the config schema validated (config/load.ts
 * `resolveNotifiers`, or notify/registry.ts `validateNotifierEntries`), in config order, without
 * validating them again. Throws ConfigError for a type not loaded, or two entries that would
 * share an id (the outbox tracks deliveries by id, so one of them would never be sent to).
 * `knownTypes` names every type there is, for the message about an unknown one.
 */
export function buildNotifiersWith(
  modules: NotifierModules,
  configs: readonly NotifierConfig[],
  context: NotifierContext,
  knownTypes: readonly string[] = [...modules.keys()],
): Notifier[] {
  const known = knownTypes.join(', ');
  const notifiers: Notifier[] = [];
  configs.forEach((config, index) => {
    const where = `notifiers[${index}]`;
    const type = (config as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') throw new ConfigError(`${where}: type is missing (known types: ${known})`);
    const module = modules.get(type);
    if (!module) throw new ConfigError(`${where}: unknown notifier type "${type}" (known types: ${known})`);
    const notifier = module.create(config, context);
    const clash = notifiers.findIndex((n) => n.id === notifier.id);
    if (clash >= 0) {
      throw new ConfigError(
        `${where}: notifier id "${notifier.id}" is already used by notifiers[${clash}]; give one of them an "id:" (or a different channel or first recipient)`,
      );
    }
    notifiers.push(notifier);
  });
  return notifiers;
}
