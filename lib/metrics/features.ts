/** Feature vectors as one flat row-major buffer: `count` rows of `dim` numbers. */

export interface Features {
  readonly data: Float32Array | Float64Array;
  readonly count: number;
  readonly dim: number;
}

/** Wraps a flat buffer as features, checking that it is a whole number of rows. */
export function features(data: Float32Array | Float64Array | number[], dim: number): Features {
  if (!(Number.isInteger(dim) && dim > 0)) throw new Error(`Feature dimension ${dim} must be a positive integer.`);
  const buf = Array.isArray(data) ? Float64Array.from(data) : data;
  if (buf.length % dim !== 0)
    throw new Error(`A feature buffer of ${buf.length} numbers is not a whole number of rows of ${dim}.`);
  return { data: buf, count: buf.length / dim, dim };
}

/** The first `n` rows (a view, no copy). */
export function firstRows(f: Features, n: number): Features {
  const count = Math.min(n, f.count);
  return { data: f.data.subarray(0, count * f.dim), count, dim: f.dim };
}
