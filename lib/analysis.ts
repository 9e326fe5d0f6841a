/**
 * The collapse analysis trainGenerations runs after each generation (its `analyze` seam):
 *
 *   fixed-samples.png/.u8    decoded from latent draws that are the same in every generation
 *   reconstructions.png/.u8  ten fixed real test digits, one per class, then their reconstructions
 *   analysis.json            what the pictures and metrics were made from, and the real-data baseline
 *
 * and the record fields fid, classEntropy, classHistogram, precision, recall, latentStd (and
 * metricSamples), measured on the first `metricSamples` synthetic images with a classifier trained
 * on real MNIST (lib/metrics/classifier.ts). latentStd encodes the samples with generation 1's
 * encoder, kept from generation 1 or, after a resume, loaded from the run's gen-001/.
 */
import * as tf from './tfjs.ts';
import { createImageSet, quantize, range } from '../data/images.ts';
import { toFloatBatch } from '../data/batch.ts';
import type { ImageSet, ImageSource } from '../data/images.ts';
import { readAndDispose } from '../models/sampling.ts';
import type { GenerativeModel, ModelFactory } from '../models/types.ts';
import { checkInteger, definedOnly, OptionError, say } from './options.ts';
import type { GenerationRecord } from './record.ts';
import type { AnalyzeContext, AnalyzeResult } from './resolve.ts';
import { copyGenerationOne } from './generation-one.ts';
import { ANALYSIS_FILES } from './run/layout.ts';
import { loadOrTrainClassifier } from './metrics/classifier.ts';
import { defaultClassifierDir, mnistClassifierData } from './metrics/classifier-dir.ts';
import type { Classifier } from './metrics/classifier.ts';
import { classHistogram, entropy } from './metrics/entropy.ts';
import { firstRows } from './metrics/features.ts';
import { fitGaussian, frechetDistance } from './metrics/fid.ts';
import type { GaussianFit } from './metrics/fid.ts';
import { latentStd } from './metrics/latent.ts';
import { manifold, precisionRecall } from './metrics/precision-recall.ts';
import type { Manifold } from './metrics/precision-recall.ts';
import { gridPng } from './report/grid.ts';
import { createRng, Stream } from './rng.ts';

export const ANALYSIS_FORMAT = 'collapse-lab-analysis/1';

/** Options of createCollapseAnalysis: the model factory, the seed, and the metrics' settings. */
export interface CollapseAnalysisOptions {
  /** Builds a model like the run's; used to hold generation 1's encoder. */
  model: ModelFactory;
  /** Seed of the fixed latent draws (use the run's seed, so schemes share them). Defaults to 0. */
  seed?: number;
  /** Measure the collapse metrics (classifier, FID, precision/recall, entropy, latentStd). Defaults to true. */
  metrics?: boolean;
  /** The classifier of the metrics. Defaults to the MNIST classifier cached in `classifierDir` (trained on first use). */
  classifier?: () => Promise<Classifier>;
  /** The labelled images the classifier is trained on when it is not cached. Defaults to MNIST's (mnistClassifierData). */
  classifierData?: () => Promise<{ train: ImageSource; test: ImageSource }>;
  /** Folder of the cached MNIST classifier. Defaults to defaultClassifierDir(): $XDG_CACHE_HOME/collapse-lab/mnist-classifier, else ~/.cache/collapse-lab/mnist-classifier. */
  classifierDir?: string;
  /** Synthetic images measured per generation (and real images they are compared with). Defaults to 2000. */
  metricSamples?: number;
  /** Neighbour rank of the precision/recall radii (Kynkäänniemi et al. use 3). Defaults to 3. */
  k?: number;
  /** Latent draws decoded into fixed-samples.png. Defaults to 100. */
  fixedDraws?: number;
  /** Images per forward pass. Defaults to 1000. */
  batchSize?: number;
  /** Notes for the user (classifier training). Defaults to none. */
  log?: (line: string) => void;
}

export const ANALYSIS_DEFAULTS = {
  seed: 0,
  metrics: true,
  metricSamples: 2000,
  k: 3,
  fixedDraws: 100,
  batchSize: 1000,
} as const;

/** What of the analysis' options changes the records (run.json's config.analysis): not where the classifier is cached, nor the log. */
export function collapseAnalysisSettings(a: Omit<CollapseAnalysisOptions, 'model'>): Record<string, unknown> {
  const { metrics, metricSamples, k, fixedDraws, batchSize } = { ...ANALYSIS_DEFAULTS, ...definedOnly(a) };
  if (!metrics) return { metrics, fixedDraws, batchSize };
  return { metrics, metricSamples, k, fixedDraws, batchSize, classifier: a.classifier ? 'given' : 'mnist' };
}

/** The record fields the analysis adds (all absent with metrics off); the JSON on disk keeps them beside the core fields. */
export interface CollapseMetrics {
  /** Fréchet distance between classifier features of the samples and of the real test set. */
  fid: number;
  /** Entropy (nats) of the samples' predicted classes; ln 10 ≈ 2.303 at most. */
  classEntropy: number;
  /** Count of samples per predicted class 0..9. */
  classHistogram: number[];
  /** Share of samples inside the real feature manifold (Kynkäänniemi et al. 2019). */
  precision: number;
  /** Share of real images inside the samples' feature manifold. */
  recall: number;
  /** Mean per-dimension standard deviation of the samples' codes under generation 1's encoder. */
  latentStd: number;
  /** Synthetic images the metrics were measured on. */
  metricSamples: number;
}

/** A record of a run measured by the collapse analysis. */
export type CollapseRecord = GenerationRecord & Partial<CollapseMetrics>;

/** What analysis.json holds. */
export interface AnalysisInfo {
  format: string;
  generation: number;
  imageShape: [number, number, number];
  /** fixed-samples.u8: `count` images decoded from the draws of stream (seed, Stream.fixed); null when the model cannot decode draws (AE 'reconstruct'). */
  fixedSamples: { count: number; seed: number } | null;
  /** reconstructions.u8: the `count` real test images at `testIndices` (labels `labels`), then their `count` reconstructions. */
  reconstructions: { count: number; testIndices: number[]; labels: number[] };
  /** The metrics' settings and the same metrics on real training images (the floor a perfect model reaches). */
  metrics: null | {
    /** Synthetic images measured. */
    samples: number;
    /** Real test images each metric compares them with: FID all of them, precision/recall the first metricSamples. Absent in older files. */
    real?: { fid: number; manifold: number };
    k: number;
    classifier: { testAccuracy: number; featureDim: number; hidden: number[]; trainSize: number };
    baseline: Omit<CollapseMetrics, 'metricSamples'>;
  };
}

/** The per-generation analysis createCollapseAnalysis makes: its `analyze` hook, and what it holds to dispose. */
export interface CollapseAnalysis {
  /** Pass as trainGenerations' `analyze`. */
  analyze(ctx: AnalyzeContext): Promise<AnalyzeResult>;
  /** Loads (or trains and caches) the classifier now, when the metrics are on. */
  prepare(): Promise<void>;
  /** The classifier's test accuracy, once it is loaded. */
  classifierAccuracy(): number | null;
  /** Frees generation 1's encoder and the classifier. */
  dispose(): void;
}

interface RealReference {
  test: ImageSource;
  gaussian: GaussianFit;
  /** The k-NN manifold of the first metricSamples test images (the precision/recall reference). */
  subset: Manifold;
}

/** One analysis can serve several runs (e.g. every scheme of an experiment): the classifier and the real reference are shared. */
export function createCollapseAnalysis(options: CollapseAnalysisOptions): CollapseAnalysis {
  const o = { ...ANALYSIS_DEFAULTS, ...definedOnly(options) };
  for (const [name, v] of Object.entries({ metricSamples: o.metricSamples, k: o.k, fixedDraws: o.fixedDraws, batchSize: o.batchSize })) checkInteger(name, v, 1);
  if (o.metricSamples <= o.k) throw new OptionError('metricSamples', o.metricSamples, say`Analysis option metricSamples ${o.metricSamples} must exceed k ${o.k}.`);
  let classifier: Classifier | null = null;
  let reference: RealReference | null = null;
  // The metrics of real training images against the reference (same for every generation of a run).
  let baseline: { train: ImageSource; value: Omit<CollapseMetrics, 'metricSamples' | 'latentStd'> } | null = null;
  // Generation 1's model of the run it came from (its encoder is the latentStd yardstick).
  let firstGen: { model: GenerativeModel; runDir: string | undefined; realStd: number | null } | null = null;

  const getClassifier = async () => {
    classifier ??= await (o.classifier ?? (() =>
      loadOrTrainClassifier({
        dir: o.classifierDir ?? defaultClassifierDir(),
        data: o.classifierData ?? mnistClassifierData,
        log: o.log,
      })))();
    return classifier;
  };

  const getReference = async (c: Classifier, test: ImageSource): Promise<RealReference> => {
    if (reference?.test === test) return reference;
    if (test.count <= o.k) throw new Error(`The real test set has ${test.count} images; the metrics need more than k = ${o.k}.`);
    const all = (await c.run(test, test.count, o.batchSize)).features;
    reference = { test, gaussian: fitGaussian(all), subset: manifold(firstRows(all, o.metricSamples), o.k) };
    return reference;
  };

  const getFirstGen = async (ctx: AnalyzeContext): Promise<GenerativeModel> => {
    if (ctx.generation === 1 || !firstGen || firstGen.runDir !== ctx.run?.dir) {
      firstGen?.model.dispose();
      firstGen = null;
      firstGen = { model: await copyGenerationOne(ctx, options.model, 'latentStd'), runDir: ctx.run?.dir, realStd: null };
    }
    return firstGen.model;
  };

  return {
    async analyze(ctx) {
      const { model, samples } = ctx;
      const shape = model.imageShape;
      const files: Record<string, Uint8Array> = {};

      const fixed = await decodeFixedDraws(model, o.fixedDraws, o.seed);
      if (fixed) {
        files[ANALYSIS_FILES.fixedSamples] = fixed.pixels;
        files[ANALYSIS_FILES.fixedSamplesPng] = await gridPng(fixed, range(fixed.count), { columns: 10 });
      }
      const digits = tenDigits(ctx.data.test);
      const recon = await reconstruct(model, ctx.data.test, digits.indices);
      const pair = createImageSet(concatBytes(ctx.data.test.gather(digits.indices), recon.pixels), shape);
      files[ANALYSIS_FILES.reconstructions] = pair.pixels;
      files[ANALYSIS_FILES.reconstructionsPng] = await gridPng(pair, range(pair.count), { columns: digits.indices.length });

      const info: AnalysisInfo = {
        format: ANALYSIS_FORMAT,
        generation: ctx.generation,
        imageShape: [shape[0], shape[1], shape[2]],
        fixedSamples: fixed ? { count: fixed.count, seed: o.seed } : null,
        reconstructions: { count: digits.indices.length, testIndices: Array.from(digits.indices), labels: digits.labels },
        metrics: null,
      };
      let fields: Partial<CollapseMetrics> = {};
      if (o.metrics) {
        const c = await getClassifier();
        if (c.info.config.imageShape.join('x') !== shape.join('x')) {
          throw new Error(`The metrics classifier takes ${c.info.config.imageShape.join('x')} images but the model makes ${shape.join('x')}; expected MNIST-sized images (or metrics off).`);
        }
        const ref = await getReference(c, ctx.data.test);
        const encoder = await getFirstGen(ctx);
        const n = Math.min(o.metricSamples, samples.count);
        fields = { ...(await measure(c, ref, samples, n, o.k, o.batchSize)), latentStd: await latentStd(encoder, samples, n, o.batchSize), metricSamples: n };
        const fg = firstGen!;
        fg.realStd ??= await latentStd(encoder, ctx.data.test, o.metricSamples, o.batchSize);
        if (baseline?.train !== ctx.data.train) {
          baseline = { train: ctx.data.train, value: await measure(c, ref, ctx.data.train, Math.min(o.metricSamples, ctx.data.train.count), o.k, o.batchSize) };
        }
        const cfg = c.info.config;
        info.metrics = {
          samples: n,
          real: { fid: ctx.data.test.count, manifold: Math.min(o.metricSamples, ctx.data.test.count) },
          k: o.k,
          classifier: { testAccuracy: c.info.testAccuracy, featureDim: c.featureDim, hidden: cfg.hidden, trainSize: cfg.trainSize },
          baseline: { ...baseline.value, latentStd: fg.realStd },
        };
      }
      files[ANALYSIS_FILES.info] = new TextEncoder().encode(JSON.stringify(info, null, 2) + '\n');
      return { fields, files };
    },
    async prepare() {
      if (o.metrics) await getClassifier();
    },
    classifierAccuracy: () => classifier?.info.testAccuracy ?? null,
    dispose() {
      firstGen?.model.dispose();
      firstGen = null;
      classifier?.dispose();
      classifier = null;
      reference = null;
      baseline = null;
    },
  };
}

/** The classifier-based metrics of the first `n` images of `images` against the real reference. */
async function measure(c: Classifier, ref: RealReference, images: ImageSource, n: number, k: number, batchSize: number): Promise<Omit<CollapseMetrics, 'metricSamples' | 'latentStd'>> {
  const out = await c.run(images, n, batchSize);
  const histogram = classHistogram(out.labels, c.info.config.classes);
  const { precision, recall } = precisionRecall(ref.subset, out.features, k);
  return {
    fid: frechetDistance(fitGaussian(out.features), ref.gaussian),
    classEntropy: entropy(histogram),
    classHistogram: histogram,
    precision,
    recall,
  };
}

/** `count` images decoded from the draws of stream (seed, Stream.fixed), or null when the model cannot draw latents. */
export async function decodeFixedDraws(model: GenerativeModel, count: number, seed: number): Promise<ImageSet | null> {
  let z: tf.Tensor2D;
  try {
    // The same eps every generation: the VAE decodes the very same z; the AE maps it through this
    // generation's fitted latent Gaussian (mean + L eps), the same standardised position.
    z = model.sampleLatent(count, createRng(seed, Stream.fixed));
  } catch {
    return null;
  }
  const probs = tf.tidy(() => model.decode(z));
  z.dispose();
  return createImageSet(quantize(await readAndDispose(probs)), model.imageShape);
}

/** The first test image of each class 0..9 (or the first ten images of an unlabelled set). */
export function tenDigits(test: ImageSource): { indices: Uint32Array; labels: number[] } {
  if (!test.gatherLabels) {
    const indices = range(Math.min(10, test.count));
    return { indices, labels: Array.from(indices, () => -1) };
  }
  const labels = test.gatherLabels(range(test.count));
  const first = new Map<number, number>();
  for (let i = 0; i < labels.length && first.size < 10; i++) if (!first.has(labels[i])) first.set(labels[i], i);
  const classes = [...first.keys()].sort((a, b) => a - b);
  return { indices: Uint32Array.from(classes, (c) => first.get(c)!), labels: classes };
}

/** decode(encode(x)) of the images at `indices`, quantised. */
export async function reconstruct(model: GenerativeModel, source: ImageSource, indices: Uint32Array): Promise<ImageSet> {
  const probs = tf.tidy(() => model.decode(model.encode(toFloatBatch(source, indices, model.flatInput))));
  return createImageSet(quantize(await readAndDispose(probs)), model.imageShape);
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
