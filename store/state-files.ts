/**
 * Run state kept as one JSON file per source in a git-ignored folder of the snapshot directory
 * (`.withheld/`, `.failures/`): the folder, the atomic write and the listing they share. Each
 * store reads its own files, with the checks and messages its state needs.
 */
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function stateFilePath(dir: string, source: string): string {
  return join(dir, `${source}.json`);
}

/** Writes `state` as `<dir>/<source>.json` through a temporary file, so a crash leaves the old or the new one. */
export async function writeStateFile(dir: string, source: string, state: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.gitignore'), '*\n');
  const path = stateFilePath(dir, source);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, path);
}

/** The sources that have a state file, sorted; none when the folder does not exist. */
export async function stateFileSources(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => n.slice(0, -'.json'.length));
}
