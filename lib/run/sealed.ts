/**
 * Sealed folders. Every folder a run commits (gen-NNN/, and the end-of-epoch gen-NNN.epoch-EEEE/)
 * lists the size and SHA-256 of each of its files in manifest.json, written after the files and
 * before COMPLETE; COMPLETE holds the SHA-256 of manifest.json itself. A folder is trusted only when
 * all of that verifies, so a truncated, altered or missing file (manifest and COMPLETE included) is
 * named in an error and never loaded.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDir, TEMP_SUFFIX, writeFileAtomic } from './atomic.ts';
import { COMPLETE_FILE, MANIFEST_FILE } from './layout.ts';

export const MANIFEST_FORMAT = 'collapse-lab-manifest/1';

export interface ManifestEntry {
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface Manifest {
  format: string;
  /** Plain file name -> size and hash, in name order. */
  files: Record<string, ManifestEntry>;
}

/** Raised when a sealed folder does not verify; `path` is the file (or folder) at fault. */
export class CorruptFolderError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'CorruptFolderError';
  }
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Size and SHA-256 of a file, streamed (synthetic sets can be larger than one Buffer). */
export async function hashFile(path: string): Promise<ManifestEntry> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

export interface SealedFolderOptions {
  /**
   * Several processes may publish the same folder at once (a shared cache): each fills its own
   * temporary folder, and when another one's copy is already in place it is kept and ours dropped.
   * Defaults to false (one writer: the run lock sees to it).
   */
  concurrent?: boolean;
}

/**
 * Publishes a folder as one unit: `fill` writes its files into `<final>.partial/`, which is sealed
 * (manifest, COMPLETE) and renamed to `final`. A failed write leaves nothing behind; a crash leaves
 * only the .partial folder, which the next start deletes. Files written in `fill` may skip their
 * folder flush (`{ syncFolder: false }`): sealing flushes the folder once.
 */
export async function writeSealedFolder(final: string, fill: (temp: string) => Promise<void>, options: SealedFolderOptions = {}): Promise<void> {
  const temp = options.concurrent ? `${final}.${process.pid}${TEMP_SUFFIX}` : final + TEMP_SUFFIX;
  await rm(temp, { recursive: true, force: true });
  try {
    await mkdir(temp, { recursive: true });
    await fill(temp);
    await sealFolder(temp);
  } catch (err) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  await rm(final, { recursive: true, force: true });
  try {
    await rename(temp, final);
  } catch (err) {
    const code = (err as { code?: string }).code;
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    // Another writer's copy got there between our rm and rename: same settings, same bytes; keep it.
    if (!(options.concurrent && (code === 'ENOTEMPTY' || code === 'EEXIST'))) throw err;
  }
  await syncDir(dirname(final));
}

/**
 * Seals `dir`: hashes every file already in it (read back from disk, so the manifest describes what
 * is really there), writes manifest.json, then COMPLETE, and flushes the folder. Call it when every
 * other file is written; they may skip their own folder flush.
 */

export async function sealFolder(dir: string, completedAt = new Date()): Promise<void> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name !== MANIFEST_FILE && e.name !== COMPLETE_FILE && !e.name.endsWith(TEMP_SUFFIX))
    .map((e) => e.name)
    .sort();
  const manifest: Manifest = { format: MANIFEST_FORMAT, files: {} };
  for (const name of names) manifest.files[name] = await hashFile(join(dir, name));
  const text = JSON.stringify(manifest, null, 2) + '\n';
  await writeFileAtomic(join(dir, MANIFEST_FILE), text, { syncFolder: false });
  await writeFileAtomic(join(dir, COMPLETE_FILE), JSON.stringify({ manifestSha256: sha256(text), completedAt: completedAt.toISOString() }) + '\n', { syncFolder: false });
  // One flush of the folder covers every file written into it (each written with syncFolder: false).
  await syncDir(dir);
}

/** The folder's manifest, after checking it against COMPLETE (not the files themselves). */
export async function readManifest(dir: string): Promise<Manifest> {
  const completePath = join(dir, COMPLETE_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
  const complete = await readOrNull(completePath);
  if (complete === null) throw new CorruptFolderError(completePath, `${completePath} is missing; expected a folder that was completely written.`);
  let expected: string | undefined;
  try {
    expected = (JSON.parse(complete.toString('utf8')) as { manifestSha256?: string }).manifestSha256;
  } catch {
    expected = undefined;
  }
  if (typeof expected !== 'string') throw new CorruptFolderError(completePath, `${completePath} is damaged; expected JSON naming the SHA-256 of ${MANIFEST_FILE}.`);
  const text = await readOrNull(manifestPath);
  if (text === null) throw new CorruptFolderError(manifestPath, `${manifestPath} is missing; expected the list of the folder's files and their SHA-256.`);
  if (sha256(text) !== expected) throw new CorruptFolderError(manifestPath, `${manifestPath} does not match the SHA-256 recorded in COMPLETE; expected it unaltered.`);
  const manifest = JSON.parse(text.toString('utf8')) as Manifest;
  if (manifest.format !== MANIFEST_FORMAT) throw new CorruptFolderError(manifestPath, `${manifestPath} has format '${manifest.format}'; expected '${MANIFEST_FORMAT}'.`);
  return manifest;
}

/**
 * Checks every file the manifest lists (size, then SHA-256). Throws a CorruptFolderError naming the
 * first file that is missing, truncated or altered; returns the manifest when all is well. Files
 * the manifest does not list are ignored: they are never loaded.
 */
export async function verifyFolder(dir: string): Promise<Manifest> {
  const manifest = await readManifest(dir);
  for (const [name, entry] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new CorruptFolderError(path, `${path} is missing; expected the ${entry.size}-byte file listed in ${MANIFEST_FILE}.`);
    }
    checkEntry(path, entry, size);
    if ((await hashFile(path)).sha256 !== entry.sha256) throw altered(path);
  }
  return manifest;
}

/** Reads one file of a sealed folder, checked against its manifest; never returns unverified bytes. */
export async function readVerified(dir: string, name: string): Promise<Buffer> {
  const manifest = await readManifest(dir);
  const path = join(dir, name);
  const entry = manifest.files[name];
  if (!entry) throw new CorruptFolderError(path, `${path} is not listed in ${join(dir, MANIFEST_FILE)}; expected every file of the folder to be.`);
  const data = await readOrNull(path);
  if (data === null) throw new CorruptFolderError(path, `${path} is missing; expected the ${entry.size}-byte file listed in ${MANIFEST_FILE}.`);
  checkEntry(path, entry, data.length);
  if (sha256(data) !== entry.sha256) throw altered(path);
  return data;
}

function checkEntry(path: string, entry: ManifestEntry, size: number): void {
  if (size !== entry.size) {
    throw new CorruptFolderError(path, `${path} is ${size} bytes; expected ${entry.size} as listed in ${MANIFEST_FILE} (truncated or altered).`);
  }
}

function altered(path: string): CorruptFolderError {
  return new CorruptFolderError(path, `${path} does not match its SHA-256 in ${MANIFEST_FILE}; expected the bytes that were written (altered or corrupted).`);
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT' || (err as { code?: string }).code === 'EISDIR') return null;
    throw err;
  }
}

/**
 * Reads a file from a folder: checked against the manifest when the folder is sealed; read as is
 * when the folder predates manifests (no manifest.json and a COMPLETE that names none, e.g. a
 * hand-made fixture). A sealed folder whose manifest.json was deleted is refused.
 */
export async function readChecked(dir: string, name: string): Promise<Buffer> {
  if (await isSealed(dir)) return readVerified(dir, name);
  const path = join(dir, name);
  const data = await readOrNull(path);
  if (data === null) throw new Error(`${path} is missing; expected the file collapse-lab writes there.`);
  return data;
}

/** True when the folder has a manifest.json, or a COMPLETE that names one. */
export async function isSealed(dir: string): Promise<boolean> {
  if ((await readOrNull(join(dir, MANIFEST_FILE))) !== null) return true;
  const complete = await readOrNull(join(dir, COMPLETE_FILE));
  return complete !== null && complete.includes('manifestSha256');
}
