/** Writing files so that a crash never leaves a half-written file under the real name. */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The suffix of every temporary file this library writes; leftovers are safe to delete. */
export const TEMP_SUFFIX = '.partial';

/** Writes `data` to `path` by way of a temporary file in the same folder, flushed, then renamed. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}${TEMP_SUFFIX}`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw describeWriteError(path, err);
  }
  await handle.close();
  await rename(temp, path);
}

function describeWriteError(path: string, err: unknown): Error {
  const code = (err as { code?: string }).code;
  if (code === 'ENOSPC') return new Error(`Writing ${path} failed: the disk is full; nothing was replaced.`);
  if (code === 'EACCES' || code === 'EROFS') return new Error(`Writing ${path} failed: the folder is not writable; nothing was replaced.`);
  return new Error(`Writing ${path} failed: ${(err as Error).message}; nothing was replaced.`);
}
