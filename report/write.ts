/**
 * Writes the history page into a folder: `index.html`, replaced in one rename so a static host
 * never serves half a page. Other files in the folder are left alone.
 */
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EndpointWatchError, UsageError, errorMessage } from '../errors/index.js';

export interface WrittenFile {
  path: string;
  bytes: number;
}

/** The folder can be written to: created when missing; a file or a read-only folder is a UsageError. */
async function writableFolder(dir: string): Promise<void> {
  const existing = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    if (err.code === 'ENOTDIR') throw new UsageError(`--out ${dir} cannot be created: a folder on its path is a file`);
    throw new UsageError(`--out ${dir}: ${errorMessage(err)}`);
  });
  if (existing && !existing.isDirectory()) throw new UsageError(`--out ${dir} is a file, not a folder`);
  if (!existing)
    await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--out ${dir} cannot be created: ${errorMessage(err)}`);
    });
  await access(dir, constants.W_OK).catch(() => {
    throw new UsageError(`--out ${dir} is not writable`);
  });
}

export async function writeHistorySite(dir: string, page: string): Promise<WrittenFile[]> {
  await writableFolder(dir);
  const path = join(dir, 'index.html');
  const temporary = join(dir, `.index.html.${process.pid}.tmp`);
  const bytes = Buffer.from(page, 'utf8');
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw new EndpointWatchError('WRITE', `cannot write ${path}: ${errorMessage(err)}`, { cause: err });
  }
  return [{ path, bytes: bytes.length }];
}
