/**
 * The report's curves (the survey's Figures 10 and 11, and the collapse metrics): one line per
 * scheme over the generations. Runs that differ only in their seed are one line: their mean, with
 * the 95% confidence interval of that mean as a band (Student's t, shared with the sweeps' aggregate.csv).
 */
import type { GenerationRecord } from '../record.ts';
import { meanCi } from '../sweep/stats.ts';
import type { RunSummary } from './runs.ts';

/** A numeric record field the report draws. */
export interface CurveField {
  field: string;
  title: string;
  /** Axis title. */
  unit: string;
  /** One chart per model family (losses are not comparable across families), or one for all. */
  perKind: boolean;
  /** What is measured (neutral: the caption's numbers are computed from the data, captions.ts). */
  caption: string;
  /** Field of analysis.json's real-data baseline drawn as a dashed reference line. */
  baseline?: string;
}

export const CURVE_FIELDS: readonly CurveField[] = [
  {
    field: 'trainLoss',
    title: 'Train loss',
    unit: 'loss per image (nats)',
    perKind: true,
    caption: "Mean loss of the last epoch on each generation's own training set (survey Figs. 10a, 11a).",
  },
  {
    field: 'trainLossReal',
    title: 'Train loss on its real images',
    unit: 'loss per image (nats)',
    perKind: true,
    caption:
      "The trained model's loss on the real images of its own training set (up to 2000 of them): " +
      'one of the two sources the train loss mixes.',
  },
  {
    field: 'trainLossSynthetic',
    title: 'Train loss on its synthetic images',
    unit: 'loss per image (nats)',
    perKind: true,
    caption:
      'The same on the synthetic images of its training set: the train loss is the mix of the ' +
      'two, weighted by the real share (1/g under accumulate).',
  },
  {
    field: 'testLoss',
    title: 'Test loss',
    unit: 'loss per image (nats)',
    perKind: true,
    caption: 'Loss on the real held-out test set (survey Figs. 10b, 11b).',
  },
  {
    field: 'fid',
    title: 'FID (classifier features)',
    unit: 'Fréchet distance',
    perKind: false,
    baseline: 'fid',
    caption:
      'Fréchet distance between classifier features of the samples and of the real test set; ' +
      'lower is closer to real digits.',
  },
  {
    field: 'classEntropy',
    title: 'Class entropy',
    unit: 'entropy (nats), ln 10 = 2.30 at most',
    perKind: false,
    baseline: 'classEntropy',
    caption:
      'Entropy of the classes the classifier sees in the samples; lower means fewer digits, or ' +
      'digits less evenly drawn.',
  },
  {
    field: 'precision',
    title: 'Precision',
    unit: 'share of samples on the real manifold',
    perKind: false,
    baseline: 'precision',
    caption: 'k-NN precision (Kynkäänniemi et al. 2019): are the samples realistic?',
  },
  {
    field: 'recall',
    title: 'Recall',
    unit: 'share of real digits covered',
    perKind: false,
    baseline: 'recall',
    caption: 'k-NN recall: do the samples cover the variety of real digits?',
  },
  // Per family: each family's codes live in its own generation-1 encoder's space.
  {
    field: 'latentStd',
    title: 'Latent spread',
    unit: 'mean latent std (generation 1 encoder)',
    perKind: true,
    baseline: 'latentStd',
    caption:
      "Mean standard deviation of the samples' codes under generation 1's encoder (Shumailov et " +
      'al. 2024); lower means less varied samples.',
  },
];

/** One point of a curve: the mean over seeds and its 95% confidence interval (lo = hi = mean for one seed). */
export interface CurvePoint {
  generation: number;
  series: string;
  mean: number;
  lo: number;
  hi: number;
  /** Seeds that reached this generation. */
  seeds: number;
}

/** A line per group of runs that differ only in seed (named by `seriesName`). */
export function curvePoints(
  runs: readonly RunSummary[],
  field: string,
  seriesName: (r: RunSummary) => string,
): CurvePoint[] {
  const groups = new Map<string, RunSummary[]>();
  for (const r of runs) {
    const key = seriesName(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const points: CurvePoint[] = [];
  for (const [series, members] of groups) {
    const maxGen = Math.max(...members.map((m) => m.records.length));
    for (let g = 1; g <= maxGen; g++) {
      const values = members
        .map((m) => m.records[g - 1] as GenerationRecord | undefined)
        .map((rec) => (rec ? rec[field] : undefined))
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length === 0) continue;
      const s = meanCi(values);
      points.push({
        generation: g,
        series,
        mean: s.mean,
        lo: s.n > 1 ? s.ci95Low : s.mean,
        hi: s.n > 1 ? s.ci95High : s.mean,
        seeds: s.n,
      });
    }
  }
  return points;
}

/** The real-data value of a metric (from analysis.json), averaged over the runs that have it. */
export function baselineValue(runs: readonly RunSummary[], field: string): number | null {
  const values: number[] = [];
  for (const r of runs) {
    const b = r.analyses.find((a) => a?.metrics)?.metrics?.baseline as Record<string, unknown> | undefined;
    const v = b?.[field];
    if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
  }
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
}

/**
 * The key that groups runs into one line: everything in run.json's config except the seed, shown
 * as "<kind> <scheme>" (with more of the config when two groups would share that name).
 */
export function seriesNamer(runs: readonly RunSummary[], withKind: boolean): (r: RunSummary) => string {
  const short = (r: RunSummary) => (withKind ? `${r.kind} ${r.scheme}` : r.scheme);
  const configKey = (r: RunSummary) => JSON.stringify(r.info.config);
  const keysPerName = new Map<string, Set<string>>();
  for (const r of runs) keysPerName.set(short(r), (keysPerName.get(short(r)) ?? new Set()).add(configKey(r)));
  const distinct = new Map<string, string[]>();
  for (const [name, keys] of keysPerName) distinct.set(name, [...keys]);
  return (r) => {
    const keys = distinct.get(short(r))!;
    return keys.length === 1 ? short(r) : `${short(r)} #${keys.indexOf(configKey(r)) + 1}`;
  };
}
