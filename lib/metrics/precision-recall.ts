/**
 * Improved precision and recall (Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric
 * for Assessing Generative Models", eq. 1-3). Each set's manifold is the union of balls around its
 * points whose radius is the distance to the point's k-th nearest neighbour in the same set.
 * Precision: the share of generated points inside the real manifold (are samples realistic?).
 * Recall: the share of real points inside the generated manifold (is the variety covered?).
 * Distances are exact Euclidean distances in float64, so duplicated points (a collapsed model's
 * identical samples) compare exactly.
 */
import type { Features } from './features.ts';

/** k-NN precision and recall of generated against real features (Kynkäänniemi et al. 2019). */
export interface PrecisionRecall {
  precision: number;
  recall: number;
}

/** Defaults of the paper: k = 3. */
export const PRECISION_RECALL_DEFAULTS = { k: 3 } as const;

/** A feature set with the squared k-th-neighbour radius of each row (reusable across comparisons). */
export interface Manifold {
  readonly points: Features;
  readonly radii2: Float64Array;
  readonly k: number;
}

/** The k-NN manifold of a feature set; costs one pass over all pairs. */
export function manifold(points: Features, k: number = PRECISION_RECALL_DEFAULTS.k): Manifold {
  if (!(Number.isInteger(k) && k > 0)) throw new Error(`k ${k} must be a positive integer.`);
  if (points.count <= k)
    throw new Error(`A k-NN manifold with k = ${k} needs more than ${k} feature rows, got ${points.count}.`);
  return { points, radii2: kthNeighbourDistances(points, k), k };
}

/** Precision and recall of `generated` against `real`, with k-th-neighbour radii. */
export function precisionRecall(
  real: Features | Manifold,
  generated: Features,
  k: number = PRECISION_RECALL_DEFAULTS.k,
): PrecisionRecall {
  const realManifold = 'radii2' in real ? real : withName(() => manifold(real, k), 'real');
  if (realManifold.k !== k)
    throw new Error(`The real manifold was built with k = ${realManifold.k}, not ${k}; expected one k.`);
  if (realManifold.points.dim !== generated.dim) {
    throw new Error(
      `Real features have dimension ${realManifold.points.dim} and generated ones ${generated.dim}; expected one dimension.`,
    );
  }
  const gen = withName(() => manifold(generated, k), 'generated');
  return {
    precision: coverage(generated, realManifold.points, realManifold.radii2),
    recall: coverage(realManifold.points, generated, gen.radii2),
  };
}

/** Names the set in a size error ("... 3 real feature rows ..."). */
function withName<T>(f: () => T, name: string): T {
  try {
    return f();
  } catch (err) {
    throw new Error((err as Error).message.replace(/feature rows/, `${name} feature rows`));
  }
}

/** Squared distance between row i of a and row j of b. */
function dist2(a: Features, i: number, b: Features, j: number): number {
  const d = a.dim;
  const x = a.data;
  const y = b.data;
  const oi = i * d;
  const oj = j * d;
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = x[oi + t] - y[oj + t];
    s += diff * diff;
  }
  return s;
}

/** For every row, the squared distance to its k-th nearest other row of the same set. */
export function kthNeighbourDistances(f: Features, k: number): Float64Array {
  const n = f.count;
  // best[i*k ..] holds row i's k smallest squared distances so far, ascending.
  const best = new Float64Array(n * k).fill(Infinity);
  const insert = (i: number, v: number) => {
    const o = i * k;
    if (v >= best[o + k - 1]) return;
    let p = k - 1;
    while (p > 0 && best[o + p - 1] > v) {
      best[o + p] = best[o + p - 1];
      p--;
    }
    best[o + p] = v;
  };
  // Each pair once: the distance matrix is symmetric.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = dist2(f, i, f, j);
      insert(i, v);
      insert(j, v);
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = best[i * k + k - 1];
  return out;
}

/** The share of `points` inside at least one ball (centre row j of `centres`, squared radius radii2[j]). */
function coverage(points: Features, centres: Features, radii2: Float64Array): number {
  let inside = 0;
  for (let i = 0; i < points.count; i++) {
    for (let j = 0; j < centres.count; j++) {
      if (dist2(points, i, centres, j) <= radii2[j]) {
        inside++;
        break;
      }
    }
  }
  return inside / points.count;
}
