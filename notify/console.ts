/** Console notifier: the plain-text rendering, written to the context's stdout. */
import { z } from 'zod';
import { NotifyError, errorMessage } from '../errors/index.js';
import { digestText } from './digest.js';
import { formatText } from './format.js';
import type { Notification, Notifier, NotifierContext, NotifierModule } from './types.js';

export const consoleOptionsSchema = z.strictObject({
  type: z.literal('console'),
});

export type ConsoleOptions = z.output<typeof consoleOptionsSchema>;

export function createConsoleNotifier(context: NotifierContext, id = 'console'): Notifier {
  return {
    id,
    type: 'console',
    send: (notification: Notification) => write(context, formatText(notification)),
    sendDigest: (digest) => write(context, digestText(digest)),
  };
}

/** Resolves only once the stream took the text, so a closed pipe is a NotifyError, not a lost alert. */
function write(context: NotifierContext, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      context.stdout.write(`${text}\n`, (error?: Error | null) => {
        if (error) reject(new NotifyError('console', `cannot write to the console: ${errorMessage(error)}`));
        else resolve();
      });
    } catch (error) {
      reject(new NotifyError('console', `cannot write to the console: ${errorMessage(error)}`));
    }
  });
}

export const consoleNotifier: NotifierModule<ConsoleOptions> = {
  type: 'console',
  description: 'Prints each notification as plain text to standard output.',
  options: consoleOptionsSchema,
  create: (_options: ConsoleOptions, context: NotifierContext) => createConsoleNotifier(context),
};
