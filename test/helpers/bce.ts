/** Binary cross-entropy on logits in double, the reference of the loss kernels' tests. */

/** Per row of d pixels: the sum of softplus(l) - l x, and per pixel the gradient of sum_r w_r loss_r by l. */
export function exactBce(
  l: Float32Array,
  x: Float32Array,
  w: ArrayLike<number>,
  d: number,
): { loss: number[]; grad: number[] } {
  const loss = Array.from({ length: w.length }, (_, r) => {
    let s = 0;
    for (let k = r * d; k < (r + 1) * d; k++)
      s += Math.max(l[k], 0) + Math.log1p(Math.exp(-Math.abs(l[k]))) - l[k] * x[k];
    return s;
  });
  return { loss, grad: Array.from(l, (v, k) => w[Math.floor(k / d)] * (1 / (1 + Math.exp(-v)) - x[k])) };
}
