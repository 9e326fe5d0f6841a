/**
 * A small MNIST classifier whose penultimate layer is the feature space of the collapse metrics
 * (FID, precision/recall) and whose predictions give the class histogram. A dense network, not a
 * CNN: the wasm backend has no Conv2DBackpropFilter kernel, and a dense net trained on randomly
 * shifted digits reaches 98.5% on the test set in a few minutes on two CPU cores.
 *
 * It is trained once on the real MNIST training set (with the training loop fit() uses, runEpochs)
 * and cached (loadOrTrainClassifier): the folder holds the network and its description, sealed,
 * and appears in one rename, so a crash never leaves half a classifier.
 */
import * as tf from '../tfjs.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pixelsPerImage, range } from '../../data/images.ts';
import type { ImageShape, ImageSource } from '../../data/images.ts';
import { writeFileAtomic } from '../run/atomic.ts';
import { CLASSIFIER_FILE, CLASSIFIER_FOLDER_FILES } from '../run/layout.ts';
import { readChecked, writeSealedFolder } from '../run/sealed.ts';
import { readAndDispose } from '../../models/sampling.ts';
import { activeBackend } from '../backend.ts';
import { loadNetworkFrom, saveNetwork } from '../run/network-io.ts';
import { definedOnly } from '../options.ts';
import { createRng, Stream } from '../rng.ts';
import { runEpochs } from '../train.ts';
import type { EpochContext } from '../train.ts';
import type { Rng } from '../rng.ts';
import { checkClassifierDir } from './classifier-dir.ts';
import { features } from './features.ts';
import type { Features } from './features.ts';

export const CLASSIFIER_FORMAT = 'collapse-lab-classifier/1';

/** Name of the layer whose activations are the metrics' features. */
const FEATURE_LAYER = 'features';

/** Everything that decides the classifier's weights; a cache made with other settings is retrained. */
export interface ClassifierConfig {
  /** Image height, width, channels. Defaults to [28, 28, 1]. */
  imageShape: [number, number, number];
  /** Hidden layer sizes; the last is the feature dimension. Defaults to [512, 256]. */
  hidden: number[];
  /** Number of classes. Defaults to 10. */
  classes: number;
  /** Passes over the training set. Defaults to 8 (98.5-98.7% on MNIST's test set). */
  epochs: number;
  /** Images per step. Defaults to 128. */
  batchSize: number;
  /** Adam's learning rate; the last 30% of the epochs use a tenth of it. Defaults to 1e-3. */
  learningRate: number;
  /** Each training image is shifted by up to this many pixels in x and y (augmentation). Defaults to 2. */
  maxShift: number;
  /** Seed of the initialisation, shuffles and shifts. Defaults to 0. */
  seed: number;
  /** Training images used (the caller's set is recorded so that a cache from a subset is not reused). */
  trainSize: number;
}

export const CLASSIFIER_DEFAULTS = {
  imageShape: [28, 28, 1] as [number, number, number],
  hidden: [512, 256],
  classes: 10,
  epochs: 8,
  batchSize: 128,
  learningRate: 1e-3,
  maxShift: 2,
  seed: 0,
};

/** What classifier.json holds. */
export interface ClassifierInfo {
  format: string;
  config: ClassifierConfig;
  /** Share of the test set classified correctly. */
  testAccuracy: number;
  testSize: number;
  /** Seconds spent training. */
  seconds: number;
  backend: string;
  createdAt: string;
}

export interface ClassifierOutputs {
  /** Predicted class of every image. */
  labels: Uint8Array;
  /** Penultimate-layer activations, one row per image. */
  features: Features;
}

/** The metrics' MNIST classifier: its network and settings, and a run over images that gives class probabilities and penultimate features. */
export interface Classifier {
  readonly info: ClassifierInfo;
  /** image [n, h*w*c] -> logits [n, classes]. */
  readonly network: tf.LayersModel;
  readonly featureDim: number;
  /** Predictions and features of the first `count` images of `source` (all when omitted). */
  run(source: ImageSource, count?: number, batchSize?: number): Promise<ClassifierOutputs>;
  /** Frees its tensors. */
  dispose(): void;
}

/** Options of trainClassifier: its settings and a progress hook. */
export interface TrainClassifierOptions extends Partial<Omit<ClassifierConfig, 'trainSize'>> {
  /** Labelled training images. */
  train: ImageSource;
  /** Labelled test images; the accuracy on them goes into the info. */
  test: ImageSource;
  /** Called after each epoch of training. Defaults to none. */
  onEpochEnd?: (e: EpochContext) => void;
}

/** The dense network: input -> hidden (relu) ... -> 'features' (relu) -> logits. */
export function createClassifierNetwork(config: Pick<ClassifierConfig, 'imageShape' | 'hidden' | 'classes' | 'seed'>): tf.LayersModel {
  const { imageShape, hidden, classes, seed } = config;
  if (hidden.length === 0 || !hidden.every((h) => Number.isInteger(h) && h > 0)) {
    throw new Error(`Classifier hidden sizes [${hidden.join(', ')}] must be one or more positive integers.`);
  }
  const init = (i: number) => tf.initializers.glorotUniform({ seed: createRng(seed, Stream.init, i).seed() });
  const input = tf.input({ shape: [pixelsPerImage(imageShape)], name: 'image' });
  let h: tf.SymbolicTensor = input;
  hidden.forEach((units, i) => {
    const name = i === hidden.length - 1 ? FEATURE_LAYER : `hidden_${i}`;
    h = tf.layers.dense({ units, activation: 'relu', name, kernelInitializer: init(i) }).apply(h) as tf.SymbolicTensor;
  });
  const logits = tf.layers.dense({ units: classes, name: 'logits', kernelInitializer: init(hidden.length) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'classifier' });
}

/** Trains a classifier from scratch and measures its test accuracy. */
export async function trainClassifier(options: TrainClassifierOptions): Promise<Classifier> {
  const config: ClassifierConfig = {
    imageShape: options.imageShape ?? CLASSIFIER_DEFAULTS.imageShape,
    hidden: options.hidden ?? CLASSIFIER_DEFAULTS.hidden,
    classes: options.classes ?? CLASSIFIER_DEFAULTS.classes,
    epochs: options.epochs ?? CLASSIFIER_DEFAULTS.epochs,
    batchSize: options.batchSize ?? CLASSIFIER_DEFAULTS.batchSize,
    learningRate: options.learningRate ?? CLASSIFIER_DEFAULTS.learningRate,
    maxShift: options.maxShift ?? CLASSIFIER_DEFAULTS.maxShift,
    seed: options.seed ?? CLASSIFIER_DEFAULTS.seed,
    trainSize: options.train.count,
  };
  const { train, test } = options;
  for (const [name, set] of [['training', train], ['test', test]] as const) {
    if (!set.gatherLabels) throw new Error(`The classifier's ${name} set has no labels; expected labelled images.`);
    if (set.shape.join('x') !== config.imageShape.join('x')) {
      throw new Error(`The classifier's ${name} images are ${set.shape.join('x')}; expected ${config.imageShape.join('x')}.`);
    }
  }
  const network = createClassifierNetwork(config);
  const variables = network.trainableWeights.map((w) => w.read() as tf.Variable);
  const started = performance.now();
  // The learning rate drops tenfold for the last 30% of the epochs (a fresh Adam for that phase).
  const decayFrom = Math.max(2, Math.ceil(config.epochs * 0.7) + 1);
  let optimizer = tf.train.adam(config.learningRate);
  // Epoch e's shuffle and then its shifts, batch by batch, come from one stream (seed, Stream.shuffle, e).
  let rng: Rng = createRng(config.seed, Stream.shuffle, 1);
  try {
    await runEpochs({
      count: train.count,
      batchSize: config.batchSize,
      epochs: config.epochs,
      order: (epoch) => {
        if (epoch === decayFrom) {
          optimizer.dispose();
          optimizer = tf.train.adam(config.learningRate / 10);
        }
        rng = createRng(config.seed, Stream.shuffle, epoch);
        return rng.permutation(train.count);
      },
      step: (idx) => {
        const pixels = shiftImages(train.gather(idx), idx.length, config.imageShape, config.maxShift, rng);
        const labels = train.gatherLabels!(idx);
        return tf.tidy(() => {
          const x = tf.div(tf.tensor2d(pixels, [idx.length, pixels.length / idx.length], 'int32'), 255);
          const y = tf.oneHot(tf.tensor1d(labels, 'int32'), config.classes);
          return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, network.apply(x) as tf.Tensor) as tf.Scalar, true, variables)!;
        });
      },
      endEpoch: (epoch, trainLoss, seconds) => options.onEpochEnd?.({ epoch, epochs: config.epochs, trainLoss, seconds }),
    });
  } finally {
    optimizer.dispose();
  }
  const info: ClassifierInfo = {
    format: CLASSIFIER_FORMAT,
    config,
    testAccuracy: NaN,
    testSize: test.count,
    seconds: (performance.now() - started) / 1000,
    backend: activeBackend()?.name ?? tf.getBackend(),
    createdAt: new Date().toISOString(),
  };
  // wrap() holds no tensors of its own: the measured one and the returned one share the network.
  return wrap(network, { ...info, testAccuracy: await accuracy(wrap(network, info), test) });
}

/** Share of `source`'s images whose predicted class is their label. */
export async function accuracy(classifier: Classifier, source: ImageSource): Promise<number> {
  if (!source.gatherLabels) throw new Error('Accuracy needs labelled images.');
  const { labels } = await classifier.run(source);
  const truth = source.gatherLabels(range(source.count));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (labels[i] === truth[i]) correct++;
  return correct / truth.length;
}

/** Moves each image by a random whole-pixel offset in [-maxShift, maxShift]^2, filling with 0. */
export function shiftImages(pixels: Uint8Array, n: number, shape: ImageShape, maxShift: number, rng: Rng): Uint8Array {
  if (maxShift === 0) return pixels;
  const [h, w, c] = shape;
  const per = h * w * c;
  const out = new Uint8Array(pixels.length);
  for (let k = 0; k < n; k++) {
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = k * per + ((y - dy) * w + Math.max(0, -dx)) * c;
      const len = (w - Math.abs(dx)) * c;
      out.set(pixels.subarray(from, from + len), k * per + (y * w + Math.max(0, dx)) * c);
    }
  }
  return out;
}

function wrap(network: tf.LayersModel, info: ClassifierInfo): Classifier {
  const layers = network.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const featureIndex = layers.findIndex((l) => l.name === FEATURE_LAYER);
  if (featureIndex < 0) throw new Error(`The classifier network has no '${FEATURE_LAYER}' layer; expected one made by createClassifierNetwork.`);
  const featureDim = info.config.hidden[info.config.hidden.length - 1];
  return {
    info,
    network,
    featureDim,
    async run(source, count = source.count, batchSize = 1000) {
      const n = Math.min(count, source.count);
      const labels = new Uint8Array(n);
      const feats = new Float32Array(n * featureDim);
      const all = range(n);
      for (let start = 0; start < n; start += batchSize) {
        const idx = all.subarray(start, Math.min(n, start + batchSize));
        // Layer by layer, so the features come out of the same pass as the logits.
        const [f, p] = tf.tidy(() => {
          let h = tf.div(tf.tensor2d(source.gather(idx), [idx.length, pixelsPerImage(source.shape)], 'int32'), 255) as tf.Tensor;
          let feat: tf.Tensor | null = null;
          layers.forEach((layer, i) => {
            h = layer.apply(h) as tf.Tensor;
            if (i === featureIndex) feat = h;
          });
          return [feat!, tf.argMax(h, 1)];
        });
        // Both reads are started before either is awaited, so the device is waited on once.
        const [fv, pv] = await Promise.all([readAndDispose(f), p.data().finally(() => p.dispose())]);
        feats.set(fv, start * featureDim);
        labels.set(pv, start);
      }
      return { labels, features: features(feats, featureDim) };
    },
    dispose: () => network.dispose(),
  };
}

/**
 * Writes a classifier folder (the network and its description, sealed like a generation) as one
 * rename; two processes that train at once keep one of the two (same settings, same numbers).
 */
export async function saveClassifier(classifier: Classifier, dir: string): Promise<void> {
  await writeSealedFolder(
    dir,
    async (temp) => {
      await saveNetwork(classifier.network, temp, { syncFolder: false });
      await writeFileAtomic(join(temp, CLASSIFIER_FILE), JSON.stringify(classifier.info, null, 2) + '\n', { syncFolder: false });
    },
    // An older cache of ours is replaced; a folder holding anything else stops the save.
    { concurrent: true, known: CLASSIFIER_FOLDER_FILES },
  );
}

/** Reads a classifier folder written by saveClassifier (checked against its manifest). */
export async function loadClassifier(dir: string): Promise<Classifier> {
  const path = join(dir, CLASSIFIER_FILE);
  let info: ClassifierInfo;
  try {
    info = JSON.parse((await readChecked(dir, CLASSIFIER_FILE)).toString('utf8')) as ClassifierInfo;
  } catch (err) {
    throw new Error(`Classifier file ${path} could not be read (${(err as Error).message}); expected a folder written by saveClassifier.`);
  }
  if (info.format !== CLASSIFIER_FORMAT) throw new Error(`Classifier file ${path} has format '${info.format}'; expected '${CLASSIFIER_FORMAT}'.`);
  return wrap(await loadNetworkFrom(dir), info);
}

/** Options of loadOrTrainClassifier: the cache folder and, for a first training, the classifier's settings. */
export interface CachedClassifierOptions extends Partial<Omit<ClassifierConfig, 'trainSize'>> {
  /** Folder of the cached classifier (see defaultClassifierDir); one holding files that are not a classifier is refused. */
  dir: string;
  /** Loads the labelled training and test sets; called only when the classifier must be trained. */
  data: () => Promise<{ train: ImageSource; test: ImageSource }>;
  /** Warn when the test accuracy is below this. Defaults to 0.98. */
  minAccuracy?: number;
  /** Notes for the user (training progress, the accuracy). Defaults to none. */
  log?: (line: string) => void;
}

/**
 * The classifier cached in `dir` when it was made with the same settings, else a freshly trained
 * one, saved there. Loading takes well under a second; training on all of MNIST takes a few minutes.
 */
export async function loadOrTrainClassifier(options: CachedClassifierOptions): Promise<Classifier> {
  const { dir, data, minAccuracy = 0.98, log, ...rest } = options;
  const wanted = { ...CLASSIFIER_DEFAULTS, ...definedOnly(rest) };
  let cached: Classifier | null = null;
  try {
    cached = await loadClassifier(dir);
  } catch {
    cached = null;
  }
  if (cached) {
    const c = cached.info.config;
    const same = (Object.keys(wanted) as (keyof typeof wanted)[]).every((k) => JSON.stringify(c[k]) === JSON.stringify(wanted[k]));
    if (same) return cached;
    cached.dispose();
    log?.(`The classifier in ${dir} was made with other settings; training a new one.`);
  }
  // Training ends by replacing the folder: never one holding files of the user's.
  await checkClassifierDir(dir);
  const { train, test } = await data();
  log?.(`Training the metrics classifier on ${train.count} images (${wanted.epochs} epochs, once; cached in ${dir})...`);
  const classifier = await trainClassifier({
    ...wanted,
    train,
    test,
    onEpochEnd: (e) => log?.(`classifier epoch ${e.epoch}/${e.epochs}: loss ${e.trainLoss.toFixed(4)} (${e.seconds.toFixed(1)} s)`),
  });
  const acc = classifier.info.testAccuracy;
  log?.(`Classifier test accuracy ${(acc * 100).toFixed(2)}% on ${test.count} images, trained in ${classifier.info.seconds.toFixed(0)} s.`);
  if (acc < minAccuracy) log?.(`Warning: the classifier's test accuracy ${(acc * 100).toFixed(2)}% is below ${(minAccuracy * 100).toFixed(1)}%; its metrics are less trustworthy.`);
  await mkdir(join(dir, '..'), { recursive: true });
  await saveClassifier(classifier, dir);
  return classifier;
}
