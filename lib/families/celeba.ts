/**
 * The CelebA family: the convolutional VAE of Gerstgrasser et al. (2024) (survey section 4.2) on a
 * copy of CelebA the user brings, cropped and resized to imageSize, decoded once into a cache.
 * Grids and losses only: the collapse metrics' classifier is an MNIST one.
 */
import { flag, integer, text } from '../declare.ts';
import type { ValuesOf } from '../declare.ts';
import { opt, OptionError, say } from '../options.ts';
import { isInstalled } from '../optional-package.ts';
import { totalmem } from 'node:os';
import { convTrainingSize } from '../../models/conv-memory.ts';
import { resolveConvArch } from '../../models/conv-presets.ts';
import { resolveDenseArch, TRAINING_BYTES_PER_WEIGHT } from '../../models/options.ts';
import { checkHidden, imageModel, imageModelSettings } from './image-models.ts';
import type { Family, FamilyCheckContext } from './types.ts';

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

function checkCeleba(v: CelebaValues, given: Readonly<Record<string, unknown>>, run?: FamilyCheckContext): void {
  // The image size first: it decides the model that --hidden may or may not apply to.
  checkImageSize(v);
  if (run) checkConvMemory(v, run);
  checkHidden(v, given, 'CelebA');
  if (v.metrics) {
    const sentence = [
      ...say`${opt('metrics', true)} asks for the collapse metrics, which are MNIST-only (their classifier is an MNIST one); `,
      ...say`expected no ${opt('metrics', true)} for CelebA, whose runs get grids and losses.`,
    ];
    throw new OptionError('metrics', true, sentence);
  }
}

/** The model the image size gives must be one that can be built and trained: checked before any picture is decoded. */
function checkImageSize(v: CelebaValues): void {
  const size = v.imageSize;
  if (v.arch === 'conv' && size % 2 !== 0) {
    const sentence = [
      ...say`${opt('imageSize')} ${size} is odd, so the conv VAE's stride-2 layers cannot halve it and double it back; `,
      ...say`expected an even size (the default is 64), or ${opt('arch', 'dense')}.`,
    ];
    throw new OptionError('imageSize', size, sentence);
  }
  if (v.arch !== 'dense') return;
  try {
    resolveDenseArch('createVae', { imageShape: [size, size, 3], hidden: v.hidden, latentDim: v.latentDim }, 2);
  } catch (err) {
    if (!(err instanceof OptionError && err.option === 'imageShape')) throw err;
    // The image's pixels hold most of the weights: the flag to lower is --image-size.
    const why = err.message.slice(err.message.indexOf(' gives ')).replace(/lower imageShape\.$/, '');
    throw new OptionError('imageSize', size, [
      ...say`${opt('imageSize')} ${size} with ${opt('hidden')} ${v.hidden.join(',')}${why}`,
      ...say`lower ${opt('imageSize')}.`,
    ]);
  }
}

/** The packages of tfjs-node (GPU or CPU), which 'auto' picks before wasm when installed. */
const NATIVE_BACKENDS = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** The wasm backend keeps every tensor in one WebAssembly heap, of at most 4 GiB. */
const WASM_HEAP_BYTES = 2 ** 32;

/**
 * A conv VAE whose training (weights and one batch's feature maps) would not fit where it runs is refused
 * before any picture is decoded: on wasm (also what 'auto' picks without tfjs-node) all tensors share one
 * heap of 4 GiB, elsewhere half of this machine's memory is the limit.
 */
function checkConvMemory(v: CelebaValues, run: FamilyCheckContext): void {
  if (v.arch !== 'conv') return;
  const arch = resolveConvArch({ imageShape: [v.imageSize, v.imageSize, 3], latentDim: v.latentDim });
  const size = convTrainingSize(arch, 2, run.batchSize);
  const native = run.backend === 'tensorflow' || (run.backend === 'auto' && NATIVE_BACKENDS.some(isInstalled));
  const heap = run.backend === 'wasm' || (run.backend === 'auto' && !native);
  const limit = heap ? Math.min(WASM_HEAP_BYTES, totalmem() / 2) : totalmem() / 2;
  if (size.bytes <= limit) return;
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  const where = heap ? `${gb(limit)} (the wasm backend's heap)` : `${gb(limit)} (half of this machine's memory)`;
  const sentence = [
    ...say`${opt('imageSize')} ${v.imageSize} with ${opt('batchSize')} ${run.batchSize} gives the conv VAE `,
    ...say`${size.weights.toExponential(2)} weights and ${size.activationsPerImage.toExponential(2)} feature-map values an image, `,
    ...say`which need about ${gb(size.bytes)} to train; expected at most ${where}: lower ${opt('imageSize')}`,
    // A smaller batch helps only where the weights alone fit.
    ...(TRAINING_BYTES_PER_WEIGHT * size.weights < limit ? say` or ${opt('batchSize')}.` : say`.`),
  ];
  throw new OptionError('imageSize', v.imageSize, sentence);
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
    const config = {
      dataset: 'celeba',
      imageSize: size,
      split,
      trainImages: train.count,
      testImages: test.count,
      skipped: celeba.skipped.length,
    };
    return { train, test, config };
  },
  model: (v: CelebaValues, data) => imageModel('vae', v, data.train.shape),
  async analysis(v: CelebaValues, ctx) {
    const { createCollapseAnalysis, collapseAnalysisSettings } = await import('../analysis.ts');
    const options = { metrics: false };
    return { ...createCollapseAnalysis({ ...options, ...ctx }), settings: collapseAnalysisSettings(options) };
  },
} satisfies Family<typeof CELEBA_SETTINGS>;
