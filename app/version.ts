/**
 * The one source of our version: package.json, read once. `--version`, the User-Agent of every
 * outbound request and /metrics all take it from here, so a release changes one file.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version in the package.json above this file (app/ in the source tree, dist/app/ when built). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'endpoint-watch' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here: look one level up.
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export const VERSION: string = packageVersion();

/** Sent with every HTTP request we make (documents, Slack). */
export const USER_AGENT = `endpoint-watch/${VERSION}`;
