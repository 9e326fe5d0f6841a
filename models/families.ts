/**
 * What every VAE and every autoencoder does, whatever its layers: the losses, the training step,
 * encoding, decoding and sampling. An architecture (dense, conv) supplies only its network and the
 * functions that run its encoder and decoder; these builders make the GenerativeModel around them.
 */
import * as tf from '../lib/tfjs.ts';
import type { ImageShape, ImageSource } from '../data/images.ts';
import { tfSeed } from '../lib/rng.ts';
import type { Rng } from '../lib/rng.ts';
import { drawLatentGaussian, fitLatentGaussian } from './latent-gaussian.ts';
import type { LatentGaussian } from './latent-gaussian.ts';
import { bernoulliNll, gaussianKl } from './losses.ts';
import { pixelForm } from './options.ts';
import { normalTensor, sampleByReconstruction, sampleFromLatent } from './sampling.ts';
import type { GenerativeModel } from './types.ts';

/** An architecture's parts, as the family builders need them. */
interface Architecture {
  arch: string;
  imageShape: ImageShape;
  latentDim: number;
  /** True when batches are [n, h*w*c], false when [n, h, w, c]. */
  flatInput: boolean;
  /** Goes into run.json, after kind and arch. */
  config: Record<string, unknown>;
  network: tf.LayersModel;
  variables: tf.Variable[];
  /** Latent codes [n, latentDim] to decoder logits, shaped like a batch. */
  decodeLogits: (z: tf.Tensor2D) => tf.Tensor;
  /** λ: latent draws for sampling are scaled by it (models/options.ts). */
  samplingTemperature: number;
}

export interface VaeArchitecture extends Architecture {
  /** A batch to the posterior's mean and log variance. */
  encodePosterior: (x: tf.Tensor) => { mu: tf.Tensor2D; logVar: tf.Tensor2D };
  sampling: 'mean' | 'bernoulli' | 'threshold';
}

export interface AutoencoderArchitecture extends Architecture {
  /** A batch to its codes. */
  encodeCode: (x: tf.Tensor) => tf.Tensor2D;
  sampling: 'latent-gaussian' | 'reconstruct' | 'bernoulli' | 'threshold';
}

/** A Bernoulli-decoder VAE: loss = summed binary cross-entropy + KL per image (Kingma & Welling 2014, Appendix B). */
export function vaeFamily(a: VaeArchitecture): GenerativeModel {
  // Per-image loss parts with z = mu + sigma * eps (the reparameterisation trick).
  const lossParts = (x: tf.Tensor, noiseSeed: number) => {
    const { mu, logVar } = a.encodePosterior(x);
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', tfSeed(noiseSeed));
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;
    return { recon: bernoulliNll(a.decodeLogits(z), x), kl: gaussianKl(mu, logVar) };
  };
  const model: GenerativeModel = {
    ...common(a, 'vae'),
    trainStep(batch, optimizer, stepSeed) {
      return tf.tidy(() =>
        optimizer.minimize(() => {
          const { recon, kl } = lossParts(batch, stepSeed);
          return tf.mean(tf.add(recon, kl)) as tf.Scalar;
        }, true, a.variables) as tf.Scalar,
      );
    },
    lossSums(batch, evalSeed) {
      return tf.tidy(() => {
        const { recon, kl } = lossParts(batch, evalSeed);
        const r = tf.sum(recon);
        const k = tf.sum(kl);
        return tf.stack([tf.add(r, k), r, k]) as tf.Tensor1D;
      });
    },
    encode: (batch) => tf.tidy(() => a.encodePosterior(batch).mu),
    sampleLatent: (count: number, rng: Rng) => normalTensor(rng, count, a.latentDim, a.samplingTemperature),
    async prepareSampling(_train: ImageSource, _batchSize: number) {
      // The VAE samples from its prior: nothing to fit.
    },
    sample: (count, rng, _from, batchSize) => sampleFromLatent(model, count, rng, batchSize, pixelForm(a.sampling)),
  };
  return model;
}

/** An autoencoder with a cross-entropy reconstruction loss, made generative by its sampling mode. */
export function autoencoderFamily(a: AutoencoderArchitecture): GenerativeModel {
  const recon = (x: tf.Tensor) => bernoulliNll(a.decodeLogits(a.encodeCode(x)), x);
  let latent: LatentGaussian | null = null;
  const model: GenerativeModel = {
    ...common(a, 'ae'),
    // A Gaussian's mean and covariance need two codes at least.
    minTrainImages: a.sampling === 'reconstruct' ? 1 : 2,
    trainStep(batch, optimizer) {
      return tf.tidy(() => optimizer.minimize(() => tf.mean(recon(batch)) as tf.Scalar, true, a.variables) as tf.Scalar);
    },
    lossSums(batch) {
      return tf.tidy(() => {
        const r = tf.sum(recon(batch));
        return tf.stack([r, r, tf.zerosLike(r)]) as tf.Tensor1D;
      });
    },
    encode: (batch) => tf.tidy(() => a.encodeCode(batch)),
    sampleLatent(count, rng) {
      if (!latent) throw new Error('The autoencoder has no latent Gaussian yet; call prepareSampling(trainingSet) after training.');
      return drawLatentGaussian(latent, count, rng, a.samplingTemperature);
    },
    async prepareSampling(train, batchSize) {
      if (a.sampling !== 'reconstruct') latent = await fitLatentGaussian(train, batchSize, a.flatInput, a.latentDim, model.encode);
    },
    sample(count, rng, from, batchSize) {
      return a.sampling === 'reconstruct' ? sampleByReconstruction(model, count, rng, from, batchSize) : sampleFromLatent(model, count, rng, batchSize, pixelForm(a.sampling));
    },
  };
  return model;
}

function common(a: Architecture, kind: 'vae' | 'ae') {
  return {
    kind,
    arch: a.arch,
    imageShape: a.imageShape,
    latentDim: a.latentDim,
    flatInput: a.flatInput,
    // λ = 1 is left out, so that the config of a run made before λ existed still matches on resume.
    config: { kind, arch: a.arch, ...a.config, sampling: (a as VaeArchitecture | AutoencoderArchitecture).sampling, ...(a.samplingTemperature !== 1 ? { samplingTemperature: a.samplingTemperature } : {}) },
    network: a.network,
    decode: (z: tf.Tensor2D) => tf.tidy(() => tf.sigmoid(a.decodeLogits(z))),
    dispose: () => a.network.dispose(),
  };
}
