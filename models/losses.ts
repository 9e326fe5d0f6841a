/** Loss pieces shared by the model families, all per image and in nats. */
import * as tf from '../lib/tfjs.ts';
import { BCE_LOGITS, BCE_LOGITS_GRAD } from '../lib/backend-wasm-bce.ts';

/** tf.customGrad's argument (its typings take the tensors and the save function as one rest list). */
type CustomGradFunc = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor;
};

/**
 * Bernoulli negative log-likelihood of `x` (in [0, 1]) under logits `l`, summed over each image's
 * pixels: softplus(l) - l * x is the numerically stable form of the binary cross-entropy.
 * Returns one value per image, [n]. One op with its own gradient, sigmoid(l) - x per pixel (rather
 * than the gradients of softplus, the product and the sum): on the wasm backend two kernels of
 * lib/backend-wasm-bce.ts, elsewhere a few tfjs ops.
 */
export function bernoulliNll(logits: tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  const n = logits.shape[0];
  const flatLogits = tf.reshape(logits, [n, -1]) as tf.Tensor2D;
  const flatX = tf.reshape(x, [n, -1]) as tf.Tensor2D;
  const fused = tf.getKernel(BCE_LOGITS, tf.getBackend()) !== undefined && flatX.dtype === 'float32';
  // x is data: it is closed over, not an input, so no gradient is computed for it.
  const op = tf.customGrad(((l: tf.Tensor, save: tf.GradSaveFunc) => {
    if (fused) {
      const [loss, sigmoid] = tf.engine().runKernel(BCE_LOGITS, { logits: l, x: flatX }) as tf.Tensor[];
      save([sigmoid]);
      return {
        value: loss,
        gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) =>
          tf.engine().runKernel(BCE_LOGITS_GRAD, { dy, sigmoid: s, x: flatX }) as tf.Tensor,
      };
    }
    save([l]);
    return {
      value: tf.sum(tf.sub(tf.softplus(l), tf.mul(l, flatX)), 1),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        tf.mul(tf.sub(tf.sigmoid(saved), flatX), tf.reshape(dy, [n, 1])),
    };
  }) as CustomGradFunc);
  return op(flatLogits) as tf.Tensor1D;
}

/**
 * KL(N(mu, exp(logVar)) || N(0, I)) per image, [n]: Kingma & Welling (2014), Appendix B:
 * -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2).
 */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mu), tf.exp(logVar))), 1)) as tf.Tensor1D;
}
