/** Mode collapse seen through a classifier: how the samples spread over the classes. */

/** Counts of each class 0..classes-1 among `labels`. */
export function classHistogram(labels: ArrayLike<number>, classes = 10): number[] {
  if (!(Number.isInteger(classes) && classes > 0))
    throw new Error(`Class count ${classes} must be a positive integer.`);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < classes))
      throw new Error(`Label ${c} is not a class; expected an integer from 0 to ${classes - 1}.`);
    counts[c]++;
  }
  return counts;
}

/**
 * Shannon entropy of a histogram in nats: -sum p ln p. 0 when every sample is one class; ln(10) ≈
 * 2.303 when ten classes are equally frequent (real MNIST is within 0.01 of that).
 */
export function entropy(counts: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  if (!(total > 0)) throw new Error('The entropy of an empty histogram is undefined; expected at least one count.');
  let h = 0;
  for (const c of counts) {
    if (c < 0) throw new Error(`Histogram count ${c} is negative.`);
    if (c > 0) h -= (c / total) * Math.log(c / total);
  }
  // -0 when one class holds everything.
  return h + 0;
}
