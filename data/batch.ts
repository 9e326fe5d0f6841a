/** Image sets to tensors, one batch at a time (the only part of the image code that needs tfjs). */
import * as tf from '../lib/tfjs.ts';
import type { ImageSource } from './images.ts';

/**
 * A float32 batch in [0, 1] of the images at `indices`: shape [n, h*w*c] when `flat`, else [n, h, w, c].
 * The caller owns (and disposes) the tensor.
 */
export function toFloatBatch(source: ImageSource, indices: ArrayLike<number>, flat: boolean): tf.Tensor {
  const bytes = source.gather(indices);
  const [h, w, c] = source.shape;
  const shape = flat ? [indices.length, h * w * c] : [indices.length, h, w, c];
  const floats = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) floats[i] = bytes[i] / 255;
  return tf.tensor(floats, shape, 'float32');
}
