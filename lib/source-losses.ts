/**
 * The survey's open question (section 4.2, Figs. 10a and 11a): why does the training loss fall
 * across generations under accumulate in the survey, and rise in ours? Under accumulate the
 * training set of generation g is 1/g real and (g-1)/g synthetic, so its loss is a mix of two
 * sources whose weights change every generation: the shift of weight raises the mix when the
 * synthetic images are harder to fit than the real ones and lowers it when they are easier, and each
 * source's own loss moves too (the real part's falls as the growing set gives more optimiser steps
 * per generation). How hard the synthetic images are depends on the form they take (grey levels,
 * Bernoulli draws, thresholded) and on whether each generation starts from the previous weights,
 * which this experiment varies. This file defines it (the model families, synthetic-image forms and
 * initialisations it compares, under replace and accumulate) and the tables that
 * put each generation's training loss beside its two sources (records' trainLossReal and
 * trainLossSynthetic). scripts/loss-sources.ts runs it.
 */
import { range } from '../data/images.ts';
import type { ImageSource } from '../data/images.ts';
import type { GenerationRecord } from './record.ts';
import type { RunData } from './run/read.ts';

/** One arm of the experiment: a model family, the form its synthetic images take, and its initialisation. */
export interface LossSourceArm {
  family: 'vae' | 'ae';
  /** The model's sampling mode (models/options.ts SAMPLING_MODES). */
  sampling: string;
  /** What the synthetic images are, in words. */
  form: string;
  /** 'warm': generation g >= 2 starts from generation g - 1's weights instead of a fresh draw. Defaults to 'fresh'. */
  init?: 'warm' | 'fresh';
}

/** Every synthetic-image form the library makes, for the VAE and the autoencoder (latent Gaussian draws). */
export const LOSS_SOURCE_ARMS: readonly LossSourceArm[] = [
  { family: 'vae', sampling: 'mean', form: 'grey levels (decoded probabilities)' },
  { family: 'vae', sampling: 'bernoulli', form: 'Bernoulli draws (binary)' },
  { family: 'vae', sampling: 'threshold', form: 'thresholded at 1/2 (binary)' },
  { family: 'ae', sampling: 'latent-gaussian', form: 'grey levels (decoded probabilities)' },
  { family: 'ae', sampling: 'bernoulli', form: 'Bernoulli draws (binary)' },
  { family: 'ae', sampling: 'threshold', form: 'thresholded at 1/2 (binary)' },
  // Warm start keeps what the previous generation learnt of the real images, which a fresh model must relearn.
  { family: 'vae', sampling: 'mean', form: 'grey levels (decoded probabilities)', init: 'warm' },
  { family: 'ae', sampling: 'latent-gaussian', form: 'grey levels (decoded probabilities)', init: 'warm' },
];

/** The schemes the experiment compares: the survey's two. */
export const LOSS_SOURCE_SCHEMES = ['replace', 'accumulate'] as const;

/** An arm's folder name under the experiment's output folder, e.g. 'vae-threshold' or 'vae-mean-warm'. */
export function armName(arm: Pick<LossSourceArm, 'family' | 'sampling' | 'init'>): string {
  return `${arm.family}-${arm.sampling}${arm.init === 'warm' ? '-warm' : ''}`;
}

/** How an arm's generations g >= 2 start, as the tables show it. */
function initOf(warmStart: boolean | undefined): 'warm' | 'fresh' {
  return warmStart ? 'warm' : 'fresh';
}

/** One run of the experiment, as the tables read it. */
export interface LossSourceRun {
  family: string;
  sampling: string;
  /** 'warm' when generation g >= 2 starts from the previous weights, else 'fresh'. */
  init: 'warm' | 'fresh';
  scheme: string;
  records: readonly GenerationRecord[];
}

/** A run read back (readRun), labelled by its model family, sampling mode and scheme from run.json. */
export function lossSourceRun(run: Pick<RunData, 'info' | 'records'>): LossSourceRun {
  const model = (run.info.config.model ?? {}) as { kind?: string; sampling?: string };
  const init = initOf(run.info.config.warmStart === true);
  return {
    family: String(model.kind ?? 'model'),
    sampling: String(model.sampling ?? '?'),
    init,
    scheme: String(run.info.config.scheme ?? '?'),
    records: run.records,
  };
}

/**
 * The two sources weighted as the training set weights them: realFraction x trainLossReal +
 * (1 - realFraction) x trainLossSynthetic, measured after training, to set beside trainLoss (the
 * running mean of the last epoch). Undefined when a part the set has was not measured.
 */
export function mixOfSources(r: GenerationRecord): number | undefined {
  const real = r.realFraction > 0 ? r.trainLossReal : 0;
  const synthetic = r.realFraction < 1 ? r.trainLossSynthetic : 0;
  if (real === undefined || synthetic === undefined) return undefined;
  return r.realFraction * real + (1 - r.realFraction) * synthetic;
}

/** | model | sampling | init | scheme | train loss at generation 1 .. G | last minus first | */
export function formatTrainLossTrend(runs: readonly LossSourceRun[]): string {
  const generations = Math.max(0, ...runs.map((r) => r.records.length));
  const gens = Array.from({ length: generations }, (_, i) => i + 1);
  const rows = runs.map((run) => {
    const loss = gens.map((g) => run.records[g - 1]?.trainLoss);
    const first = loss[0];
    const last = loss[loss.length - 1];
    return [
      ...label(run),
      ...loss.map((v) => fmt(v)),
      first !== undefined && last !== undefined ? signed(last - first) : '-',
    ];
  });
  return markdownTable([...LABELS, ...gens.map((g) => `train g${g}`), 'last - first'], rows);
}

/**
 * | model | sampling | init | scheme | real share | train loss | real part | synthetic part | mix of parts | test loss |
 * at generations 1, 2 and the last of each run: which sources the training loss is made of, and
 * how hard each is for the model trained on it.
 */
export function formatSourceLosses(runs: readonly LossSourceRun[]): string {
  const rows: string[][] = [];
  for (const run of runs) {
    const last = run.records.length;
    for (const g of [...new Set([1, 2, last])].filter((g) => g >= 1 && g <= last)) {
      const r = run.records[g - 1];
      rows.push([
        ...label(run),
        String(g),
        fmt(r.realFraction, 3),
        fmt(r.trainLoss),
        fmt(r.trainLossReal),
        fmt(r.trainLossSynthetic),
        fmt(mixOfSources(r)),
        fmt(r.testLoss),
      ]);
    }
  }
  return markdownTable(
    [...LABELS, 'gen', 'real share', 'train loss', 'real part', 'synthetic part', 'mix of parts', 'test loss'],
    rows,
  );
}

/** Binary entropy in nats of a pixel of value v / 255, for v = 0..255. */
const PIXEL_ENTROPY = Float64Array.from({ length: 256 }, (_, v) => {
  const p = v / 255;
  return p <= 0 || p >= 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
});

/**
 * The floor of the Bernoulli (cross-entropy) reconstruction loss on these images: the sum over an
 * image's pixels x of the binary entropy H(x), in nats, averaged over the first `limit` images. No
 * model gets below it, since softplus(l) - l x >= H(x) for every logit l (equal where sigmoid(l) = x):
 * 0 for binary images, large for grey ones.
 */
export function entropyFloor(images: ImageSource, limit = 2000): number {
  const n = Math.min(limit, images.count);
  const pixels = images.gather(range(n));
  let sum = 0;
  for (const v of pixels) sum += PIXEL_ENTROPY[v];
  return sum / n;
}

/** One run's entropy floors: of its real training images, and of the samples each generation made. */
export interface EntropyFloors {
  run: Pick<LossSourceRun, 'family' | 'sampling' | 'init' | 'scheme'>;
  real: number;
  /** Index g-1: the samples generation g made (what later generations train on). */
  samples: number[];
}

/** | model | sampling | init | scheme | real images | samples of g1 .. | */
export function formatEntropyFloors(floors: readonly EntropyFloors[]): string {
  const generations = Math.max(0, ...floors.map((f) => f.samples.length));
  const gens = Array.from({ length: generations }, (_, i) => i + 1);
  const rows = floors.map((f) => [...label(f.run), fmt(f.real), ...gens.map((g) => fmt(f.samples[g - 1]))]);
  return markdownTable([...LABELS, 'real images', ...gens.map((g) => `samples of g${g}`)], rows);
}

/** The columns that name a run in every table. */
const LABELS = ['model', 'sampling', 'init', 'scheme'] as const;

function label(run: Pick<LossSourceRun, 'family' | 'sampling' | 'init' | 'scheme'>): string[] {
  return [run.family.toUpperCase(), run.sampling, run.init, run.scheme];
}

function fmt(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
}

/** A GitHub-flavoured markdown table, numbers right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.]+$|^-$/.test(r[i])));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(numeric.map((n) => (n ? '---:' : '---'))), ...rows.map(line)].join('\n') + '\n';
}
