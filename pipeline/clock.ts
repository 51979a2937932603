/**
 * The time of a run. `ENDPOINT_WATCH_NOW` (an ISO 8601 time) replaces the clock when it is set,
 * so a test or a replay can play a document's history at its own dates: confirmAfter is
 * measured with it and snapshot commits are dated with it.
 */
import { UsageError } from '../errors/index.js';

export const NOW_VARIABLE = 'ENDPOINT_WATCH_NOW';

export function clockFromEnv(env: Readonly<Record<string, string | undefined>>): () => Date {
  const text = env[NOW_VARIABLE]?.trim();
  if (!text) return () => new Date();
  // Date-and-time only: a bare date or a number is too easy to get wrong silently.
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(time))
    throw new UsageError(`${NOW_VARIABLE}="${text}" is not an ISO 8601 time (e.g. 2024-05-01T10:00:00Z)`);
  return () => new Date(time);
}
