/**
 * The CelebA family: the convolutional VAE of Gerstgrasser et al. (2024) (survey section 4.2) on a
 * copy of CelebA the user brings, cropped and resized to imageSize, decoded once into a cache.
 * Grids and losses only: the collapse metrics' classifier is an MNIST one.
 */
import { flag, integer, text } from '../declare.ts';
import type { ValuesOf } from '../declare.ts';
import { opt, OptionError, say } from '../options.ts';
import { checkHidden, imageModel, imageModelSettings } from './image-models.ts';
import type { Family } from './types.ts';

const CELEBA_SETTINGS = {
  dataDir: text({
    help: 'CelebA folder holding img_align_celeba/ (and list_eval_partition.txt); see docs/experiments.md, "Get CelebA"',
    required: 'the CelebA folder holding img_align_celeba/ (see docs/experiments.md, "Get CelebA")',
  }),
  imageSize: integer({ help: 'height and width the images are cropped and resized to', default: 64, min: 1 }),
  limit: integer({
    help: 'use only the first N training images of the folder, and the same share of its test images',
    defaultHelp: 'all',
    min: 1,
  }),
  cacheDir: text({ help: 'folder for the decoded-image cache', defaultHelp: '<data-dir>/collapse-lab-cache' }),
  trainSize: integer({
    help: 'real training images used, the first N',
    defaultHelp: 'every training image of the folder, or --limit',
    min: 1,
  }),
  testSize: integer({
    help: 'real test images used, the first N',
    defaultHelp: 'every test image of the folder, or the --limit share',
    min: 1,
  }),
  ...imageModelSettings('vae', { latentDim: 128, arch: 'conv' }),
  // Accepted as false, so that one command line can serve every image family.
  metrics: flag({
    help: 'collapse metrics: MNIST only (their classifier is an MNIST one), so none for CelebA; --metrics is refused',
    default: false,
  }),
} as const;

type CelebaValues = ValuesOf<typeof CELEBA_SETTINGS>;

function checkCeleba(v: CelebaValues, given: Readonly<Record<string, unknown>>): void {
  checkHidden(v, given, 'CelebA');
  if (v.metrics) {
    const sentence = [
      ...say`${opt('metrics', true)} asks for the collapse metrics, which are MNIST-only (their classifier is an MNIST one); `,
      ...say`expected no ${opt('metrics', true)} for CelebA, whose runs get grids and losses.`,
    ];
    throw new OptionError('metrics', true, sentence);
  }
}

export const CELEBA_CONV_VAE = {
  name: 'celeba-conv-vae',
  title: 'VAE on CelebA',
  summary: 'Trains a VAE on CelebA generation after generation under each scheme.',
  settings: CELEBA_SETTINGS,
  // The sizes are the whole folder (or limit), so presets set only generations and epochs.
  presets: { quick: { generations: 5, epochs: 5 }, paper: { generations: 7, epochs: 10 } },
  freshPool: false,
  check: checkCeleba,
  async load(v: CelebaValues, ctx) {
    const { loadCeleba } = await import('../../data/celeba.ts');
    // trainSize / testSize, when given, cap the sets as for MNIST.
    const limits = [v.limit, v.trainSize].filter((n): n is number => n !== undefined);
    const celeba = await loadCeleba({
      dir: v.dataDir,
      imageSize: v.imageSize,
      limit: limits.length > 0 ? Math.min(...limits) : undefined,
      testLimit: v.testSize,
      cacheDir: v.cacheDir,
      log: ctx.log,
      onProgress: (done, total) => ctx.onProgress?.('decoding CelebA', done, total),
    });
    const { train, test, split } = celeba;
    const size = v.imageSize;
    ctx.log(`CelebA (${split} split): ${train.count} training and ${test.count} test images of ${size}x${size}x3.`);
    const config = { dataset: 'celeba', imageSize: size, split, trainImages: train.count, testImages: test.count, skipped: celeba.skipped.length };
    return { train, test, config };
  },
  model: (v: CelebaValues, data) => imageModel('vae', v, data.train.shape),
  async analysis(v: CelebaValues, ctx) {
    const { createCollapseAnalysis, collapseAnalysisSettings } = await import('../analysis.ts');
    const options = { metrics: false };
    return { ...createCollapseAnalysis({ ...options, ...ctx }), settings: collapseAnalysisSettings(options) };
  },
} satisfies Family<typeof CELEBA_SETTINGS>;
