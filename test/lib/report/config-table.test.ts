import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { configTable, readable } from '../../../lib/report/config-table.ts';
import { loadRuns } from '../../../lib/report/runs.ts';
import type { RunSummary } from '../../../lib/report/runs.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { writeFakeRun } from './fixture.ts';

let root: string;
let runs: RunSummary[];
beforeAll(async () => {
  root = await tempDir();
  runs = await loadRuns([
    await writeFakeRun(join(root, 'exp', 'replace'), { generations: [{}, {}] }),
    await writeFakeRun(join(root, 'exp', 'accumulate'), { scheme: 'accumulate', generations: [{}] }),
    await writeFakeRun(join(root, 'exp', 'ae-mix'), { kind: 'ae', scheme: 'mix-0.5', generations: [{}], analysis: false }),
  ]);
});

/** The table as rows of cell texts: [row name, ...cells], each cell with its colspan when it has one. */
function cells(html: string): string[][] {
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<t[hd]([^>]*)>([^<]*)<\/t[hd]>/g)].map((c) => (/colspan/.test(c[1]) ? `${c[2]} [all]` : c[2])));
}

describe('the configuration table', () => {
  it('writes settings as a reader would, never as JSON', () => {
    const html = configTable(runs, join(root, 'exp'));
    expect(html).not.toMatch(/&quot;|[{}[\]]/);
    const rows = new Map(cells(html).map(([name, ...rest]) => [name, rest]));
    expect(rows.get('')).toEqual(['vae replace (seed 0)', 'vae accumulate (seed 0)', 'ae mix-0.5 (seed 0)']);
    expect(rows.get('run folder')).toEqual(['replace', 'accumulate', 'ae-mix']);
    expect(rows.get('model')).toEqual(['VAE', 'VAE', 'autoencoder']);
    expect(rows.get('scheme')).toEqual(['replace', 'accumulate', 'mix-0.5']);
    expect(rows.get('generations done')).toEqual(['2', '1', '1']);
    expect(rows.get('metrics classifier')).toEqual(['test accuracy 99.00%, 8 features, 20 synthetic images measured per generation (against 10 real test images for FID, 10 for precision and recall), k = 3', 'test accuracy 99.00%, 8 features, 20 synthetic images measured per generation (against 10 real test images for FID, 10 for precision and recall), k = 3', 'no metrics']);
  });

  it('shows a setting every run shares once, across the runs', () => {
    const rows = new Map(cells(configTable(runs, join(root, 'exp'))).map(([name, ...rest]) => [name, rest]));
    expect(rows.get('dataset')).toEqual(['fake [all]']);
    expect(rows.get('image shape')).toEqual(['4×4×1 [all]']);
    expect(rows.get('architecture')).toEqual(['dense [all]']);
    expect(rows.get('learning rate')).toEqual(['0.001 [all]']);
    expect(rows.get('warm start')).toEqual(['no [all]']);
    expect(rows.get('real training images')).toEqual(['20 [all]']);
    // One run: nothing to share.
    expect(cells(configTable(runs.slice(0, 1), root)).find(([n]) => n === 'dataset')).toEqual(['dataset', 'fake']);
  });

  it('shows the data digests run.json records as short SHA-256 rows, one per data set', () => {
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const withData = (r: RunSummary, data: Record<string, string>): RunSummary => ({ ...r, info: { ...r.info, config: { ...r.info.config, data, evalBatchSize: 10, analysis: 'none' } } });
    const html = configTable([withData(runs[0], { train: digest('a'), test: digest('b') }), withData(runs[1], { train: digest('a'), test: digest('b'), freshPool: digest('c') })], join(root, 'exp'));
    expect(html).not.toMatch(/sha256|[0-9a-f]{13}/);
    const rows = new Map(cells(html).map(([name, ...rest]) => [name, rest]));
    expect(rows.get('training images, SHA-256')).toEqual(['aaaaaaaaaaaa… [all]']);
    expect(rows.get('test images, SHA-256')).toEqual(['bbbbbbbbbbbb… [all]']);
    expect(rows.get('fresh pool, SHA-256')).toEqual(['–', 'cccccccccccc…']);
    expect(rows.get('evaluation batch size')).toEqual(['10 [all]']);
    expect(rows.get('analysis')).toEqual(['none [all]']);
  });

  it('turns any value into words: lists, objects, booleans, missing values', () => {
    expect(readable(['a', 'b'])).toBe('a, b');
    expect(readable({ imageSize: 64, split: 'official' })).toBe('image size 64, split official');
    expect(readable(true)).toBe('yes');
    expect(readable(undefined)).toBe('–');
    expect(readable(0.5)).toBe('0.5');
  });
});
