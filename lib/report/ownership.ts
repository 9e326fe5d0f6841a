/**
 * Which report files are ours. A report page carries a generator tag (GENERATOR_TAG) in its head, and
 * its pictures folder (<page>-files/) a list of the files the report wrote there (FILES_LIST, with
 * each file's SHA-256 once written). Only those are ever replaced or deleted: a page without the tag,
 * a picture of the same name that is not on the list (or was changed since), a folder that is a file
 * or a symbolic link stops the report with one sentence, before anything is written; anything else
 * in the folder is left alone.
 *
 * Writing follows the list: first every name about to be written is added to it (no hash yet: a
 * kill mid-way leaves names that are still ours), then the files, the page, and the list with hashes.
 */
import { lstat, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tempTargetOf, writeFileAtomic } from '../run/atomic.ts';
import { sha256 } from '../run/sealed.ts';
import { OptionError, opt, say } from '../options.ts';

/** In the head of every report page: what makes a page at the report's path ours to replace. */
export const GENERATOR_TAG = '<meta name="generator" content="collapse-lab report">';

/** The pictures folder's list of the files the report wrote (a dot file, beside the pictures). */
export const FILES_LIST = '.collapse-lab-report-files.json';
const LIST_FORMAT = 'collapse-lab-report-files/1';

interface FileList {
  format: string;
  /** Name -> SHA-256 of what was written, or null while it is being written. */
  files: Record<string, string | null>;
}

/**
 * Kinds of file the report writes into its folder: one of these that is not ours is in the way even before the
 * names are known.
 */
const PICTURE = /\.(png|svg)$/;

/** A temporary file of ours (writeFileAtomic's `.<name>.<pid>.partial`). */
const isTempName = (name: string) => tempTargetOf(name) !== null;

/** What the folder holds that is ours, and what is the user's (checkReportTarget's answer). */
export interface Ownership {
  list: FileList;
  /** Files on the list whose bytes are what the report wrote (or that it was writing). */
  ours: Set<string>;
  /** Other files in the folder (the user's), temporary files of ours excepted. */
  theirs: Set<string>;
}

function inTheWay(option: string, page: string, path: string, why: string): OptionError {
  return new OptionError(option, page, [
    ...say`${path} ${why}, so the report at ${page} would replace something collapse-lab did not `,
    ...say`make; expected no file there or one of its own (move it away, or choose another ${opt(option)}).`,
  ]);
}

async function ownership(option: string, page: string, folder: string): Promise<Ownership> {
  const empty: Ownership = { list: { format: LIST_FORMAT, files: {} }, ours: new Set(), theirs: new Set() };
  const info = await lstat(folder).catch(() => null);
  if (!info) return empty;
  if (!info.isDirectory())
    throw inTheWay(
      option,
      page,
      folder,
      info.isSymbolicLink() ? 'is a symbolic link (its pictures folder)' : 'is a file where its pictures folder goes',
    );
  let list = empty.list;
  const text = await readFile(join(folder, FILES_LIST), 'utf8').catch(() => null);
  if (text !== null) {
    try {
      const parsed = JSON.parse(text) as FileList;
      if (parsed.format === LIST_FORMAT && typeof parsed.files === 'object' && parsed.files !== null) list = parsed;
    } catch {
      // A damaged list proves nothing: every file in the folder counts as the user's.
    }
  }
  const ours = new Set<string>();
  const theirs = new Set<string>();
  for (const e of await readdir(folder, { withFileTypes: true })) {
    if (e.name === FILES_LIST || isTempName(e.name)) continue;
    const hash = list.files[e.name];
    const mine =
      e.isFile() && hash !== undefined && (hash === null || sha256(await readFile(join(folder, e.name))) === hash);
    (mine ? ours : theirs).add(e.name);
  }
  return { list, ours, theirs };
}

/**
 * Checks, writing nothing, that a report may be written at `page` with its pictures in `folder`:
 * the page is absent or ours, and no file of the user's is where a picture goes (`names`, or when
 * they are not known yet, any picture). `option` is what the caller calls the page's path. Returns
 * what of the folder is ours, for writeOwnedReport / removeOwnedReport.
 */
export async function checkReportTarget(
  option: string,
  page: string,
  folder: string,
  names?: readonly string[],
): Promise<Ownership> {
  const info = await lstat(page).catch(() => null);
  if (info) {
    if (!info.isFile())
      throw inTheWay(option, page, page, info.isSymbolicLink() ? 'is a symbolic link' : 'is not a file');
    const head = (await readFile(page)).subarray(0, 4096).toString('utf8');
    if (!head.includes(GENERATOR_TAG))
      throw inTheWay(option, page, page, 'has no collapse-lab generator tag (a page of your own?)');
  }
  const owned = await ownership(option, page, folder);
  const clash = [...owned.theirs].find((n) => (names ? names.includes(n) : PICTURE.test(n)));
  if (clash) throw inTheWay(option, page, join(folder, clash), 'is not a file the report wrote (or was changed since)');
  return owned;
}

/**
 * Writes the page and its pictures (name -> bytes) after checkReportTarget (done here unless the
 * caller passes what its own check of these names just returned), then deletes pictures of an
 * earlier report of ours that this one no longer has; returns the paths written, page last.
 */
export async function writeOwnedReport(
  option: string,
  page: string,
  folder: string,
  html: string,
  pictures: ReadonlyMap<string, Uint8Array | string>,
  checked?: Ownership,
): Promise<string[]> {
  const names = [...pictures.keys()];
  const { list, ours } = checked ?? (await checkReportTarget(option, page, folder, names));
  const listPath = join(folder, FILES_LIST);
  const claimed: FileList = {
    format: LIST_FORMAT,
    files: {
      ...Object.fromEntries([...ours].map((n) => [n, list.files[n]])),
      ...Object.fromEntries(names.map((n) => [n, null])),
    },
  };
  await writeFileAtomic(listPath, JSON.stringify(claimed, null, 2) + '\n');
  const written: string[] = [];
  const final: FileList = { format: LIST_FORMAT, files: {} };
  for (const [name, data] of pictures) {
    await writeFileAtomic(join(folder, name), data);
    final.files[name] = sha256(data);
    written.push(join(folder, name));
  }
  await writeFileAtomic(page, html);
  // Pictures of an earlier report of ours (another set of runs) would only mislead.
  for (const name of ours) if (!pictures.has(name)) await rm(join(folder, name), { force: true });
  await writeFileAtomic(listPath, JSON.stringify(final, null, 2) + '\n');
  written.push(page);
  return written;
}

/**
 * Checks, writing nothing, that the report at `page` (pictures in `folder`) may be deleted: the page is absent
 * or ours.
 */
export async function checkOwnedReport(option: string, page: string, folder: string): Promise<void> {
  await checkReportTarget(option, page, folder, []);
}

/**
 * Deletes a report of ours after checkOwnedReport: the page, the pictures on the folder's list that
 * are as written, our temporary files and the list; the user's files stay (and so the folder).
 */
export async function removeOwnedReport(option: string, page: string, folder: string): Promise<void> {
  const { ours } = await checkReportTarget(option, page, folder, []);
  await rm(page, { force: true });
  if (!(await lstat(folder).catch(() => null))) return;
  for (const name of await readdir(folder))
    if (ours.has(name) || isTempName(name)) await rm(join(folder, name), { force: true });
  await rm(join(folder, FILES_LIST), { force: true });
  await rmdir(folder).catch(() => {});
}
