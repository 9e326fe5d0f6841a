/**
 * The survey's Figures 10 and 11 from generation records: (a) the train loss and (b) the test loss
 * over generations, one line per scheme. Reads nothing but the records it is given, so committed
 * records (docs/data/paper/<model>/<scheme>/records.jsonl) draw the same figure as a run directory.
 */
import { markdownTable } from '../source-losses.ts';
import type { PanelChart } from './plot.ts';

/** The records of one run under a name, e.g. 'replace', 'accumulate (generations 1-4 of 7)'. */
export interface NamedRecords {
  name: string;
  records: readonly Record<string, unknown>[];
}

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A two-panel chart, (a) train loss and (b) test loss by generation, a line per run. */
export function lossCurvesChart(title: string, runs: readonly NamedRecords[]): PanelChart {
  const panel = (field: 'trainLoss' | 'testLoss', panelTitle: string) => ({
    title: panelTitle,
    yLabel: 'loss per image (nats)',
    series: runs.map((run) => ({
      name: run.name,
      x: run.records.map((r) => Number(r.generation)),
      y: run.records.map((r) => numberOrNull(r[field])),
    })),
  });
  return {
    title,
    xLabel: 'generation',
    integerX: true,
    panels: [panel('trainLoss', '(a) Train loss'), panel('testLoss', '(b) Test loss')],
  };
}

/**
 * A markdown table with a row per generation and, per run, its training images, optimiser steps
 * (ceil(images / batchSize) per epoch, times the epochs the record lists), train loss and test loss.
 */
export function formatLossRecords(runs: readonly NamedRecords[], batchSize: number): string {
  const generations = Math.max(0, ...runs.flatMap((r) => r.records.map((rec) => Number(rec.generation))));
  const header = [
    'gen',
    ...runs.flatMap((r) => [`${r.name} images`, `${r.name} steps`, `${r.name} train`, `${r.name} test`]),
  ];
  const rows: string[][] = [];
  for (let g = 1; g <= generations; g++) {
    const row = [String(g)];
    for (const run of runs) {
      const rec = run.records.find((r) => Number(r.generation) === g);
      const images = numberOrNull(rec?.trainSize);
      const epochs = Array.isArray(rec?.epochLosses) ? rec.epochLosses.length : null;
      const steps = images !== null && epochs !== null ? Math.ceil(images / batchSize) * epochs : null;
      const fixed = (v: unknown) => (numberOrNull(v) === null ? '-' : (v as number).toFixed(2));
      row.push(
        images === null ? '-' : String(images),
        steps === null ? '-' : String(steps),
        fixed(rec?.trainLoss),
        fixed(rec?.testLoss),
      );
    }
    rows.push(row);
  }
  return markdownTable(header, rows);
}
