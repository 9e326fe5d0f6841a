/**
 * The settings and the model factory that the image families share: a VAE or an autoencoder, with
 * dense layers or strided convolutions sized by the image, and its sampler (models/options.ts).
 */
import type { ImageShape } from '../../data/images.ts';
import { SAMPLING_MODES } from '../../models/options.ts';
import type { ModelFactory, ModelKind } from '../../models/types.ts';
import { choice, integer, integers, positive } from '../declare.ts';
import type { ValuesOf } from '../declare.ts';
import { opt, OptionError, say } from '../options.ts';

/** The model settings of an image family of `kind`, with this data's defaults. */
export function imageModelSettings<K extends ModelKind>(kind: K, d: { latentDim: number; arch: 'dense' | 'conv' }) {
  const sampling = SAMPLING_MODES[kind] as readonly (typeof SAMPLING_MODES)[K][number][];
  return {
    latentDim: integer({ help: 'latent dimension', default: d.latentDim, min: 1 }),
    arch: choice(['dense', 'conv'], {
      help: 'dense layers, or strided convolutions sized by the image (models/conv-vae.ts)',
      default: d.arch,
    }),
    hidden: integers({ help: 'hidden layer sizes of --arch dense', default: [400] }),
    sampling: choice(sampling, { help: 'how synthetic images are drawn', default: sampling[0] }),
    samplingTemperature: positive({
      help:
        'λ: latent draws scaled by λ, z ~ N(0, λ²I) for a VAE, the fitted latent covariance times λ² for an AE;' +
        ' below 1 less diverse',
      default: 1,
    }),
  } as const;
}

type ImageModelValues = ValuesOf<ReturnType<typeof imageModelSettings>>;

/** --hidden sets dense layers only: given with a convolutional architecture, it would be ignored. */
export function checkHidden(v: ImageModelValues, given: Readonly<Record<string, unknown>>, dataName: string): void {
  if (given.hidden === undefined || v.arch === 'dense') return;
  const hidden = v.hidden.join(',');
  const why = given.arch === undefined ? ` (the ${dataName} default)` : '';
  const sentence = [
    ...say`${opt('hidden', hidden)} sets the layers of ${opt('arch', 'dense')}, but the architecture is ${v.arch}${why}, `,
    ...say`whose layers follow from the image size; expected ${opt('arch', 'dense')} with ${opt('hidden')}, or no ${opt('hidden')}.`,
  ];
  throw new OptionError('hidden', v.hidden, sentence);
}

/** The factory of a `kind` model with these settings for images of `shape`. */
export async function imageModel(kind: ModelKind, v: ImageModelValues, shape: ImageShape): Promise<ModelFactory> {
  const common = { sampling: v.sampling, samplingTemperature: v.samplingTemperature, latentDim: v.latentDim };
  if (v.arch === 'dense') {
    const dense = { ...common, imageShape: shape, hidden: v.hidden };
    if (kind === 'vae') {
      const { createVae } = await import('../../models/vae.ts');
      return (init) => createVae({ ...dense, sampling: v.sampling as 'mean', seed: init.seed });
    }
    const { createAutoencoder } = await import('../../models/autoencoder.ts');
    return (init) => createAutoencoder({ ...dense, sampling: v.sampling as 'reconstruct', seed: init.seed });
  }
  const conv = { ...common, imageShape: [shape[0], shape[1], shape[2]] as [number, number, number] };
  if (kind === 'vae') {
    const { createConvVae } = await import('../../models/conv-vae.ts');
    return (init) => createConvVae({ ...conv, sampling: v.sampling as 'mean', seed: init.seed });
  }
  const { createConvAutoencoder } = await import('../../models/conv-autoencoder.ts');
  return (init) => createConvAutoencoder({ ...conv, sampling: v.sampling as 'reconstruct', seed: init.seed });
}
