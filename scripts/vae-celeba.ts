/**
 * The VAE-on-CelebA experiment of Gerstgrasser et al. (2024), survey section 4.2, on a copy of CelebA
 * you bring (README, "CelebA and the convolutional models"): npx tsx scripts/vae-celeba.ts --data-dir <path> --help
 */
import cliProgress from 'cli-progress';
import { loadCeleba } from '../lib/index.ts';
import type { RawFlags } from './cli.ts';
import { main, modelFactory } from './cli.ts';

const IMAGE_SIZE = 64;

await main({
  family: 'vae',
  dataset: 'celeba',
  extend: (argv) =>
    argv
      .option('data-dir', { type: 'string', demandOption: true, describe: 'CelebA folder holding img_align_celeba/ (and list_eval_partition.txt); see the README, "Get CelebA"' })
      .option('image-size', { type: 'number', describe: `height and width the images are cropped and resized to (default: ${IMAGE_SIZE})` })
      .option('limit', { type: 'number', describe: 'use only the first N training images of the folder, and the same share of its test images (default: all)' })
      .option('cache-dir', { type: 'string', describe: 'folder for the decoded-image cache (default: <data-dir>/collapse-lab-cache)' }),
  load: (_f, raw) => load(raw),
  model: (f, shape) => modelFactory('vae', f, shape),
});

async function load(raw: RawFlags) {
  const positive = (name: string): number | undefined => {
    const v = raw[name] as number | undefined;
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new Error(`--${name} ${String(v)} is not valid; expected a positive integer.`);
    return v;
  };
  const imageSize = positive('image-size') ?? IMAGE_SIZE;
  // --train-size / --test-size, when given, cap the sets as for MNIST; presets' MNIST sizes do not apply.
  const trainSize = positive('train-size');
  const testSize = positive('test-size');
  const limits = [positive('limit'), trainSize].filter((v): v is number => v !== undefined);
  const limit = limits.length > 0 ? Math.min(...limits) : undefined;
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
