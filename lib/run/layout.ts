/**
 * Every name of the run-directory layout (README, "Run directory"). Nothing outside lib/run/
 * spells one of them: code elsewhere asks a RunDir (run-dir.ts) or these functions for a path.
 *
 *   <out>/report.html               an experiment's report (report-files/ beside it)
 *   <out>/<scheme>/                 one run directory per scheme:
 *     run.json  run.lock            the run's description (self-checksummed); held while a process works on it
 *     generations.jsonl             one record per complete generation (what the seed decides)
 *     timings.jsonl                 the wall-clock part of each record
 *     steps.jsonl                   the training loss every N optimiser steps (steps.ts)
 *     tensorboard/                  TensorBoard event files, when asked for (lib/tracking/)
 *     gen-NNN/                      a complete generation, sealed (manifest.json, COMPLETE)
 *     gen-NNN.epoch-EEEE/           the end-of-epoch checkpoint of the generation in progress
 *     .replaced-run/                the run `force` replaces, until the new run's first checkpoint
 */
import { join } from 'node:path';
import { tempTargetOf } from './atomic.ts';

export const RUN_FILE = 'run.json';
export const LOCK_FILE = 'run.lock';
export const GENERATIONS_LOG = 'generations.jsonl';
export const TIMINGS_LOG = 'timings.jsonl';
export const STEPS_LOG = 'steps.jsonl';
/** The run's TensorBoard folder (a TensorBoard "run" named after the scheme's folder). */
export const TENSORBOARD_DIR = 'tensorboard';
/** The CSVs `collapse-lab export --csv` writes (into an experiment folder or a run directory). */
export const EXPORT_FILES = { generations: 'generations.csv', steps: 'steps.csv' } as const;
/** What an experiment folder holds besides its run directories. */
export const REPORT_FILE = 'report.html';

/** The two files that seal a folder (sealed.ts): the list of its files, then the manifest's hash. */
export const MANIFEST_FILE = 'manifest.json';
export const COMPLETE_FILE = 'COMPLETE';

/** The files of a generation folder the trainer writes (analysis files are ANALYSIS_FILES). */
export const GENERATION_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  synthetic: 'synthetic.u8',
  syntheticHeader: 'synthetic.json',
  samples: 'samples.png',
  record: 'record.json',
} as const;

/** The files the collapse analysis (lib/analysis.ts) adds to a generation folder. */
export const ANALYSIS_FILES = {
  info: 'analysis.json',
  fixedSamples: 'fixed-samples.u8',
  fixedSamplesPng: 'fixed-samples.png',
  reconstructions: 'reconstructions.u8',
  reconstructionsPng: 'reconstructions.png',
} as const;

/** The files the text analysis (lib/text-analysis.ts) adds to a generation folder. */
export const TEXT_ANALYSIS_FILES = {
  info: 'text-analysis.json',
  sample: 'sample.txt',
} as const;

/** The files of an end-of-epoch checkpoint (epochs.ts). */
export const EPOCH_FILES = { state: 'state.json', weights: 'model.bin', optimizer: 'optimizer.bin' } as const;

/** A saved network: model.json + weights.bin (network-io.ts); the classifier cache adds its description. */
export const NETWORK_FILES = { model: GENERATION_FILES.model, weights: GENERATION_FILES.weights } as const;
export const CLASSIFIER_FILE = 'classifier.json';
/** Files of a classifier cache folder (one from before manifests has only these). */
export const CLASSIFIER_FOLDER_FILES: ReadonlySet<string> = new Set([...Object.values(NETWORK_FILES), CLASSIFIER_FILE]);

/**
 * Files collapse-lab writes into a generation folder under these names (an analysis' other files are listed in
 * its manifest).
 */
export const GENERATION_FOLDER_FILES: ReadonlySet<string> = new Set([
  ...Object.values(GENERATION_FILES),
  ...Object.values(ANALYSIS_FILES),
  ...Object.values(TEXT_ANALYSIS_FILES),
]);
/** Files collapse-lab writes into an end-of-epoch folder. */
export const EPOCH_FOLDER_FILES: ReadonlySet<string> = new Set(Object.values(EPOCH_FILES));

/** Names a generation folder writes itself: an analysis may not use them. */
export const RESERVED_GENERATION_FILES: ReadonlySet<string> = new Set([
  ...Object.values(GENERATION_FILES),
  MANIFEST_FILE,
  COMPLETE_FILE,
]);

/** gen-001, gen-002, ... */
export const genDirName = (g: number): string => `gen-${String(g).padStart(3, '0')}`;

/** gen-002.epoch-0003: generation 2 after epoch 3. */
export const epochDirName = (g: number, epoch: number): string =>
  `${genDirName(g)}.epoch-${String(epoch).padStart(4, '0')}`;

/** The generation of a gen-NNN folder name, or null. */
export function generationOf(name: string): number | null {
  const m = /^gen-(\d{3,})$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Generation and epoch of a gen-NNN.epoch-EEEE folder name, or null. */
export function epochFolderOf(name: string): { generation: number; epoch: number } | null {
  const m = /^gen-(\d{3,})\.epoch-(\d+)$/.exec(name);
  return m ? { generation: Number(m[1]), epoch: Number(m[2]) } : null;
}

/** The run directory's own files (besides gen-NNN and epoch folders): what `force` replaces. */
export const RUN_DIR_FILES: ReadonlySet<string> = new Set([
  RUN_FILE,
  LOCK_FILE,
  GENERATIONS_LOG,
  TIMINGS_LOG,
  STEPS_LOG,
]);

/**
 * A temporary name collapse-lab makes in a run directory: `.<file>.<pid>.partial` of one of its own
 * files (atomic.ts), or `gen-NNN[.epoch-EEEE][.<pid>].partial` (sealed.ts). Only these are
 * leftovers to delete; any other name ending in .partial is not ours.
 */
export function isRunTempName(name: string): boolean {
  const file = tempTargetOf(name);
  if (file !== null) return RUN_DIR_FILES.has(file);
  return /^gen-\d{3,}(\.epoch-\d+)?(\.\d+)?\.partial$/.test(name);
}

/** Our temporary folder names by kind: which files collapse-lab writes into a `.partial` folder of that name. */
export function partialFolderFiles(name: string): ReadonlySet<string> | null {
  const m = /^gen-\d{3,}(\.epoch-\d+)?(\.\d+)?\.partial$/.exec(name);
  if (!m) return null;
  return m[1] ? EPOCH_FOLDER_FILES : GENERATION_FOLDER_FILES;
}

/** Where `force` keeps the run it replaces until the new run has sealed its first checkpoint (replace.ts). */
export const REPLACED_FOLDER = '.replaced-run';

/** Path of a run directory's own file (RUN_FILE, LOCK_FILE, the logs). */
export const runFile = (dir: string, name: string): string => join(dir, name);

/** Path of generation g's folder, or of one of its files. */
export const generationPath = (dir: string, g: number, file?: string): string =>
  file ? join(dir, genDirName(g), file) : join(dir, genDirName(g));

/** Where an experiment's run for `scheme` (its display name) goes under `out`. */
export const schemeRunDir = (out: string, scheme: string): string => join(out, scheme);

/** Where an experiment's report goes. */
export const experimentReport = (out: string): string => join(out, REPORT_FILE);
