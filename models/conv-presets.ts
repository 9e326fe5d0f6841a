/**
 * The layer sizes of the conv VAE and autoencoder (models/conv-vae.ts, models/conv-autoencoder.ts):
 * the presets, the default sizes for an image shape, and the architecture options resolve to. Kept
 * apart from the models so that settings can be checked without loading tfjs.
 */
import type { ImageShape } from '../data/images.ts';

/** Layer sizes of a conv VAE or AE. */
export interface ConvPreset {
  imageShape: [number, number, number];
  channels: number[];
  kernelSize: number;
  latentDim: number;
}

/** MNIST, as in Shumailov et al. (2024): 28x28x1 -> 14x14x64 -> 7x7x128 -> 20. */
export const CONV_MNIST: Readonly<ConvPreset> = Object.freeze<ConvPreset>({
  imageShape: [28, 28, 1],
  channels: [64, 128],
  kernelSize: 4,
  latentDim: 20,
});

/** CelebA at 64x64: 64x64x3 -> 32x32x32 -> 16x16x64 -> 8x8x128 -> 4x4x256 -> 128. */
export const CONV_CELEBA: Readonly<ConvPreset> = Object.freeze<ConvPreset>({
  imageShape: [64, 64, 3],
  channels: [32, 64, 128, 256],
  kernelSize: 4,
  latentDim: 128,
});

/**
 * The default layer sizes for an image shape: the MNIST preset for 28x28x1, otherwise the CelebA
 * channels with as many stride-2 layers (at most 4) as keep the smallest feature map at least 4
 * pixels wide.
 */
export function convPresetFor(imageShape: ImageShape): ConvPreset {
  const [h, w, c] = imageShape;
  if (h === 28 && w === 28 && c === 1)
    return { ...CONV_MNIST, imageShape: [h, w, c], channels: [...CONV_MNIST.channels] };
  let layers = 0;
  while (
    layers < 4 &&
    h % 2 ** (layers + 1) === 0 &&
    w % 2 ** (layers + 1) === 0 &&
    Math.min(h, w) / 2 ** (layers + 1) >= 4
  )
    layers++;
  return { ...CONV_CELEBA, imageShape: [h, w, c], channels: CONV_CELEBA.channels.slice(0, Math.max(1, layers)) };
}

/** The options the conv VAE and conv autoencoder share. */
export interface ConvModelOptions {
  /** Image height, width, channels. Defaults to [64, 64, 3] (CelebA). */
  imageShape?: ImageShape;
  /**
   * Channels of the encoder's stride-2 convs (the decoder mirrors them). Defaults to
   * convPresetFor(imageShape).channels.
   */
  channels?: number[];
  /** Kernel size of every conv. Defaults to 4. */
  kernelSize?: number;
  /** Latent (code) dimension. Defaults to convPresetFor(imageShape).latentDim (20 for MNIST, 128 otherwise). */
  latentDim?: number;
  /** Seed of the weight initialisation. Defaults to 0. */
  seed?: number;
}

/** The architecture the options ask for, preset values filling what they leave out. */
export function resolveConvArch(options: ConvModelOptions) {
  const imageShape = options.imageShape ?? CONV_CELEBA.imageShape;
  const preset = convPresetFor(imageShape);
  return {
    imageShape,
    channels: options.channels ?? preset.channels,
    kernelSize: options.kernelSize ?? preset.kernelSize,
    latentDim: options.latentDim ?? preset.latentDim,
  };
}
