import { describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../lib/record.ts';
import * as tf from '../../lib/tfjs.ts';
import { createImageSet, range } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';
import { armName, entropyFloor, formatEntropyFloors, formatSourceLosses, formatTrainLossTrend, LOSS_SOURCE_ARMS, lossSourceRun, mixOfSources } from '../../lib/source-losses.ts';
import { bernoulliNll } from '../../models/losses.ts';
import { createRng } from '../../lib/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { SAMPLING_MODES } from '../../models/options.ts';

const record = (generation: number, realFraction: number, trainLoss: number, real?: number, synthetic?: number): GenerationRecord => ({
  generation, scheme: 'accumulate', trainSize: 100 * generation, realFraction, trainLoss, ...(real !== undefined ? { trainLossReal: real } : {}), ...(synthetic !== undefined ? { trainLossSynthetic: synthetic } : {}),
  testLoss: 100, testRecon: 90, testKl: 10, epochLosses: [trainLoss], numTensors: 10, seconds: 1, samplesPerSecond: 1, rssMB: 1,
});

describe('the loss-sources experiment', () => {
  it('covers every sampling mode that makes images from latent draws, for both families, with unique folder names', () => {
    for (const family of ['vae', 'ae'] as const) {
      const modes = SAMPLING_MODES[family].filter((m) => m !== 'reconstruct');
      expect(LOSS_SOURCE_ARMS.filter((a) => a.family === family && a.init !== 'warm').map((a) => a.sampling).sort()).toEqual([...modes].sort());
      // And one warm-started arm per family, on grey samples.
      expect(LOSS_SOURCE_ARMS.filter((a) => a.family === family && a.init === 'warm').map(armName)).toEqual([{ vae: 'vae-mean-warm', ae: 'ae-latent-gaussian-warm' }[family]]);
    }
    expect(new Set(LOSS_SOURCE_ARMS.map(armName)).size).toBe(LOSS_SOURCE_ARMS.length);
  });

  it('weights the two sources by the real share; a part a set does not have counts for nothing, a missing one leaves no mix', () => {
    expect(mixOfSources(record(2, 0.5, 0, 100, 200))).toBe(150);
    expect(mixOfSources(record(3, 1 / 3, 0, 90, 120))).toBeCloseTo(110, 10);
    expect(mixOfSources(record(1, 1, 0, 80))).toBe(80);
    expect(mixOfSources(record(2, 0, 0, undefined, 70))).toBe(70);
    expect(mixOfSources(record(2, 0.5, 0, 100))).toBeUndefined();
  });

  it('tabulates the training loss per generation and its sources at generations 1, 2 and the last', () => {
    const run = lossSourceRun({
      info: { format: 'x', id: 'x', config: { model: { kind: 'vae', sampling: 'threshold' }, scheme: 'accumulate', warmStart: true }, seed: 0, backend: { name: 'cpu', package: 'p', version: '1' }, versions: {}, createdAt: '' },
      records: [record(1, 1, 130, 125), record(2, 0.5, 120, 126, 110), record(3, 1 / 3, 115, 127, 108)],
    });
    expect(run).toMatchObject({ family: 'vae', sampling: 'threshold', init: 'warm', scheme: 'accumulate' });
    const trend = formatTrainLossTrend([run]).trim().split('\n');
    expect(trend[0]).toBe('| model | sampling | init | scheme | train g1 | train g2 | train g3 | last - first |');
    expect(trend[2]).toBe('| VAE | threshold | warm | accumulate | 130.0 | 120.0 | 115.0 | -15.0 |');
    const sources = formatSourceLosses([run]).trim().split('\n');
    expect(sources).toHaveLength(2 + 3);
    expect(sources[3]).toBe('| VAE | threshold | warm | accumulate | 2 | 0.500 | 120.0 | 126.0 | 110.0 | 118.0 | 100.0 |');
    expect(sources[2]).toContain('| 1 | 1.000 | 130.0 | 125.0 | - | 125.0 |');
  });

  it('puts the floor of the cross-entropy at the pixels\' binary entropies: 0 for binary images, and no logits get below it', async () => {
    await useTestBackend();
    expect(entropyFloor(createImageSet(Uint8Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 255 : 0)), [2, 2, 1]))).toBe(0);
    const h = (p: number) => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(entropyFloor(createImageSet(new Uint8Array(8).fill(51), [2, 2, 1]))).toBeCloseTo(4 * h(0.2), 12);
    // Only the first `limit` images count.
    expect(entropyFloor(createImageSet(Uint8Array.from([51, 51, 51, 51, 0, 0, 0, 0]), [2, 2, 1]), 1)).toBeCloseTo(4 * h(0.2), 12);
    const rng = createRng(4);
    const grey = createImageSet(Uint8Array.from({ length: 16 * 10 }, () => rng.int(256)), [4, 4, 1]);
    const floor = entropyFloor(grey);
    const x = toFloatBatch(grey, range(10), true);
    for (const scale of [0, 1, 5]) {
      const logits = tf.mul(scale, tf.randomNormal([10, 16], 0, 1, 'float32', 3));
      const nll = bernoulliNll(logits, x);
      expect((await tf.mean(nll).data())[0]).toBeGreaterThanOrEqual(floor - 1e-3);
      tf.dispose([logits, nll]);
    }
    // The logits of the pixels themselves reach it.
    const exact = tf.tidy(() => tf.mean(bernoulliNll(tf.log(tf.div(tf.add(x, 1e-7), tf.sub(1 + 1e-7, x))), x)));
    expect((await exact.data())[0]).toBeCloseTo(floor, 2);
    tf.dispose([x, exact]);
    const table = formatEntropyFloors([{ run: { family: 'vae', sampling: 'mean', init: 'fresh', scheme: 'replace' }, real: 45.71, samples: [100.04, 120] }]).trim().split('\n');
    expect(table[0]).toBe('| model | sampling | init | scheme | real images | samples of g1 | samples of g2 |');
    expect(table[2]).toBe('| VAE | mean | fresh | replace | 45.7 | 100.0 | 120.0 |');
  });
});
