/** Why a file the user named could not be read, in words (a raw errno such as EISDIR never reaches the user). */
export function whyUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable by this process';
  if (code === 'ENOTDIR') return 'is not a path to a file (a part of it is a file, not a folder)';
  if (code === 'ELOOP') return 'is a loop of symbolic links';
  return `could not be read (${(err as Error).message})`;
}
