/**
 * Ancestral sampling of several text streams at once. Each stream starts from one character (a
 * newline), draws the next character from softmax(logits / temperature), optionally only among
 * the top k, and appends it. The context is cropped to the block: when a character would make it
 * longer than the block, it restarts from its last ceil(block / 2) characters (positions are learned,
 * so a sliding window could not reuse cached keys). With the key/value cache each new character
 * costs one position of forward pass, plus the re-read context at each restart (about one more
 * forward pass over the text in all); without it each character costs a forward pass over the
 * whole context. Both follow the same rule, so from the same seed they write the same characters.
 */
import * as tf from '../lib/tfjs.ts';
import type { Rng } from '../lib/rng.ts';
import { forward } from './gpt-network.ts';
import type { GptParams, GptShape, KvCache } from './gpt-network.ts';

export interface StreamSampling {
  /** Characters each stream writes (streams may differ). */
  lengths: readonly number[];
  /** Id of the character every stream starts from. */
  start: number;
  temperature: number;
  /** Draw only among the k most likely characters. Defaults to all. */
  topK?: number;
  /** Use the key/value cache. Defaults to true. */
  cache?: boolean;
}

/** Characters kept when the context is full. */
export function keptContext(block: number): number {
  return Math.ceil(block / 2);
}

/** Every stream's characters (ids). Stream s draws from rng.child(s). */
export async function sampleStreams(w: () => GptParams, s: GptShape, o: StreamSampling, rng: Rng): Promise<Uint8Array[]> {
  const streams = o.lengths.length;
  const longest = Math.max(0, ...o.lengths);
  const out = o.lengths.map((n) => new Uint8Array(n));
  const rngs = o.lengths.map((_, i) => rng.child(i));
  const useCache = o.cache ?? true;
  // The context of every stream: they move in lockstep, so one length for all.
  let context: number[][] = o.lengths.map(() => [o.start]);
  let cache: KvCache | undefined;
  const dropCache = () => {
    if (cache) tf.dispose([...cache.k, ...cache.v]);
    cache = undefined;
  };
  try {
    // Logits of the next character after the whole context, re-reading it (and refilling the cache).
    const readContext = () =>
      tf.tidy(() => {
        const ids = tf.tensor2d(context.flat(), [streams, context[0].length], 'int32');
        const r = forward(w(), s, ids);
        const t = context[0].length;
        const last = tf.reshape(tf.slice(r.logits, [0, t - 1, 0], [streams, 1, s.vocabSize]), [streams, s.vocabSize]);
        if (useCache) {
          dropCache();
          cache = r.cache;
          [...r.cache.k, ...r.cache.v].forEach((t) => tf.keep(t));
        }
        return last as tf.Tensor2D;
      });
    let logits = readContext();
    for (let step = 0; step < longest; step++) {
      const probs = tf.tidy(() => nextProbabilities(logits, o.temperature, o.topK));
      logits.dispose();
      const p = await probs.data();
      probs.dispose();
      const next = rngs.map((r, i) => draw(p, i * s.vocabSize, s.vocabSize, r.uniform()));
      next.forEach((c, i) => {
        if (step < out[i].length) out[i][step] = c;
      });
      if (step === longest - 1) return out;
      const restart = context[0].length + 1 > s.block;
      context = context.map((c, i) => [...c, next[i]].slice(restart ? -keptContext(s.block) : 0));
      if (restart || !useCache) {
        logits = readContext();
        continue;
      }
      let grown: KvCache | undefined;
      const l = tf.tidy(() => {
        const r = forward(w(), s, tf.tensor2d(next, [streams, 1], 'int32'), cache);
        [...r.cache.k, ...r.cache.v].forEach((t) => tf.keep(t));
        grown = r.cache;
        return tf.reshape(r.logits, [streams, s.vocabSize]) as tf.Tensor2D;
      });
      dropCache();
      cache = grown;
      logits = l;
    }
    logits.dispose();
    return out;
  } finally {
    dropCache();
  }
}

/** softmax(logits / temperature), with every character outside the top k at probability 0 when `topK` is given. */
function nextProbabilities(logits: tf.Tensor2D, temperature: number, topK?: number): tf.Tensor2D {
  let scaled: tf.Tensor2D = tf.div(logits, temperature);
  if (topK !== undefined && topK < logits.shape[1]) {
    const kth = tf.slice(tf.topk(scaled, topK).values, [0, topK - 1], [logits.shape[0], 1]);
    scaled = tf.where(tf.less(scaled, kth), tf.fill(scaled.shape, -Infinity), scaled);
  }
  return tf.softmax(scaled);
}

/** The character whose cumulative probability first exceeds u (of the row's total, summed in float64). */
function draw(p: Float32Array | Int32Array | Uint8Array, offset: number, n: number, u: number): number {
  let total = 0;
  for (let j = 0; j < n; j++) total += p[offset + j];
  const target = u * total;
  let acc = 0;
  for (let j = 0; j < n; j++) {
    acc += p[offset + j];
    if (acc > target && p[offset + j] > 0) return j;
  }
  // Rounding left u * total at the very top: the last character with any probability.
  for (let j = n - 1; j >= 0; j--) if (p[offset + j] > 0) return j;
  return n - 1;
}
