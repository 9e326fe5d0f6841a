/**
 * Sealed folders. Every folder a run commits (gen-NNN/, and the end-of-epoch gen-NNN.epoch-EEEE/)
 * lists the size and SHA-256 of each of its files in manifest.json, written after the files and
 * before COMPLETE; COMPLETE holds the SHA-256 of manifest.json itself. A folder is trusted only when
 * all of that verifies, so a truncated, altered or missing file (manifest and COMPLETE included) is
 * named in an error and never loaded. Symbolic links are refused: a sealed folder holds its own files.
 *
 * A manifest may also bind its folder to a place (binding.ts: the run, the generation, the previous
 * generation's manifest); this file only stores the binding, binding.ts checks it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDir, TEMP_SUFFIX, tempTargetOf, writeFileAtomic } from './atomic.ts';
import { COMPLETE_FILE, MANIFEST_FILE } from './layout.ts';

/** Format 2 may carry a binding; format 1 (before bindings) is still read. */
export const MANIFEST_FORMAT = 'collapse-lab-manifest/2';

/** Where a sealed folder belongs (binding.ts checks it). */
export interface Binding {
  /** The run's identity (run.json's id). */
  run: string;
  generation: number;
  /** For an end-of-epoch folder: the epoch. */
  epoch?: number;
  /** SHA-256 of the previous generation's manifest.json (what its COMPLETE names); null for generation 1. */
  previous: string | null;
}

export interface ManifestEntry {
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface Manifest {
  format: string;
  /** Where the folder belongs (absent in format 1, and in folders outside runs such as the classifier cache). */
  binding?: Binding;
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
  /** Written into the manifest (see Binding). Defaults to none. */
  binding?: Binding;
  /**
   * File names a folder already at `final` may hold besides those its own manifest lists (folders
   * written before manifests): it is replaced only when every entry is one of these, listed, or a
   * temporary file; anything else stops the write. Defaults to none.
   */
  known?: ReadonlySet<string>;
}

/**
 * Publishes a folder as one unit: `fill` writes its files into `<final>.partial/`, which is sealed
 * (manifest, COMPLETE) and renamed to `final`. A failed write leaves nothing behind; a crash leaves
 * only the .partial folder, which the next start deletes. Files written in `fill` may skip their
 * folder flush (`{ syncFolder: false }`): sealing flushes the folder once.
 */
export async function writeSealedFolder(final: string, fill: (temp: string) => Promise<void>, options: SealedFolderOptions = {}): Promise<void> {
  const temp = options.concurrent ? `${final}.${process.pid}${TEMP_SUFFIX}` : final + TEMP_SUFFIX;
  const known = options.known ?? new Set<string>();
  // Both names are replaced below: each must be absent or a folder of ours (a temporary folder holds files only).
  await checkReplaceable(temp, 'any-file');
  await checkReplaceable(final, known);
  await rm(temp, { recursive: true, force: true });
  try {
    await mkdir(temp, { recursive: true });
    await fill(temp);
    await sealFolder(temp, { binding: options.binding });
  } catch (err) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  await checkReplaceable(final, known);
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
export async function sealFolder(dir: string, options: { binding?: Binding; completedAt?: Date } = {}): Promise<void> {
  const completedAt = options.completedAt ?? new Date();
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name !== MANIFEST_FILE && e.name !== COMPLETE_FILE && !e.name.endsWith(TEMP_SUFFIX))
    .map((e) => e.name)
    .sort();
  const manifest: Manifest = { format: MANIFEST_FORMAT, ...(options.binding ? { binding: options.binding } : {}), files: {} };
  for (const name of names) manifest.files[name] = await hashFile(join(dir, name));
  const text = JSON.stringify(manifest, null, 2) + '\n';
  await writeFileAtomic(join(dir, MANIFEST_FILE), text, { syncFolder: false });
  await writeFileAtomic(join(dir, COMPLETE_FILE), JSON.stringify({ manifestSha256: sha256(text), completedAt: completedAt.toISOString() }) + '\n', { syncFolder: false });
  // One flush of the folder covers every file written into it (each written with syncFolder: false).
  await syncDir(dir);
}

/** The folder's manifest, after checking it against COMPLETE (not the files themselves). */
export async function readManifest(dir: string): Promise<Manifest> {
  return (await readSealedManifest(dir)).manifest;
}

/** A sealed folder's manifest and its SHA-256 as COMPLETE names it (what the next generation's binding names), checked as readManifest says. */
export async function readSealedManifest(dir: string): Promise<{ manifest: Manifest; digest: string }> {
  if ((await lstat(dir).catch(() => null))?.isSymbolicLink()) {
    throw new CorruptFolderError(dir, `${dir} is a symbolic link; expected the folder collapse-lab wrote there (symbolic links are refused).`);
  }
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
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text.toString('utf8')) as Manifest;
  } catch {
    throw new CorruptFolderError(manifestPath, `${manifestPath} is not JSON; expected the list of the folder's files and their SHA-256.`);
  }
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new CorruptFolderError(manifestPath, `${manifestPath} has format '${manifest.format}'; expected '${MANIFEST_FORMAT}'.`);
  }
  return { manifest, digest: expected };
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
    const info = await lstat(path).catch(() => null);
    if (!info) throw new CorruptFolderError(path, `${path} is missing; expected the ${entry.size}-byte file listed in ${MANIFEST_FILE}.`);
    if (!info.isFile()) throw notAFile(path, info.isSymbolicLink());
    checkEntry(path, entry, info.size);
    if ((await hashFile(path)).sha256 !== entry.sha256) throw altered(path);
  }
  return manifest;
}

/** Reads one file of a sealed folder, checked against its manifest; never returns unverified bytes. */
export async function readVerified(dir: string, name: string, checked?: Manifest): Promise<Buffer> {
  const manifest = checked ?? (await readManifest(dir));
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

function notAFile(path: string, link: boolean): CorruptFolderError {
  return new CorruptFolderError(path, link ? `${path} is a symbolic link; expected the file collapse-lab wrote there (symbolic links are refused).` : `${path} is not a file; expected the file collapse-lab wrote there.`);
}

function altered(path: string): CorruptFolderError {
  return new CorruptFolderError(path, `${path} does not match its SHA-256 in ${MANIFEST_FILE}; expected the bytes that were written (altered or corrupted).`);
}

/** A regular file's bytes, null when there is none; a symbolic link is refused, never followed. */
async function readOrNull(path: string): Promise<Buffer | null> {
  const info = await lstat(path).catch(() => null);
  if (!info || info.isDirectory()) return null;
  if (!info.isFile()) throw notAFile(path, info.isSymbolicLink());
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

/** Something in the way that collapse-lab did not make (or may not delete): the write or the resume stops. */
export class ForeignEntryError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ForeignEntryError';
  }
}

/**
 * Throws a ForeignEntryError unless `path` may be deleted or replaced: it is absent, or a real folder
 * (not a symbolic link) whose every entry is a regular file collapse-lab writes there (a name in
 * `known`, one its manifest lists when that manifest matches COMPLETE, the manifest and COMPLETE
 * themselves, or a temporary file of one of those; 'any-file' for our temporary folders, whose name
 * is ours), and this process may delete it. Writes nothing.
 */
export async function checkReplaceable(path: string, known: ReadonlySet<string> | 'any-file'): Promise<void> {
  const info = await lstat(path).catch(() => null);
  if (!info) return;
  const away = 'move it away, then try again';
  if (info.isSymbolicLink()) throw new ForeignEntryError(path, `${path} is a symbolic link, which collapse-lab does not make; expected a folder it wrote there (symbolic links are refused: ${away}).`);
  if (!info.isDirectory()) throw new ForeignEntryError(path, `${path} is a file collapse-lab did not write; expected a folder it wrote there (${away}).`);
  const listed = new Set(Object.keys((await readManifest(path).catch(() => null))?.files ?? {}));
  const ours = (name: string) => known === 'any-file' || known.has(name) || listed.has(name) || name === MANIFEST_FILE || name === COMPLETE_FILE;
  for (const e of await readdir(path, { withFileTypes: true })) {
    const temp = tempTargetOf(e.name);
    if (!e.isFile()) throw new ForeignEntryError(join(path, e.name), `${path} holds ${e.name}, ${e.isSymbolicLink() ? 'a symbolic link' : 'a folder'} collapse-lab does not make there; expected only its own files in a folder it replaces (${away}).`);
    if (!(ours(e.name) || (temp !== null && ours(temp)))) throw new ForeignEntryError(join(path, e.name), `${path} holds ${e.name}, which collapse-lab did not write there; expected only its own files in a folder it replaces (${away}).`);
  }
  for (const p of [path, dirname(path)]) {
    try {
      await access(p, constants.W_OK);
    } catch {
      throw new ForeignEntryError(path, `${path} cannot be deleted by this process (${p === path ? 'it' : `the folder ${basename(p)} holding it`} is not writable); expected a folder this process may replace (make it writable, or ${away}).`);
    }
  }
}

/** Deletes a folder after checkReplaceable; a failure is one sentence naming it. */
export async function removeOwnedFolder(path: string, known: ReadonlySet<string> | 'any-file'): Promise<void> {
  await checkReplaceable(path, known);
  try {
    await rm(path, { recursive: true, force: true });
  } catch (err) {
    throw new ForeignEntryError(path, `${path} could not be deleted (${(err as { code?: string }).code ?? (err as Error).message}); expected a folder this process may replace.`);
  }
}
