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

export interface PrecisionRecall {
  precision: number;
  recall: number;
}

/** Defaults of the paper: k = 3. */
export const PRECISION_RECALL_DEFAULTS = { k: 3 } as const;

/** Precision and recall of `generated` against `real`, with k-th-neighbour radii. */
export function precisionRecall(real: Features, generated: Features, k: number = PRECISION_RECALL_DEFAULTS.k): PrecisionRecall {
  if (real.dim !== generated.dim) throw new Error(`Real features have dimension ${real.dim} and generated ones ${generated.dim}; expected one dimension.`);
  if (!(Number.isInteger(k) && k > 0)) throw new Error(`k ${k} must be a positive integer.`);
  for (const [name, f] of [['real', real], ['generated', generated]] as const) {
    if (f.count <= k) throw new Error(`Precision and recall with k = ${k} need more than ${k} ${name} feature rows, got ${f.count}.`);
  }
  const realRadii = kthNeighbourDistances(real, k);
  const genRadii = kthNeighbourDistances(generated, k);
  return {
    precision: coverage(generated, real, realRadii),
    recall: coverage(real, generated, genRadii),
  };
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
