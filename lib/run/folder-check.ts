/**
 * Why a folder cannot be made (or written) at a path, in words a user can act on, found before
 * anything is written: so that no raw errno (ENOTDIR, EEXIST, EACCES) reaches the user.
 */
import { access, constants, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { nonFolderKind } from './open.ts';

/**
 * Null when `path` is a folder this process may write into, or can be made as one; else the reason,
 * as the end of a sentence: "/dev/null is a character device", "/data is not writable by this process".
 */
export async function whyNoFolder(path: string): Promise<string | null> {
  for (let p = path; ; p = dirname(p)) {
    const kind = await nonFolderKind(p);
    if (kind) return p === path ? `it is ${kind}` : `${p} is ${kind}`;
    if (await stat(p).catch(() => null)) {
      const writable = await access(p, constants.W_OK).then(() => true, () => false);
      return writable ? null : `${p === path ? 'it' : p} is not writable by this process`;
    }
    if (p === dirname(p)) return null;
  }
}
