/**
 * Why a folder cannot be made (or written) at a path, in words a user can act on, found before
 * anything is written: so that no raw errno (ENOTDIR, EEXIST, EACCES) reaches the user.
 */
import { access, constants, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Null when `path` is a folder this process may write into, or can be made as one; else what is
 * wrong, as the rest of a sentence about `path`: "is a character device", "is not writable by this
 * process", "cannot be made: /dev/null is a character device".
 */
export async function whyNoFolder(path: string): Promise<string | null> {
  for (let p = path; ; p = dirname(p)) {
    const kind = await nonFolderKind(p);
    const what = kind ? `is ${kind}` : (await stat(p).catch(() => null)) ? await unwritable(p) : undefined;
    if (what !== undefined) return what === null || p === path ? what : `cannot be made: ${p} ${what}`;
    if (p === dirname(p)) return null;
  }
}

async function unwritable(folder: string): Promise<string | null> {
  return access(folder, constants.W_OK).then(
    () => null,
    () => 'is not writable by this process',
  );
}

/**
 * What a path is when it exists and is not a folder ("a file", "a character device", ...); null for a folder or
 * nothing.
 */
export async function nonFolderKind(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (!info || info.isDirectory()) return null;
  if (info.isFile()) return 'a file';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a folder';
}
