/**
 * The run directory (DESIGN.md, "Run directory"):
 *
 *   <run>/run.json            config, seed, backend, versions; written once at start
 *   <run>/generations.jsonl   one record per complete generation (only what the seed determines)
 *   <run>/timings.jsonl       wall-clock figures per generation (differ between runs by nature)
 *   <run>/gen-NNN/            model.json weights.bin synthetic.u8 synthetic.json samples.png record.json COMPLETE
 *
 * A generation is written into `gen-NNN.partial/` and renamed to `gen-NNN/` once every file is in
 * it, COMPLETE last: a crash leaves either a whole generation or a .partial folder that the next
 * start deletes. The two .jsonl files are rebuilt from the generations' record.json files, so they
 * can never disagree with the folders.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openImageFile } from '../data/file-source.ts';
import { createImageSet } from '../data/images.ts';
import type { ImageSet, ImageShape, ImageSource } from '../data/images.ts';
import type { GenerativeModel } from '../models/types.ts';
import { TEMP_SUFFIX, writeFileAtomic } from './atomic.ts';
import type { GenerationRecord } from './record.ts';
import { reproducibleRecord, timingRecord } from './record.ts';

export const RUN_FORMAT = 'collapse-lab-run/1';

export interface RunInfo {
  format: string;
  /** Everything that determines the run's numbers (generation count excluded: a run may be extended). */
  config: Record<string, unknown>;
  seed: number;
  backend: { name: string; package: string; version: string };
  versions: Record<string, string>;
  createdAt: string;
}

export interface OpenRunOptions {
  resume: boolean;
  force: boolean;
}

export interface OpenedRun {
  /** Generations already complete on disk (0 for a new run). */
  completed: number;
  /** The run.json that was found (on resume) or written. */
  info: RunInfo;
  /** Notes for the user, e.g. a backend that differs from the one that started the run. */
  notes: string[];
}

export const genDirName = (g: number) => `gen-${String(g).padStart(3, '0')}`;

/** Creates or reopens a run directory according to --resume / --force. */
export async function openRun(dir: string, info: RunInfo, options: OpenRunOptions): Promise<OpenedRun> {
  const entries = await listDir(dir);
  const notes: string[] = [];
  if (entries === null) {
    await mkdir(dir, { recursive: true });
  } else if (entries.includes('run.json') && options.resume) {
    const found = await readRunInfo(dir);
    const diff = configDifferences(found.config, info.config);
    if (diff.length > 0) {
      throw new Error(`Run directory ${dir} was made with another configuration (${diff.join('; ')}); expected the same configuration to resume it (use another --out, or --force to start over).`);
    }
    if (found.seed !== info.seed) {
      throw new Error(`Run directory ${dir} was made with seed ${found.seed}, not ${info.seed}; expected the same seed to resume it.`);
    }
    if (found.backend.name !== info.backend.name) {
      notes.push(`This run was started on the ${found.backend.name} backend and continues on ${info.backend.name}: its numbers will not match an uninterrupted run bit for bit.`);
    }
    await removeLeftovers(dir);
    const completed = await completedGenerations(dir);
    await rebuildLogs(dir, completed);
    return { completed, info: found, notes };
  } else if (entries.includes('run.json') && !options.force) {
    throw new Error(`Run directory ${dir} already holds a run; expected --resume to continue it or --force to replace it.`);
  } else if (!entries.includes('run.json') && options.resume && entries.length > 0) {
    throw new Error(`Directory ${dir} has no run.json; expected a run directory made by collapse-lab to resume.`);
  } else if (!entries.includes('run.json') && entries.length > 0 && !options.force) {
    throw new Error(`Directory ${dir} is not empty and is not a run directory; expected an empty or new folder (or --force).`);
  } else if (options.force) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(info, null, 2) + '\n');
  return { completed: 0, info, notes };
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
  return parsed;
}

function configDifferences(before: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  const out: string[] = [];
  for (const k of [...keys].sort()) {
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(now[k]);
    if (a !== b) out.push(`${k} was ${a ?? 'unset'}, now ${b ?? 'unset'}`);
  }
  return out;
}

/** Deletes what a crash can leave behind: half-written generation folders and temporary files. */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of (await listDir(dir)) ?? []) {
    if (name.endsWith(TEMP_SUFFIX)) await rm(join(dir, name), { recursive: true, force: true });
  }
  // A gen-NNN folder is only ever created by a rename, but one without COMPLETE is discarded anyway.
  for (const name of (await listDir(dir)) ?? []) {
    if (/^gen-\d{3,}$/.test(name) && !(await exists(join(dir, name, 'COMPLETE')))) {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
}

/** How many generations, counted from 1 without a gap, are complete. */
export async function completedGenerations(dir: string): Promise<number> {
  let g = 0;
  while (await exists(join(dir, genDirName(g + 1), 'COMPLETE'))) g++;
  return g;
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
  const final = join(dir, genDirName(g));
  const temp = final + TEMP_SUFFIX;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  await saveNetwork(files.model.network, temp);
  await writeFileAtomic(join(temp, 'synthetic.u8'), files.synthetic.pixels);
  await writeFileAtomic(join(temp, 'synthetic.json'), JSON.stringify({ count: files.synthetic.count, shape: files.synthetic.shape, dtype: 'uint8', layout: 'NHWC' }) + '\n');
  await writeFileAtomic(join(temp, 'samples.png'), files.samplesPng);
  for (const [name, data] of Object.entries(files.extraFiles ?? {})) {
    if (!/^[\w.-]+$/.test(name) || name === 'COMPLETE') throw new Error(`Extra file name '${name}' must be a plain file name (letters, digits, '.', '-', '_') other than COMPLETE.`);
    await writeFileAtomic(join(temp, name), data);
  }
  await writeFileAtomic(join(temp, 'record.json'), JSON.stringify(files.record, null, 2) + '\n');
  await writeFileAtomic(join(temp, 'COMPLETE'), new Date().toISOString() + '\n');
  await rm(final, { recursive: true, force: true });
  await rename(temp, final);
  await rebuildLogs(dir, g);
}

/** The full records of generations 1..count, from their folders. */
export async function readRecords(dir: string, count: number): Promise<GenerationRecord[]> {
  const out: GenerationRecord[] = [];
  for (let g = 1; g <= count; g++) {
    out.push(JSON.parse(await readFile(join(dir, genDirName(g), 'record.json'), 'utf8')) as GenerationRecord);
  }
  return out;
}

async function rebuildLogs(dir: string, count: number): Promise<void> {
  const records = await readRecords(dir, count);
  const lines = (f: (r: GenerationRecord) => object) => records.map((r) => JSON.stringify(f(r)) + '\n').join('');
  await writeFileAtomic(join(dir, 'generations.jsonl'), lines(reproducibleRecord));
  await writeFileAtomic(join(dir, 'timings.jsonl'), lines(timingRecord));
}

/** The synthetic set sampled by generation g. */
export async function loadSynthetic(dir: string, g: number): Promise<ImageSet> {
  const gen = join(dir, genDirName(g));
  const header = JSON.parse(await readFile(join(gen, 'synthetic.json'), 'utf8')) as { count: number; shape: ImageShape };
  const pixels = new Uint8Array(await readFile(join(gen, 'synthetic.u8')));
  const set = createImageSet(pixels, header.shape);
  if (set.count !== header.count) {
    throw new Error(`Synthetic set ${join(gen, 'synthetic.u8')} holds ${set.count} images; its header says ${header.count}.`);
  }
  return set;
}

/** The synthetic set of generation g as a view of its synthetic.u8, read batch by batch, never loaded whole. */
export async function openSynthetic(dir: string, g: number): Promise<ImageSource> {
  const gen = join(dir, genDirName(g));
  const header = JSON.parse(await readFile(join(gen, 'synthetic.json'), 'utf8')) as { count: number; shape: ImageShape };
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

/** Reads a saved model.json + weights.bin with the plain tfjs package (any backend). */
export async function loadNetwork(dir: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const weights = new Uint8Array(await readFile(join(dir, 'weights.bin')));
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
    if ((err as { code?: string }).code === 'ENOTDIR') throw new Error(`Output path ${dir} is a file; expected a directory.`);
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
