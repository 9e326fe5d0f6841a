import { describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../lib/record.ts';
import { armName, formatSourceLosses, formatTrainLossTrend, LOSS_SOURCE_ARMS, lossSourceRun, mixOfSources } from '../../lib/source-losses.ts';
import { SAMPLING_MODES } from '../../models/options.ts';

const record = (generation: number, realFraction: number, trainLoss: number, real?: number, synthetic?: number): GenerationRecord => ({
  generation, scheme: 'accumulate', trainSize: 100 * generation, realFraction, trainLoss, ...(real !== undefined ? { trainLossReal: real } : {}), ...(synthetic !== undefined ? { trainLossSynthetic: synthetic } : {}),
  testLoss: 100, testRecon: 90, testKl: 10, epochLosses: [trainLoss], numTensors: 10, seconds: 1, samplesPerSecond: 1, rssMB: 1,
});

describe('the loss-sources experiment', () => {
  it('covers every sampling mode that makes images from latent draws, for both families, with unique folder names', () => {
    for (const family of ['vae', 'ae'] as const) {
      const modes = SAMPLING_MODES[family].filter((m) => m !== 'reconstruct');
      expect(LOSS_SOURCE_ARMS.filter((a) => a.family === family).map((a) => a.sampling).sort()).toEqual([...modes].sort());
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
      info: { format: 'x', config: { model: { kind: 'vae', sampling: 'threshold' }, scheme: 'accumulate' }, seed: 0, backend: { name: 'cpu', package: 'p', version: '1' }, versions: {}, createdAt: '' },
      records: [record(1, 1, 130, 125), record(2, 0.5, 120, 126, 110), record(3, 1 / 3, 115, 127, 108)],
    });
    expect(run).toMatchObject({ family: 'vae', sampling: 'threshold', scheme: 'accumulate' });
    const trend = formatTrainLossTrend([run]).trim().split('\n');
    expect(trend[0]).toBe('| model | sampling | scheme | train g1 | train g2 | train g3 | last - first |');
    expect(trend[2]).toBe('| VAE | threshold | accumulate | 130.0 | 120.0 | 115.0 | -15.0 |');
    const sources = formatSourceLosses([run]).trim().split('\n');
    expect(sources).toHaveLength(2 + 3);
    expect(sources[3]).toBe('| VAE | threshold | accumulate | 2 | 0.500 | 120.0 | 126.0 | 110.0 | 118.0 | 100.0 |');
    expect(sources[2]).toContain('| 1 | 1.000 | 130.0 | 125.0 | - | 125.0 |');
  });
});
