/**
 * Each notifier type's module, imported when a config names that type: a run that prints to
 * the console never loads nodemailer, the Slack client or the HTTP stack for them. The same
 * types and modules as notify/registry.ts (notify/loaders.test.ts checks it).
 */
import { withRouting, type NotifierModules } from './build.js';
import type { NotifierModule } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each module validates its own settings type
const LOADERS: Record<string, () => Promise<NotifierModule<any>>> = {
  console: async () => (await import('./console.js')).consoleNotifier,
  slack: async () => (await import('./slack.js')).slackNotifier,
  email: async () => (await import('./email.js')).emailNotifier,
  teams: async () => (await import('./teams.js')).teamsNotifier,
  webhook: async () => (await import('./webhook.js')).webhookNotifier,
};

/** Every notifier type, in the registry's order. */
export const NOTIFIER_TYPES: readonly string[] = Object.keys(LOADERS);

/** The modules of `types` (with the routing keys), known ones only; every type when none is given. */
export async function loadNotifierModules(types: readonly string[] = NOTIFIER_TYPES): Promise<NotifierModules> {
  const wanted = NOTIFIER_TYPES.filter((type) => types.includes(type));
  const modules = await Promise.all(wanted.map(async (type) => withRouting(await LOADERS[type]!())));
  return new Map(modules.map((module) => [module.type, module]));
}
