/**
 * RunDir: one run directory, read only through here (RunWriter: written only through here). Every read of a generation's file
 * is checked against the generation's manifest (sealed.ts) and the manifest against the folder's
 * place in the run (binding.ts), so a damaged, moved, swapped or foreign file is named and never
 * loaded; a generation is written as one sealed, bound unit, after which the two logs are rebuilt
 * from the generations' record.json files (so they can never disagree with the folders).
 */
import * as tf from '../tfjs.ts';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openImageFile } from '../../data/file-source.ts';
import { createImageSet } from '../../data/images.ts';
import type { ImageSet, ImageShape, ImageSource } from '../../data/images.ts';
import type { GenerativeModel } from '../../models/types.ts';
import type { GenerationRecord } from '../record.ts';
import { reproducibleRecord, timingRecord } from '../record.ts';
import { writeFileAtomic } from './atomic.ts';
import { bindingFor, checkBinding } from './binding.ts';
import type { Place, RunIdentity } from './binding.ts';
import { epochCheckpoints } from './epochs.ts';
import type { EpochCheckpointKey, EpochCheckpoints } from './epochs.ts';
import { readRunInfo } from './info.ts';
import type { RunInfo } from './info.ts';
import type { Replacement } from './replace.ts';
import {
  COMPLETE_FILE,
  EPOCH_FOLDER_FILES,
  epochFolderOf,
  GENERATION_FILES,
  GENERATION_FOLDER_FILES,
  GENERATIONS_LOG,
  generationOf,
  generationPath,
  MANIFEST_FILE,
  RESERVED_GENERATION_FILES,
  runFile,
  TIMINGS_LOG,
} from './layout.ts';
import { loadNetworkFrom, loadWeightsFrom, saveNetwork } from './network-io.ts';
import { CorruptFolderError, isSealed, readChecked, readManifest, readSealedManifest, readVerified, removeOwnedFolder, verifyFolder, writeSealedFolder } from './sealed.ts';
import type { Manifest } from './sealed.ts';

export interface GenerationFiles {
  model: GenerativeModel;
  synthetic: ImageSet;
  samplesPng: Uint8Array;
  record: GenerationRecord;
  /** More files for the folder (e.g. from an analysis), by plain file name. */
  extraFiles?: Record<string, Uint8Array>;
}

/** What verifyRun found: the generations that verify, and the first that does not, with why. */
export interface RunVerification {
  /** Generations, counted from 1, whose every file matches their manifest and whose manifest binds them to their place. */
  completed: number;
  /** The highest generation number among the gen-NNN entries present (0 when there are none). */
  found: number;
  /** The first generation that failed, and why (names the file); `missing` when its folder is absent while later ones are present. */
  problem?: { generation: number; path: string; message: string; missing?: true };
  /** A run log (generations.jsonl) that does not hold what the generations' record.json files give (edited or damaged); a resume rewrites it. */
  logProblem?: { path: string; message: string };
}

/** Files written into a .partial folder skip their folder flush: sealing flushes the folder once. */
const inFolder = { syncFolder: false } as const;

export const identityOf = (info: RunInfo): RunIdentity => ({ id: info.id });

export class RunDir {
  private known?: Promise<RunIdentity>;

  constructor(
    /** The run directory's path. */
    readonly dir: string,
    /** Its run.json, when the caller has it (else read on first need). */
    info?: RunInfo,
  ) {
    if (info) this.known = Promise.resolve(identityOf(info));
  }

  /** Path of generation g's folder, or of one of its files (for links; read through the methods below). */
  generationPath(g: number, file?: string): string {
    return generationPath(this.dir, g, file);
  }

  /** run.json, checked against its own checksum. */
  info(): Promise<RunInfo> {
    return readRunInfo(this.dir);
  }

  /** What the run's generations are bound to (from run.json). */
  identity(): Promise<RunIdentity> {
    this.known ??= this.info().then(identityOf);
    return this.known;
  }

  /** Where generation g (or its epoch checkpoint) belongs: its number and the previous generation's manifest. */
  async place(g: number, epoch?: number): Promise<Place> {
    if (g === 1) return { generation: g, epoch, previous: null };
    const { manifest, digest } = await readSealedManifest(this.generationPath(g - 1));
    return { generation: g, epoch, previous: { digest, format: manifest.format } };
  }

  /** Generations, counted from 1 without a gap, that have COMPLETE (not verified: see verify()). */
  async completed(): Promise<number> {
    let g = 0;
    while (await exists(this.generationPath(g + 1, COMPLETE_FILE))) g++;
    return g;
  }

  /** Numbers of the gen-NNN entries present (folders or not), ascending. */
  async generationEntries(): Promise<number[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.map(generationOf).filter((g): g is number => g !== null).sort((a, b) => a - b);
  }

  /**
   * Verifies gen-001, gen-002, ... against their manifests (sizes and SHA-256) and their places in
   * the run, stopping at the first failure; a missing folder with later ones present is a failure too.
   * `hashes: false` checks the manifests and places only (no file is read): a quick look before the real check.
   */
  async verify(options: { hashes?: boolean } = {}): Promise<RunVerification> {
    const present = new Set(await this.generationEntries());
    const found = Math.max(0, ...present);
    const identity = await this.identity();
    for (let g = 1; g <= found; g++) {
      const path = this.generationPath(g);
      if (!present.has(g)) {
        return { completed: g - 1, found, problem: { generation: g, path, message: `${path} is missing (deleted by hand?) while later generations are present; expected every generation from 1 on.`, missing: true } };
      }
      try {
        const manifest = options.hashes === false ? await readManifest(path) : await verifyFolder(path);
        await checkBinding(path, manifest, identity, await this.place(g));
      } catch (err) {
        if (!(err instanceof CorruptFolderError)) throw err;
        return { completed: g - 1, found, problem: { generation: g, path: err.path, message: err.message } };
      }
    }
    return { completed: found, found };
  }

  /** Generation g's manifest, checked against COMPLETE and against the folder's place (not its files). */
  async manifest(g: number): Promise<Manifest> {
    const dir = this.generationPath(g);
    const manifest = await readManifest(dir);
    await checkBinding(dir, manifest, await this.identity(), await this.place(g));
    return manifest;
  }

  /** The manifest of a sealed generation (bound to its place). */
  private async sealedManifest(g: number): Promise<Manifest> {
    await this.checkGeneration(g);
    const dir = this.generationPath(g);
    if (await isSealed(dir)) return this.manifest(g);
    throw new CorruptFolderError(join(dir, MANIFEST_FILE), `${join(dir, MANIFEST_FILE)} is missing; expected the manifest every generation of this run has.`);
  }

  /** One file of generation g, checked against its manifest and its place. */
  async read(g: number, name: string): Promise<Buffer> {
    const manifest = await this.sealedManifest(g);
    return manifest ? readVerified(this.generationPath(g), name, manifest) : readChecked(this.generationPath(g), name);
  }

  /** A file of generation g that it may not have (e.g. an analysis file): null when absent, checked when present. */
  async readOptional(g: number, name: string): Promise<Buffer | null> {
    const manifest = await this.sealedManifest(g);
    if (manifest ? !(name in manifest.files) : !(await exists(this.generationPath(g, name)))) return null;
    return manifest ? readVerified(this.generationPath(g), name, manifest) : readChecked(this.generationPath(g), name);
  }

  /** Generation g's record (record.json: every field, wall-clock ones included). */
  async record(g: number): Promise<GenerationRecord> {
    return JSON.parse((await this.read(g, GENERATION_FILES.record)).toString('utf8')) as GenerationRecord;
  }

  /** The records of generations 1..count (default: every complete generation). */
  async records(count?: number): Promise<GenerationRecord[]> {
    const n = count ?? (await this.completed());
    const out: GenerationRecord[] = [];
    for (let g = 1; g <= n; g++) out.push(await this.record(g));
    return out;
  }

  /** The synthetic set of generation g, in memory, every byte verified. */
  async loadSynthetic(g: number): Promise<ImageSet> {
    const header = await this.syntheticHeader(g);
    const data = await this.read(g, GENERATION_FILES.synthetic);
    const set = createImageSet(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.shape);
    this.checkCount(g, set.count, header.count);
    return set;
  }

  /**
   * The synthetic set of generation g as a view of its file, read batch by batch, never loaded
   * whole. The header is verified and the file's size checked against the manifest here; its
   * SHA-256 was checked when the run was opened (verify) or computed as it was written.
   */
  async synthetic(g: number): Promise<ImageSource> {
    const header = await this.syntheticHeader(g);
    const path = this.generationPath(g, GENERATION_FILES.synthetic);
    const manifest = await this.sealedManifest(g);
    if (manifest) {
      const entry = manifest.files[GENERATION_FILES.synthetic];
      const info = await lstat(path).catch(() => null);
      const size = info?.isFile() ? info.size : undefined;
      if (!entry || size !== entry.size) {
        throw new CorruptFolderError(path, `${path} is ${size ?? 'missing or not a file'}${size === undefined ? '' : ' bytes'}; expected ${entry?.size ?? 'a file listed'} ${entry ? `bytes as listed in ${MANIFEST_FILE}` : `in ${MANIFEST_FILE}`}.`);
      }
    }
    const set = openImageFile(path, header.shape);
    this.checkCount(g, set.count, header.count);
    return set;
  }

  /** The network generation g trained (its manifest and place checked). */
  async loadNetwork(g: number): Promise<tf.LayersModel> {
    await this.sealedManifest(g);
    return loadNetworkFrom(this.generationPath(g));
  }

  /** Copies generation g's weights into `model` (same architecture). */
  async loadWeightsInto(model: GenerativeModel, g: number): Promise<void> {
    await this.sealedManifest(g);
    return loadWeightsFrom(this.generationPath(g), model.network);
  }

  /** Readers name a generation the run does not have as such, not as a damaged folder. */
  private async checkGeneration(g: unknown): Promise<void> {
    if (!(typeof g === 'number' && Number.isInteger(g) && g >= 1)) {
      throw new Error(`Generation ${typeof g === 'string' ? `'${g}' (text)` : String(g)} is not a generation number; expected an integer from 1.`);
    }
    if (!(await exists(this.generationPath(g)))) {
      const have = await this.completed();
      throw new Error(`Run ${this.dir} has no generation ${g}; expected ${have === 0 ? 'none yet: it has no complete generation' : `1 to ${have}`}.`);
    }
  }

  private async syntheticHeader(g: number): Promise<{ count: number; shape: ImageShape }> {
    return JSON.parse((await this.read(g, GENERATION_FILES.syntheticHeader)).toString('utf8')) as { count: number; shape: ImageShape };
  }

  private checkCount(g: number, count: number, expected: number): void {
    if (count !== expected) throw new Error(`Synthetic set ${this.generationPath(g, GENERATION_FILES.synthetic)} holds ${count} images; its header says ${expected}.`);
  }
}

/**
 * The run directory as the trainer holding its lock sees it: a RunDir that also writes (a
 * generation, epoch checkpoints, the logs) and discards what a resume must train again. Made only by
 * openRunDir (open.ts).
 */
export class RunWriter extends RunDir {
  constructor(
    dir: string,
    info: RunInfo,
    /** The run this one replaces (`force`), set aside until this run seals its first checkpoint (replace.ts). */
    private readonly replacing?: Replacement,
  ) {
    super(dir, info);
  }

  /** End-of-epoch checkpoints of the generation `key` names (epochs.ts). */
  epochs(key: EpochCheckpointKey, log?: (line: string) => void): EpochCheckpoints {
    const checkpoints = epochCheckpoints(this.dir, key, { identity: () => this.identity(), place: (epoch) => this.place(key.generation, epoch) }, log);
    return { ...checkpoints, save: async (s) => { await checkpoints.save(s); await this.replacing?.settle(); } };
  }

  /** Puts back the run this one was to replace, when this one has sealed nothing yet; true when it did. */
  async restoreReplaced(): Promise<boolean> {
    return (await this.replacing?.restore()) ?? false;
  }

  /** Writes generation g as one sealed unit, drops its epoch checkpoints, then rebuilds the logs. */
  async writeGeneration(g: number, files: GenerationFiles): Promise<void> {
    for (const name of Object.keys(files.extraFiles ?? {})) {
      if (!/^[\w.-]+$/.test(name) || RESERVED_GENERATION_FILES.has(name)) {
        throw new Error(`Extra file name '${name}' must be a plain file name (letters, digits, '.', '-', '_') other than ${[...RESERVED_GENERATION_FILES].join(', ')}.`);
      }
    }
    const binding = bindingFor(await this.identity(), await this.place(g));
    await writeSealedFolder(this.generationPath(g), async (temp) => {
      await saveNetwork(files.model.network, temp, inFolder);
      await writeFileAtomic(join(temp, GENERATION_FILES.synthetic), files.synthetic.pixels, inFolder);
      await writeFileAtomic(join(temp, GENERATION_FILES.syntheticHeader), JSON.stringify({ count: files.synthetic.count, shape: files.synthetic.shape, dtype: 'uint8', layout: 'NHWC' }) + '\n', inFolder);
      await writeFileAtomic(join(temp, GENERATION_FILES.samples), files.samplesPng, inFolder);
      for (const [name, data] of Object.entries(files.extraFiles ?? {})) await writeFileAtomic(join(temp, name), data, inFolder);
      await writeFileAtomic(join(temp, GENERATION_FILES.record), JSON.stringify(files.record, null, 2) + '\n', inFolder);
    }, { binding, known: GENERATION_FOLDER_FILES });
    await this.replacing?.settle();
    await this.removeEpochFolders((n) => n === g);
    await this.rebuildLogs(g);
  }

  /**
   * Rewrites generations.jsonl and timings.jsonl from the record.json files. With `notes`, a log that
   * disagrees with the records (beyond lagging behind them after a crash) is reported.
   */
  async rebuildLogs(count: number, notes?: string[]): Promise<void> {
    const records = await this.records(count);
    const lines = (f: (r: GenerationRecord) => object) => records.map((r) => JSON.stringify(f(r)) + '\n').join('');
    for (const [name, text] of [[GENERATIONS_LOG, lines(reproducibleRecord)], [TIMINGS_LOG, lines(timingRecord)]] as const) {
      const path = runFile(this.dir, name);
      const old = notes ? await readFile(path, 'utf8').catch(() => null) : null;
      // After a crash the log may lag behind the folders, or run ahead of generations just discarded, by whole lines.
      const lagging = (old ?? '') === '' || (old!.endsWith('\n') && (text.startsWith(old!) || old!.startsWith(text)));
      if (old !== null && !lagging) {
        notes!.push(`${path} did not match the generations' record.json files (damaged or edited); it was rewritten from them.`);
      }
      await writeFileAtomic(path, text);
    }
  }

  /** Deletes gen-NNN folders above `keep` (they follow a generation that is gone or damaged); one that is not ours stops it (ForeignEntryError). */
  async discardGenerationsAfter(keep: number): Promise<void> {
    for (const name of await readdir(this.dir)) {
      const g = generationOf(name);
      if (g !== null && g > keep) await removeOwnedFolder(join(this.dir, name), GENERATION_FOLDER_FILES);
    }
  }

  /** Deletes end-of-epoch folders of the generations `which` selects (only folders of ours). */
  async removeEpochFolders(which: (generation: number) => boolean): Promise<void> {
    for (const name of await readdir(this.dir)) {
      const at = epochFolderOf(name);
      if (at && which(at.generation)) await removeOwnedFolder(join(this.dir, name), EPOCH_FOLDER_FILES);
    }
  }
}

/** A RunDir for a path, or the RunDir itself (what the readers accept). */
export type RunLike = string | { dir: string };

export function runDirOf(run: RunLike): RunDir {
  if (run instanceof RunDir) return run;
  const dir = typeof run === 'string' ? run : (run as { dir?: unknown } | null | undefined)?.dir;
  if (!(typeof dir === 'string' && dir.length > 0)) throw new Error(`A run was given as ${run === undefined ? 'undefined' : JSON.stringify(run)}; expected the path of a run directory (or a RunDir).`);
  return new RunDir(dir);
}

/** Verifies every generation of the run in `run` (see RunDir.verify), and that generations.jsonl holds their records. */
export async function verifyRun(run: RunLike): Promise<RunVerification> {
  const dir = runDirOf(run);
  const v = await dir.verify();
  const path = runFile(dir.dir, GENERATIONS_LOG);
  const text = await readFile(path, 'utf8').catch(() => null);
  const expected = (await dir.records(v.completed)).map((r) => JSON.stringify(reproducibleRecord(r)) + '\n').join('');
  // A log may lag behind its folders after a crash, by whole lines; anything else was edited or damaged.
  if (text !== null && text !== expected && !(text.endsWith('\n') || text === '' ? expected.startsWith(text) : false)) {
    return { ...v, logProblem: { path, message: `${path} does not hold the records of the run's generations (edited or damaged); expected the lines collapse-lab writes from each generation's record.json (a resume rewrites it).` } };
  }
  return v;
}

/** Generation g's synthetic set, in memory, verified. */
export const loadSynthetic = (run: RunLike, g: number): Promise<ImageSet> => runDirOf(run).loadSynthetic(g);

/** Generation g's trained network, verified (any backend). */
export const loadNetwork = (run: RunLike, g: number): Promise<tf.LayersModel> => runDirOf(run).loadNetwork(g);

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
