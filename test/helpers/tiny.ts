/** A tiny real-MNIST configuration that trains in well under a second per generation. */
import { loadMnist } from '../../data/mnist.ts';
import type { ImageSet } from '../../data/images.ts';
import { createVae } from '../../models/vae.ts';
import { createAutoencoder } from '../../models/autoencoder.ts';
import type { ModelFactory } from '../../models/types.ts';

export async function tinyMnist(trainSize = 200, testSize = 100): Promise<{ train: ImageSet; test: ImageSet }> {
  return loadMnist({ trainSize, testSize });
}

export const tinyVae: ModelFactory = (init) => createVae({ hidden: [32], latentDim: 4, seed: init.seed });
export const tinyAe: ModelFactory = (init) => createAutoencoder({ hidden: [32], latentDim: 4, seed: init.seed });
