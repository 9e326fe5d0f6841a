/**
 * The MNIST families: a VAE (the survey's experiment) or an autoencoder on MNIST's 28x28 digits,
 * with the collapse metrics (their classifier is an MNIST one). The training images after the first
 * trainSize are the fresh scheme's pool.
 */
import type { ModelKind } from '../../models/types.ts';
import { flag, integer, text } from '../declare.ts';
import type { ValuesOf } from '../declare.ts';
import { defaultClassifierDir, mnistClassifierData } from '../metrics/classifier-dir.ts';
import { checkHidden, imageModel, imageModelSettings } from './image-models.ts';
import type { Family } from './types.ts';

const mnistSettings = <K extends ModelKind>(kind: K) => ({
  trainSize: integer({ help: 'real training images used, the first N', default: 60000, min: 1, max: 60000 }),
  testSize: integer({ help: 'real test images used, the first N', default: 10000, min: 1, max: 10000 }),
  ...imageModelSettings(kind, { latentDim: 20, arch: 'dense' }),
  metrics: flag({
    help:
      'collapse metrics per generation (FID, precision/recall, class entropy, latent std; trains a classifier once);' +
      ' --no-metrics skips them',
    default: true,
  }),
  classifierDir: text({
    help: "folder of the metrics' MNIST classifier, trained there on first use",
    defaultHelp: defaultClassifierDir(),
  }),
});

type MnistValues = ValuesOf<ReturnType<typeof mnistSettings>>;

/** The MNIST family of a `kind` model. */
function mnistFamily<K extends ModelKind>(kind: K, name: string, title: string, summary: string) {
  return {
    name,
    title,
    summary,
    settings: mnistSettings(kind),
    presets: {
      /** Small enough for a 2-core CPU in a few minutes, large enough to show collapse. */
      quick: { generations: 5, epochs: 5, trainSize: 10000, testSize: 10000 },
      /** The survey's MNIST experiment: 7 generations x 10 epochs on all 60,000 training images. */
      paper: { generations: 7, epochs: 10, trainSize: 60000, testSize: 10000 },
    },
    freshPool: true,
    check: (v: MnistValues, given) => checkHidden(v, given, 'MNIST'),
    async load(v: MnistValues, ctx) {
      const { loadMnist } = await import('../../data/mnist.ts');
      const { train, test, rest } = await loadMnist({ trainSize: v.trainSize, testSize: v.testSize, rest: ctx.freshPool });
      return { train, test, ...(rest ? { freshPool: rest } : {}), config: { dataset: 'mnist' } };
    },
    model: (v: MnistValues, data) => imageModel(kind, v, data.train.shape),
    async analysis(v: MnistValues, ctx) {
      const { createCollapseAnalysis, collapseAnalysisSettings } = await import('../analysis.ts');
      const options = { metrics: v.metrics, classifierData: mnistClassifierData, ...(v.classifierDir ? { classifierDir: v.classifierDir } : {}) };
      const analysis = createCollapseAnalysis({ ...options, ...ctx });
      return { ...analysis, settings: collapseAnalysisSettings(options) };
    },
  } satisfies Family<ReturnType<typeof mnistSettings>>;
}

export const MNIST_VAE = mnistFamily('vae', 'mnist-vae', 'VAE on MNIST', 'Trains a VAE on MNIST generation after generation under each scheme.');
export const MNIST_AE = mnistFamily(
  'ae',
  'mnist-ae',
  'AE on MNIST',
  'Trains an autoencoder on MNIST generation after generation under each scheme.',
);
