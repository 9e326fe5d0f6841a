/**
 * What every generation reports. The JSON on disk (record.json, generations.jsonl) is flat: the core fields and
 * an analysis' fields side by side.
 */

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
  /**
   * The trained model's mean loss per image on the real images of its own training set (on at most
   * 2000 of them, seeded; nats). Absent when the set has none (e.g. replace after generation 1).
   */
  trainLossReal?: number;
  /** The same on the synthetic images of its training set. Absent when it has none (generation 1). */
  trainLossSynthetic?: number;
  /** Mean loss per image on the real held-out test set (nats). */
  testLoss: number;
  /** Reconstruction part of the test loss (nats). */
  testRecon: number;
  /** KL part of the test loss (nats; 0 for an autoencoder). */
  testKl: number;
  /** Mean training loss of every epoch, in order. */
  epochLosses: number[];
  /** Live tfjs tensors at the end of the generation, its model still alive (must not grow with the generation). */
  numTensors: number;
  /** Wall-clock seconds of the generation: train, evaluate, sample (saving excluded). */
  seconds: number;
  /** Training throughput, images per second. */
  samplesPerSecond: number;
  /** Resident memory of the process after the generation, MB. */
  rssMB: number;
  /**
   * Present only in generations trained with a learning rate other than the run's (after a resume with another
   * one).
   */
  learningRate?: number;
  /** Fields an analysis added (its own type says which: e.g. CollapseMetrics of lib/analysis.ts). */
  [extra: string]: unknown;
}

/** The record's own fields: an analysis may not add a field of these names. */
export const RECORD_FIELDS: readonly string[] = [
  'generation',
  'scheme',
  'trainSize',
  'realFraction',
  'trainLoss',
  'trainLossReal',
  'trainLossSynthetic',
  'testLoss',
  'testRecon',
  'testKl',
  'epochLosses',
  'numTensors',
  'seconds',
  'samplesPerSecond',
  'rssMB',
  'learningRate',
];

/** Fields a wall clock decides; everything else is fixed by the seed and the backend. */
export const TIMING_FIELDS = ['seconds', 'samplesPerSecond', 'rssMB'] as const;

/** The part of a record that a resumed run must reproduce exactly (written to generations.jsonl). */
export function reproducibleRecord(r: GenerationRecord): Omit<GenerationRecord, (typeof TIMING_FIELDS)[number]> {
  const { seconds: _s, samplesPerSecond: _p, rssMB: _m, ...rest } = r;
  return rest;
}

/** The wall-clock part (written to timings.jsonl). */
export function timingRecord(
  r: GenerationRecord,
): Pick<GenerationRecord, 'generation' | (typeof TIMING_FIELDS)[number]> {
  return { generation: r.generation, seconds: r.seconds, samplesPerSecond: r.samplesPerSecond, rssMB: r.rssMB };
}
