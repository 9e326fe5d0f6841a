/**
 * The experiment CLIs by name: what each trains, on which data, with which extra flags. The scripts
 * (scripts/<name>.ts) run one; sweeps look them up by the name a grid file gives.
 */
import cliProgress from 'cli-progress';
import { loadCeleba, loadMnist } from '../lib/index.ts';
import type { ExperimentFlags, MainSpec, RawFlags } from './cli.ts';
import { experimentOptions, modelFactory, parseExperimentArgs } from './cli.ts';
import { intOption } from './flags.ts';

const CELEBA_IMAGE_SIZE = 64;

/** An MNIST experiment CLI training `family`: the same data and flags for the VAE and the AE. */
function mnistExperiment<N extends string, F extends 'vae' | 'ae'>(name: N, family: F) {
  return {
    name,
    family,
    dataset: 'mnist',
    load: (f: ExperimentFlags) => loadMnistForCli(f),
    model: (f: ExperimentFlags, shape: readonly [number, number, number]) => modelFactory(family, f, shape),
  } satisfies MainSpec;
}

export const EXPERIMENTS = {
  /** The survey's VAE-on-MNIST experiment. */
  'vae-mnist': mnistExperiment('vae-mnist', 'vae'),
  /** The survey's autoencoder-on-MNIST experiment. */
  'ae-mnist': mnistExperiment('ae-mnist', 'ae'),
  /** The VAE-on-CelebA experiment of Gerstgrasser et al. (2024), survey section 4.2, on a copy of CelebA the user brings. */
  'vae-celeba': {
    name: 'vae-celeba',
    family: 'vae',
    dataset: 'celeba',
    extend: (argv) =>
      argv
        .option('data-dir', {
          type: 'string',
          demandOption: 'the CelebA folder holding img_align_celeba/ (see docs/experiments.md, "Get CelebA")',
          describe: 'CelebA folder holding img_align_celeba/ (and list_eval_partition.txt); see docs/experiments.md, "Get CelebA"',
        })
        .option('image-size', intOption('image-size', { describe: 'height and width the images are cropped and resized to', default: CELEBA_IMAGE_SIZE, min: 1 }))
        .option('limit', intOption('limit', { describe: 'use only the first N training images of the folder, and the same share of its test images', default: 'all', min: 1 }))
        .option('cache-dir', { type: 'string', describe: 'folder for the decoded-image cache (default: <data-dir>/collapse-lab-cache)' }),
    load: (f, raw) => loadCelebaForCli(f, raw),
    model: (f, shape) => modelFactory('vae', f, shape),
  },
} satisfies Record<string, MainSpec>;

export type ExperimentName = keyof typeof EXPERIMENTS;

/** True when `name` names an experiment CLI. */
export function isExperimentName(name: string): name is ExperimentName {
  return Object.hasOwn(EXPERIMENTS, name);
}

/** MNIST's first --train-size training images; with a fresh scheme, the rest of them as its pool. */
async function loadMnistForCli(f: ExperimentFlags) {
  const { train, test, rest } = await loadMnist({ trainSize: f.trainSize, testSize: f.testSize, rest: f.schemes.some((s) => s.kind === 'fresh') });
  return { train, test, ...(rest ? { freshPool: rest } : {}), config: { dataset: 'mnist' } };
}

/** Loads CelebA as the flags say (each number was checked by its flag). */
async function loadCelebaForCli(f: ExperimentFlags, raw: RawFlags) {
  const imageSize = (raw['image-size'] as number | undefined) ?? CELEBA_IMAGE_SIZE;
  // --train-size / --test-size, when given, cap the sets as for MNIST; CelebA's presets set no sizes.
  const limits = [raw.limit as number | undefined, f.trainSize].filter((v): v is number => v !== undefined);
  const limit = limits.length > 0 ? Math.min(...limits) : undefined;
  const testSize = f.testSize;
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'decoding CelebA [{bar}] {value}/{total} images | ETA {eta_formatted}', clearOnComplete: true }, cliProgress.Presets.shades_classic) : null;
  let lastTenth = -1;
  const celeba = await loadCeleba({
    dir: String(raw['data-dir']),
    imageSize,
    limit,
    testLimit: testSize,
    cacheDir: raw['cache-dir'] as string | undefined,
    log: (line) => process.stderr.write(line + '\n'),
    onProgress: (done, total) => {
      if (bar) {
        if (done === 1) bar.start(total, 0);
        bar.update(done);
        if (done === total) bar.stop();
        return;
      }
      const tenth = Math.floor((10 * done) / total);
      if (tenth !== lastTenth) process.stderr.write(`decoding CelebA: ${done}/${total} images\n`);
      lastTenth = tenth;
    },
  });
  const { train } = celeba;
  process.stderr.write(`CelebA (${celeba.split} split): ${train.count} training and ${celeba.test.count} test images of ${imageSize}x${imageSize}x3.\n`);
  return {
    train,
    test: celeba.test,
    config: { dataset: 'celeba', imageSize, split: celeba.split, trainImages: train.count, testImages: celeba.test.count, skipped: celeba.skipped.length },
  };
}

/**
 * Rebuilds an experiment CLI's model factory and data in a worker process of a parallel run
 * (runExperiment's workerSetup): the same flags give the same model and data as in the parent.
 */
export async function workerSetup(setup: { name: string; args: string[] }) {
  if (!isExperimentName(setup.name)) throw new Error(`Experiment '${setup.name}' is not known; expected one of ${Object.keys(EXPERIMENTS).join(', ')}.`);
  const spec: MainSpec = EXPERIMENTS[setup.name];
  const { raw, flags } = await parseExperimentArgs(spec, setup.args);
  const options = await experimentOptions(spec, setup.args, flags, raw);
  return { model: options.model, data: options.data };
}
