/**
 * The run directory (DESIGN.md, "Run directory"):
 *
 *   <run>/run.json            config, seed, backend, versions; written once at start
 *   <run>/generations.jsonl   one record per complete generation (only what the seed determines)
 *   <run>/timings.jsonl       wall-clock figures per generation (differ between runs by nature)
 *   <run>/gen-NNN/            model.json weights.bin synthetic.u8 synthetic.json samples.png record.json manifest.json COMPLETE
 *   <run>/gen-NNN.epoch-EEEE/ the generation in progress after epoch E (lib/epoch-checkpoint.ts)
 *   <run>/run.lock            while a process works on the run
 *
 * A generation is written into `gen-NNN.partial/` and renamed to `gen-NNN/` once every file is in
 * it, manifest.json (size and SHA-256 of each file) and COMPLETE last: a crash leaves either a whole
 * generation or a .partial folder that the next start deletes. On resume every generation is
 * verified against its manifest; the first that fails, and all after it, are discarded and trained
 * again. The two .jsonl files are rebuilt from the generations' record.json files, so they can never
 * disagree with the folders. run.json carries the SHA-256 of its own content.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { openImageFile } from '../data/file-source.ts';
import { createImageSet } from '../data/images.ts';
import type { ImageSet, ImageShape, ImageSource } from '../data/images.ts';
import type { GenerativeModel } from '../models/types.ts';
import { describeWriteError, isAlive, TEMP_SUFFIX, writeFileAtomic } from './atomic.ts';
import { CorruptFolderError, isSealed, readChecked, readManifest, sha256, verifyFolder, writeSealedFolder } from './manifest.ts';
import type { GenerationRecord } from './record.ts';
import { reproducibleRecord, timingRecord } from './record.ts';
import { describeBackend, type BackendRecord } from './backend.ts';

export const RUN_FORMAT = 'collapse-lab-run/1';

export interface RunInfo {
  format: string;
  /** Everything that determines the run's numbers (generation count excluded: a run may be extended). */
  config: Record<string, unknown>;
  seed: number;
  backend: BackendRecord;
  versions: Record<string, string>;
  createdAt: string;
  /** 'sha256:<hex>' of this object's JSON without this field (two-space indent), so damage to run.json is detected. */
  checksum?: string;
}

export interface OpenRunOptions {
  resume: boolean;
  force: boolean;
  /** Config keys that may differ on resume (e.g. a lower learningRate after a NaN). Defaults to none. */
  mayChange?: readonly string[];
}

export interface OpenedRun {
  /** Generations already complete on disk (0 for a new run). */
  completed: number;
  /** The run.json that was found (on resume) or written. */
  info: RunInfo;
  /** Notes for the user, e.g. a backend that differs from the one that started the run. */
  notes: string[];
  /** Removes run.lock; call it when done with the run (also after an error). */
  release: () => Promise<void>;
}

export const genDirName = (g: number) => `gen-${String(g).padStart(3, '0')}`;

/** Present while a process works on the run, so that a second one (e.g. a resume while an orphaned run goes on) cannot write into it. */
export const LOCK_FILE = 'run.lock';

/**
 * Creates or reopens a run directory according to --resume / --force, and locks it (see LOCK_FILE).
 * On resume: checks run.json and the config, deletes what a crash left behind, verifies every
 * generation against its manifest and discards the first that fails and all after it.
 */
export async function openRun(dir: string, info: RunInfo, options: OpenRunOptions): Promise<OpenedRun> {
  const entries = await listDir(dir);
  const notes: string[] = [];
  // Our own leftovers (a stale lock, temporary files) do not make a folder "not empty".
  const meaningful = (entries ?? []).filter((n) => n !== LOCK_FILE && !n.endsWith(TEMP_SUFFIX));
  if (entries !== null && entries.includes('run.json') && !options.resume && !options.force) {
    throw new Error(`Run directory ${dir} already holds a run; expected --resume to continue it or --force to replace it.`);
  }
  if (entries !== null && !entries.includes('run.json') && meaningful.length > 0) {
    if (options.resume) throw new Error(`Directory ${dir} has no run.json; expected a run directory made by collapse-lab to resume.`);
    if (!options.force) throw new Error(`Directory ${dir} is not empty and is not a run directory; expected an empty or new folder (or --force).`);
  }
  if (entries === null) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw describeWriteError(dir, err);
    }
  }
  const release = await lockRun(dir);
  try {
    if (entries !== null && entries.includes('run.json') && options.resume) {
      const found = await readRunInfo(dir);
      const mayChange = new Set(options.mayChange ?? []);
      const diff = configDifferences(found.config, info.config).filter((d) => !mayChange.has(d.key));
      if (diff.length > 0) {
        throw new Error(`Run directory ${dir} was made with another configuration (${diff.map((d) => d.text).join('; ')}); expected the same configuration to resume it (use another --out, or --force to start over).`);
      }
      if (found.seed !== info.seed) {
        throw new Error(`Run directory ${dir} was made with seed ${found.seed}, not ${info.seed}; expected the same seed to resume it.`);
      }
      if (describeBackend(found.backend) !== describeBackend(info.backend)) {
        notes.push(`This run was started on ${describeBackend(found.backend)} and continues on ${describeBackend(info.backend)}: its numbers will not match an uninterrupted run bit for bit.`);
      }
      await removeLeftovers(dir);
      const verified = await verifyRun(dir);
      await discardGenerationsAfter(dir, verified.completed);
      if (verified.problem) {
        const later = verified.found - verified.completed - 1;
        notes.push(`Generation ${verified.completed + 1} failed verification and was discarded${later > 0 ? `, with the ${later} generation${later > 1 ? 's' : ''} after it,` : ''} to be trained again: ${verified.problem.message}`);
      }
      await removeEpochFolders(dir, (g) => g <= verified.completed || g > verified.completed + 1);
      await rebuildLogs(dir, verified.completed, notes);
      return { completed: verified.completed, info: found, notes, release };
    }
    if (options.force) {
      for (const name of entries ?? []) if (name !== LOCK_FILE) await rm(join(dir, name), { recursive: true, force: true });
    } else {
      await removeLeftovers(dir);
    }
    await writeRunInfo(dir, info);
    return { completed: 0, info, notes, release };
  } catch (err) {
    await release();
    throw err;
  }
}

async function writeRunInfo(dir: string, info: RunInfo): Promise<void> {
  const { checksum: _old, ...body } = info;
  const sealed: RunInfo = { ...body, checksum: `sha256:${sha256(JSON.stringify(body, null, 2))}` };
  await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(sealed, null, 2) + '\n');
}

export async function readRunInfo(dir: string): Promise<RunInfo> {
  const path = join(dir, 'run.json');
  let parsed: RunInfo;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as RunInfo;
  } catch (err) {
    throw new Error(`Run file ${path} could not be read as JSON (${(err as Error).message}); expected the run.json collapse-lab writes.`);
  }
  if (parsed.format !== RUN_FORMAT) throw new Error(`Run file ${path} has format '${parsed.format}'; expected '${RUN_FORMAT}'.`);
  // Run files made by hand (test fixtures) have no checksum; every run.json we write has one.
  if (parsed.checksum !== undefined) {
    const { checksum, ...body } = parsed;
    if (checksum !== `sha256:${sha256(JSON.stringify(body, null, 2))}`) {
      throw new Error(`Run file ${path} does not match its own checksum (damaged or edited); expected the run.json collapse-lab wrote (restore it, or start over with --force).`);
    }
  }
  return parsed;
}

function configDifferences(before: Record<string, unknown>, now: Record<string, unknown>): { key: string; text: string }[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  const out: { key: string; text: string }[] = [];
  for (const k of [...keys].sort()) {
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(now[k]);
    if (a !== b) out.push({ key: k, text: `${k} was ${a ?? 'unset'}, now ${b ?? 'unset'}` });
  }
  return out;
}

/** Deletes what a crash can leave behind: half-written generation folders and temporary files. */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of (await listDir(dir)) ?? []) {
    if (name.endsWith(TEMP_SUFFIX)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** How many generations, counted from 1 without a gap, have COMPLETE (not verified; see verifyRun). */
export async function completedGenerations(dir: string): Promise<number> {
  let g = 0;
  while (await exists(join(dir, genDirName(g + 1), 'COMPLETE'))) g++;
  return g;
}

export interface RunVerification {
  /** Generations, counted from 1, whose every file matches their manifest. */
  completed: number;
  /** gen-NNN folders present, counted from 1 without a gap. */
  found: number;
  /** The first generation that failed, and why (names the file). */
  problem?: { generation: number; path: string; message: string };
}

/** Verifies gen-001, gen-002, ... against their manifests (sizes and SHA-256), stopping at the first failure. */
export async function verifyRun(dir: string): Promise<RunVerification> {
  let found = 0;
  while (await exists(join(dir, genDirName(found + 1)))) found++;
  for (let g = 1; g <= found; g++) {
    try {
      await verifyFolder(join(dir, genDirName(g)));
    } catch (err) {
      if (!(err instanceof CorruptFolderError)) throw err;
      return { completed: g - 1, found, problem: { generation: g, path: err.path, message: err.message } };
    }
  }
  return { completed: found, found };
}

/** Deletes gen-NNN folders above `keep` (they follow a generation that is gone or damaged). */
async function discardGenerationsAfter(dir: string, keep: number): Promise<void> {
  for (const name of (await listDir(dir)) ?? []) {
    const m = /^gen-(\d{3,})$/.exec(name);
    if (m && Number(m[1]) > keep) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Deletes end-of-epoch folders (gen-NNN.epoch-EEEE) of the generations `which` selects. */
export async function removeEpochFolders(dir: string, which: (generation: number) => boolean): Promise<void> {
  for (const name of (await listDir(dir)) ?? []) {
    const m = /^gen-(\d{3,})\.epoch-\d+$/.exec(name);
    if (m && which(Number(m[1]))) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Takes run.lock. A lock whose process is gone (killed) is stale and taken over; one held by a live
 * process on this machine, or by a process on another machine, stops the start.
 */
async function lockRun(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const host = hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() }) + '\n', { flag: 'wx' });
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw describeWriteError(path, err);
    }
    let holder: { pid?: number; host?: string } | null = null;
    try {
      holder = JSON.parse(await readFile(path, 'utf8')) as { pid?: number; host?: string };
    } catch {
      // Unreadable: its writer was killed while writing it, or is writing it right now.
      const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? 0);
      if (age < 2000) throw new Error(`Run directory ${dir} is being opened by another process (${path} was just created); expected one process per run directory.`);
    }
    if (holder && typeof holder.pid === 'number' && holder.pid !== process.pid) {
      if (holder.host !== host) {
        throw new Error(`Run directory ${dir} is locked by process ${holder.pid} on ${holder.host}; expected one process per run directory (delete ${path} if that process is gone).`);
      }
      if (isAlive(holder.pid)) {
        throw new Error(`Run directory ${dir} is in use by process ${holder.pid}; expected one process per run directory (stop that process or wait for it, then --resume).`);
      }
    }
    await rm(path, { force: true });
  }
  throw new Error(`Run directory ${dir} could not be locked (${path} keeps coming back); expected one process per run directory.`);
}

export interface GenerationFiles {
  model: GenerativeModel;
  synthetic: ImageSet;
  samplesPng: Uint8Array;
  record: GenerationRecord;
  /** More files for the folder (e.g. from an analysis), by plain file name. */
  extraFiles?: Record<string, Uint8Array>;
}

/** Writes generation g as one unit (see the module comment), then rebuilds the run's logs. */
export async function writeGeneration(dir: string, g: number, files: GenerationFiles): Promise<void> {
  for (const name of Object.keys(files.extraFiles ?? {})) {
    if (!/^[\w.-]+$/.test(name) || RESERVED.has(name)) throw new Error(`Extra file name '${name}' must be a plain file name (letters, digits, '.', '-', '_') other than ${[...RESERVED].join(', ')}.`);
  }
  await writeSealedFolder(join(dir, genDirName(g)), async (temp) => {
    await saveNetwork(files.model.network, temp);
    await writeFileAtomic(join(temp, 'synthetic.u8'), files.synthetic.pixels, inFolder);
    await writeFileAtomic(join(temp, 'synthetic.json'), JSON.stringify({ count: files.synthetic.count, shape: files.synthetic.shape, dtype: 'uint8', layout: 'NHWC' }) + '\n', inFolder);
    await writeFileAtomic(join(temp, 'samples.png'), files.samplesPng, inFolder);
    for (const [name, data] of Object.entries(files.extraFiles ?? {})) await writeFileAtomic(join(temp, name), data, inFolder);
    await writeFileAtomic(join(temp, 'record.json'), JSON.stringify(files.record, null, 2) + '\n', inFolder);
  });
  await removeEpochFolders(dir, (n) => n === g);
  await rebuildLogs(dir, g);
}

/** Files written into a .partial folder skip their folder flush: sealFolder flushes the folder once. */
const inFolder = { syncFolder: false } as const;

/** Names writeGeneration writes itself. */
const RESERVED = new Set(['model.json', 'weights.bin', 'synthetic.u8', 'synthetic.json', 'samples.png', 'record.json', 'manifest.json', 'COMPLETE']);

/** The full records of generations 1..count, from their folders. */
export async function readRecords(dir: string, count: number): Promise<GenerationRecord[]> {
  const out: GenerationRecord[] = [];
  for (let g = 1; g <= count; g++) {
    out.push(JSON.parse((await readChecked(join(dir, genDirName(g)), 'record.json')).toString('utf8')) as GenerationRecord);
  }
  return out;
}

/**
 * Rewrites generations.jsonl and timings.jsonl from the record.json files. With `notes`, a log that
 * disagrees with the records (beyond lagging behind them after a crash) is reported.
 */
async function rebuildLogs(dir: string, count: number, notes?: string[]): Promise<void> {
  const records = await readRecords(dir, count);
  const lines = (f: (r: GenerationRecord) => object) => records.map((r) => JSON.stringify(f(r)) + '\n').join('');
  for (const [name, text] of [['generations.jsonl', lines(reproducibleRecord)], ['timings.jsonl', lines(timingRecord)]] as const) {
    const path = join(dir, name);
    const old = notes ? await readFile(path, 'utf8').catch(() => null) : null;
    // After a crash the log may lag behind the folders, or run ahead of generations just discarded, by whole lines.
    const lagging = (old ?? '') === '' || (old!.endsWith('\n') && (text.startsWith(old!) || old!.startsWith(text)));
    if (old !== null && !lagging) {
      notes!.push(`${path} did not match the generations' record.json files (damaged or edited); it was rewritten from them.`);
    }
    await writeFileAtomic(path, text);
  }
}

/** The synthetic set sampled by generation g. */
export async function loadSynthetic(dir: string, g: number): Promise<ImageSet> {
  const gen = join(dir, genDirName(g));
  const header = JSON.parse((await readChecked(gen, 'synthetic.json')).toString('utf8')) as { count: number; shape: ImageShape };
  const data = await readChecked(gen, 'synthetic.u8');
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const set = createImageSet(pixels, header.shape);
  if (set.count !== header.count) {
    throw new Error(`Synthetic set ${join(gen, 'synthetic.u8')} holds ${set.count} images; its header says ${header.count}.`);
  }
  return set;
}

/**
 * The synthetic set of generation g as a view of its synthetic.u8, read batch by batch, never loaded
 * whole. The header is verified and the file's size checked against the manifest here; its SHA-256
 * was checked when the run was opened (verifyRun) or computed as it was written.
 */
export async function openSynthetic(dir: string, g: number): Promise<ImageSource> {
  const gen = join(dir, genDirName(g));
  const header = JSON.parse((await readChecked(gen, 'synthetic.json')).toString('utf8')) as { count: number; shape: ImageShape };
  if (await isSealed(gen)) {
    const entry = (await readManifest(gen)).files['synthetic.u8'];
    const size = (await stat(join(gen, 'synthetic.u8')).catch(() => null))?.size;
    if (!entry || size !== entry.size) {
      throw new CorruptFolderError(join(gen, 'synthetic.u8'), `${join(gen, 'synthetic.u8')} is ${size ?? 'missing'}${size === undefined ? '' : ' bytes'}; expected ${entry?.size ?? 'a file listed'} ${entry ? 'bytes as listed in manifest.json' : 'in manifest.json'}.`);
    }
  }
  const set = openImageFile(join(gen, 'synthetic.u8'), header.shape);
  if (set.count !== header.count) {
    throw new Error(`Synthetic set ${join(gen, 'synthetic.u8')} holds ${set.count} images; its header says ${header.count}.`);
  }
  return set;
}

/**
 * Saves a network as model.json + weights.bin (the tfjs layers format, loadable with
 * tf.loadLayersModel('file://.../model.json') under tfjs-node). Our own handler: the plain tfjs
 * package has no file:// saver, and tfjs-node's writes in place.
 */
export async function saveNetwork(network: tf.LayersModel, dir: string): Promise<void> {
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weightData));
      await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

/**
 * Reads a saved model.json + weights.bin with the plain tfjs package (any backend), checked against
 * the folder's manifest when it has one (every gen-NNN/ does).
 */
export async function loadNetwork(dir: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse((await readChecked(dir, 'model.json')).toString('utf8')) as tf.io.ModelJSON;
  const weights = new Uint8Array(await readChecked(dir, 'weights.bin'));
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: weights.slice().buffer }));
}

/** Copies the weights saved in `dir` into `model` (same architecture). */
export async function loadWeightsInto(model: GenerativeModel, dir: string): Promise<void> {
  const saved = await loadNetwork(dir);
  try {
    const weights = saved.getWeights();
    const ours = model.network.getWeights();
    if (weights.length !== ours.length || weights.some((w, i) => w.shape.join('x') !== ours[i].shape.join('x'))) {
      throw new Error(`The model saved in ${dir} has another architecture; expected the same layers and shapes.`);
    }
    model.network.setWeights(weights);
  } finally {
    saved.dispose();
  }
}

async function listDir(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    if ((err as { code?: string }).code === 'ENOTDIR') throw new Error(`Output path ${dir} is not a folder (${await fileOnPath(dir)} is a file); expected a directory.`);
    throw err;
  }
}

/** The first path from `path` upwards that is a file (for the message when a run directory cannot be one). */
async function fileOnPath(path: string): Promise<string> {
  for (let p = path; p !== dirname(p); p = dirname(p)) {
    if ((await stat(p).catch(() => null))?.isFile()) return p;
  }
  return path;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
