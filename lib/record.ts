/** What every generation reports. */

export interface GenerationRecord {
  generation: number;
  /** Scheme name: replace, accumulate, sub, sub-repl, mix-<fraction>. */
  scheme: string;
  /** Images in this generation's training set. */
  trainSize: number;
  /** Share of real images in it. */
  realFraction: number;
  /** Mean loss per image over the last training epoch (nats). */
  trainLoss: number;
  /** Mean loss per image on the real held-out test set (nats). */
  testLoss: number;
  /** Reconstruction part of the test loss (nats). */
  testRecon: number;
  /** KL part of the test loss (nats; 0 for an autoencoder). */
  testKl: number;
  /** Mean training loss of every epoch, in order. */
  epochLosses: number[];
  /** Live tfjs tensors after the generation was disposed (must not grow with the generation). */
  numTensors: number;
  /** Wall-clock seconds of the generation: train, evaluate, sample (saving excluded). */
  seconds: number;
  /** Training throughput, images per second. */
  samplesPerSecond: number;
  /** Resident memory of the process after the generation, MB. */
  rssMB: number;
  // Collapse metrics (lib/analysis.ts), measured on the first `metricSamples` synthetic images with
  // the MNIST classifier; absent with --no-metrics. See the README, "Seeing collapse".
  /** Fréchet distance between classifier features of the samples and of the real test set. */
  fid?: number;
  /** Entropy (nats, at most ln 10) of the samples' predicted classes. */
  classEntropy?: number;
  /** Samples per predicted class 0..9. */
  classHistogram?: number[];
  /** Share of samples inside the real k-NN feature manifold (Kynkäänniemi et al. 2019). */
  precision?: number;
  /** Share of real test images inside the samples' k-NN feature manifold. */
  recall?: number;
  /** Mean latent standard deviation of the samples under generation 1's encoder. */
  latentStd?: number;
  /** Synthetic images the metrics were measured on. */
  metricSamples?: number;
  /** Fields added by other analyses. */
  [extra: string]: unknown;
}

/** Fields a wall clock decides; everything else is fixed by the seed and the backend. */
export const TIMING_FIELDS = ['seconds', 'samplesPerSecond', 'rssMB'] as const;

/** The part of a record that a resumed run must reproduce exactly (written to generations.jsonl). */
export function reproducibleRecord(r: GenerationRecord): Omit<GenerationRecord, (typeof TIMING_FIELDS)[number]> {
  const { seconds: _s, samplesPerSecond: _p, rssMB: _m, ...rest } = r;
  return rest;
}

/** The wall-clock part (written to timings.jsonl). */
export function timingRecord(r: GenerationRecord): Pick<GenerationRecord, 'generation' | (typeof TIMING_FIELDS)[number]> {
  return { generation: r.generation, seconds: r.seconds, samplesPerSecond: r.samplesPerSecond, rssMB: r.rssMB };
}
