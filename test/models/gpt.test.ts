import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { createImageSet, range } from '../../data/images.ts';
import { windowShape } from '../../data/text.ts';
import { createGpt, streamWindows } from '../../models/gpt.ts';
import { forward, windowCrossEntropy } from '../../models/gpt-network.ts';
import type { GptLayer } from '../../models/gpt-network.ts';
import { createRng } from '../../lib/rng.ts';
import { loadNetworkFrom, saveNetwork } from '../../lib/run/network-io.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tempDir } from '../helpers/tmp.ts';

beforeAll(useTestBackend);

const vocab = ['\n', ' ', 'a', 'b', 'c', 'd'];
const tiny = { vocab, block: 8, nLayer: 2, nHead: 2, nEmbd: 8, seed: 3 };

/** Windows of a repeating text, as the data loader makes them. */
function windows(count: number, block: number) {
  const pixels = Uint8Array.from({ length: count * (block + 1) }, (_, i) => [2, 3, 4, 1, 5, 0][i % 6]);
  return createImageSet(pixels, windowShape(block));
}

function gptLayer(m: { network: tf.LayersModel }): GptLayer {
  return m.network.layers.find((l) => l.getClassName() === 'CollapseLabGpt') as GptLayer;
}

describe('createGpt', () => {
  it("has nanoGPT's parameter count (tied output layer) and its init", async () => {
    const m = createGpt({ vocab, block: 16, nLayer: 2, nHead: 4, nEmbd: 32, seed: 1 });
    const c = 32;
    const perBlock = 4 * c + (c * 3 * c + 3 * c) + (c * c + c) + (c * 4 * c + 4 * c) + (4 * c * c + c);
    expect(m.network.countParams()).toBe(vocab.length * c + 16 * c + 2 * perBlock + 2 * c);
    const p = gptLayer(m).params();
    const std = async (t: tf.Tensor) => Math.sqrt((await tf.moments(t).variance.data())[0]);
    expect(await std(p.blocks[0].attnW)).toBeCloseTo(0.02, 2);
    // Residual projections: 0.02 / sqrt(2 n_layer) = 0.01.
    expect(await std(p.blocks[0].projW)).toBeCloseTo(0.01, 2);
    expect(Array.from(await p.blocks[1].ln2g.data()).every((g) => g === 1)).toBe(true);
    expect(Array.from(await p.blocks[1].fcB.data()).every((b) => b === 0)).toBe(true);
    m.dispose();
  });

  it('starts near ln(vocab) nats per character and learns a repeating text without leaking tensors', async () => {
    const m = createGpt(tiny);
    const data = windows(16, 8);
    const x = m.toBatch!(data, range(16));
    const sums = m.lossSums(x, 0);
    const [total, recon, kl] = Array.from(await sums.data());
    sums.dispose();
    expect(total / 16).toBeCloseTo(Math.log(vocab.length), 0);
    expect(recon).toBe(total);
    expect(kl).toBe(0);
    const opt = m.createOptimizer!(1e-2);
    const before = tf.memory().numTensors;
    let last = Infinity;
    for (let i = 0; i < 60; i++) {
      const loss = m.trainStep(x, opt, 0);
      last = (await loss.data())[0];
      loss.dispose();
      if (i === 1) expect(tf.memory().numTensors).toBeGreaterThan(before); // Adam's moments appear once
    }
    const steady = tf.memory().numTensors;
    const loss = m.trainStep(x, opt, 0);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(steady);
    expect(last).toBeLessThan(0.5);
    const text = await m.sample(4, createRng(1), data, 100);
    expect(text.shape).toEqual([1, 9, 1]);
    expect(text.count).toBe(4);
    expect(tf.memory().numTensors).toBe(steady);
    opt.dispose();
    x.dispose();
    m.dispose();
  });

  it('clips the gradient at global norm 1 and uses Adam with betas 0.9 and 0.99', () => {
    const m = createGpt(tiny);
    const opt = m.createOptimizer!(1e-3) as tf.AdamOptimizer;
    const config = opt.getConfig();
    expect(config.beta1).toBe(0.9);
    expect(config.beta2).toBe(0.99);
    opt.dispose();
    m.dispose();
  });

  it('matches finite differences in the gradient of one attention block', async () => {
    const m = createGpt({ ...tiny, nLayer: 1 });
    const layer = gptLayer(m);
    const x = m.toBatch!(windows(3, 8), range(3)) as tf.Tensor2D;
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const target = vars.filter((v) => /h0_(attnW|attnB|projW)/.test(v.name));
    expect(target).toHaveLength(3);
    const loss = () => tf.mean(windowCrossEntropy(layer.params(), layer.shape, x)) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, target);
    const rng = createRng(5);
    for (const v of target) {
      const g = await grads[v.name].data();
      const values = await v.data();
      for (let trial = 0; trial < 4; trial++) {
        const i = rng.int(values.length);
        const h = 1e-2;
        const at = async (delta: number) => {
          const copy = values.slice();
          copy[i] += delta;
          v.assign(tf.tensor(copy, v.shape));
          const l = loss();
          const out = (await l.data())[0];
          l.dispose();
          return out;
        };
        const numeric = ((await at(h)) - (await at(-h))) / (2 * h);
        v.assign(tf.tensor(values, v.shape));
        expect(Math.abs(numeric - g[i])).toBeLessThan(2e-3 + 0.05 * Math.abs(g[i]));
      }
    }
    tf.dispose([x, ...Object.values(grads)]);
    m.dispose();
  });

  it('is causal: changing a later character leaves every earlier logit unchanged', async () => {
    const m = createGpt(tiny);
    const layer = gptLayer(m);
    const a = [2, 3, 4, 1, 5, 0, 2, 3];
    const b = [...a];
    b[5] = 4;
    const logits = async (ids: number[]) => {
      const l = tf.tidy(() => forward(layer.params(), layer.shape, tf.tensor2d(ids, [1, 8], 'int32')).logits);
      const out = await l.data();
      l.dispose();
      return out;
    };
    const la = await logits(a);
    const lb = await logits(b);
    const per = vocab.length;
    expect(Array.from(lb.subarray(0, 5 * per))).toEqual(Array.from(la.subarray(0, 5 * per)));
    expect(Array.from(lb.subarray(5 * per))).not.toEqual(Array.from(la.subarray(5 * per)));
    m.dispose();
  });

  it('writes the same characters with and without the key/value cache from the same seed', async () => {
    const m = createGpt({ ...tiny, block: 6 });
    // 3 streams of 20 characters: the context of 6 restarts several times.
    const before = tf.memory().numTensors;
    const cached = await m.sampleText([20, 20, 13], createRng(7), { cache: true });
    const plain = await m.sampleText([20, 20, 13], createRng(7), { cache: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(cached.map((c) => Array.from(c))).toEqual(plain.map((c) => Array.from(c)));
    expect(cached[2]).toHaveLength(13);
    // A random model writes several different characters.
    expect(new Set(cached[0]).size).toBeGreaterThan(2);
    m.dispose();
  });

  it('samples only the top k characters when asked', async () => {
    const m = createGpt({ ...tiny, topK: 1 });
    const greedy = await m.sampleText([12, 12], createRng(1));
    const again = await m.sampleText([12, 12], createRng(2));
    // k = 1 is greedy decoding: the seed does not matter.
    expect(greedy.map((c) => Array.from(c))).toEqual(again.map((c) => Array.from(c)));
    m.dispose();
  });

  it('is saved by lib/run and read back by tf.loadLayersModel with the same logits', async () => {
    const m = createGpt(tiny);
    const dir = await tempDir();
    await saveNetwork(m.network, dir);
    const loaded = await loadNetworkFrom(dir);
    const ids = tf.tensor2d([[2, 3, 4, 1, 5, 0, 2, 3]], [1, 8], 'int32');
    const a = m.network.predict(ids) as tf.Tensor;
    const b = loaded.predict(ids) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([ids, a, b]);
    loaded.dispose();
    m.dispose();
  });

  it('splits windows over streams as evenly as possible', () => {
    expect(streamWindows(10, 4)).toEqual([3, 3, 2, 2]);
    expect(streamWindows(2, 4)).toEqual([1, 1]);
  });

  it('refuses a head count that does not divide the width', () => {
    expect(() => createGpt({ ...tiny, nHead: 3 })).toThrow('nHead 3 does not divide nEmbd 8; expected a number of heads that splits the width evenly.');
  });
});
