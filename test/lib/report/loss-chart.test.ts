import { describe, expect, it } from 'vitest';
import { formatLossRecords, lossCurvesChart } from '../../../lib/report/loss-chart.ts';

const records = (train: number[], test: number[]) =>
  train.map((t, i) => ({ generation: i + 1, trainLoss: t, testLoss: test[i] }));

describe('report/loss-chart', () => {
  it('draws the train loss in panel (a) and the test loss in panel (b), a line per run by generation', () => {
    const chart = lossCurvesChart('VAE', [
      { name: 'replace', records: records([106, 130, 144], [106, 112, 120]) },
      { name: 'accumulate', records: records([106, 118], [106, 105]) },
    ]);
    expect(chart.panels.map((p) => p.title)).toEqual(['(a) Train loss', '(b) Test loss']);
    expect(chart.panels[0].series[0]).toMatchObject({ name: 'replace', x: [1, 2, 3], y: [106, 130, 144] });
    expect(chart.panels[1].series[1]).toMatchObject({ name: 'accumulate', x: [1, 2], y: [106, 105] });
  });

  it('leaves out a value that is missing or not a finite number', () => {
    const chart = lossCurvesChart('AE', [
      { name: 'replace', records: [{ generation: 1, trainLoss: 'x', testLoss: NaN }] },
    ]);
    expect(chart.panels[0].series[0].y).toEqual([null]);
    expect(chart.panels[1].series[0].y).toEqual([null]);
  });

  it('tabulates images, steps, train and test loss per run, with a dash where a run has no generation', () => {
    const run = (name: string, sizes: number[]) => ({
      name,
      records: sizes.map((trainSize, i) => ({
        generation: i + 1,
        trainSize,
        epochLosses: [3, 2],
        trainLoss: 2 + i,
        testLoss: 1.5 + i,
      })),
    });
    const lines = formatLossRecords([run('replace', [300, 300]), run('accumulate', [300])], 128)
      .trim()
      .split('\n');
    expect(lines[0]).toBe(
      '| gen | replace images | replace steps | replace train | replace test | accumulate images | accumulate steps | accumulate train | accumulate test |',
    );
    expect(lines[2]).toBe('| 1 | 300 | 6 | 2.00 | 1.50 | 300 | 6 | 2.00 | 1.50 |');
    expect(lines[3]).toBe('| 2 | 300 | 6 | 3.00 | 2.50 | - | - | - | - |');
  });
});
