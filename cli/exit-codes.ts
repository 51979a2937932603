/**
 * Exit codes, decided here and only here (library code throws typed errors):
 *   0  success (every source ran; for `lookup`, something matched)
 *   1  a source failed, an alert could not be delivered, `lookup` found nothing,
 *      `diff --exit-code` found changes
 *   2  usage or configuration error: nothing was run
 */
import { ConfigError, EndpointWatchError, UsageError } from '../errors/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT_USAGE;
  if (err instanceof EndpointWatchError) return EXIT_FAILURE;
  return EXIT_FAILURE;
}
