/** Loss pieces shared by the model families, all per image and in nats. */
import * as tf from '../lib/tfjs.ts';

/**
 * Bernoulli negative log-likelihood of `x` (in [0, 1]) under logits `l`, summed over each image's
 * pixels: softplus(l) - l * x is the numerically stable form of the binary cross-entropy.
 * Returns one value per image, [n].
 */
export function bernoulliNll(logits: tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  const perPixel = tf.sub(tf.softplus(logits), tf.mul(logits, x));
  return tf.sum(perPixel, perPixel.shape.slice(1).map((_, i) => i + 1)) as tf.Tensor1D;
}

/**
 * KL(N(mu, exp(logVar)) || N(0, I)) per image, [n]: Kingma & Welling (2014), Appendix B:
 * -1/2 * sum(1 + log sigma^2 - mu^2 - sigma^2).
 */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mu), tf.exp(logVar))), 1)) as tf.Tensor1D;
}
