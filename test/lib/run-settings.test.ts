import { describe, expect, it } from 'vitest';
import { configKeys, defaultsOf, flagOf, pickSettings, reportRows, resolveSettings } from '../../lib/declare.ts';
import { RUN_SETTINGS } from '../../lib/run-settings.ts';

describe('RUN_SETTINGS', () => {
  it("has the survey's defaults, and records what changes the numbers in run.json", () => {
    expect(defaultsOf(RUN_SETTINGS)).toMatchObject({ generations: 7, epochs: 10, batchSize: 128, learningRate: 1e-3, evalBatchSize: 1000, seed: 0, sampleGrid: 100 });
    expect(configKeys(RUN_SETTINGS)).toEqual(['epochs', 'steps', 'syntheticSize', 'batchSize', 'learningRate', 'evalBatchSize', 'warmStart']);
    expect(reportRows(RUN_SETTINGS)).toContainEqual(['learningRate', 'learning rate']);
  });

  it('names its flags (learningRate -> lr, evalBatchSize none, sampleGrid -> sample-grid)', () => {
    expect(flagOf('learningRate', RUN_SETTINGS.learningRate)).toBe('lr');
    expect(flagOf('evalBatchSize', RUN_SETTINGS.evalBatchSize)).toBeUndefined();
    expect(flagOf('sampleGrid', RUN_SETTINGS.sampleGrid)).toBe('sample-grid');
  });

  it('checks each setting with one sentence naming it, and passes the plain data on', () => {
    expect(() => resolveSettings(RUN_SETTINGS, { sampleGrid: 0 })).toThrow('sampleGrid 0 is not valid; expected a positive integer.');
    expect(() => resolveSettings(RUN_SETTINGS, { learningRate: '0.1' })).toThrow("learningRate '0.1' is a string; expected a positive number (a number, not text).");
    expect(() => resolveSettings(RUN_SETTINGS, { backend: 'gpu' })).toThrow('backend "gpu" is not valid; expected one of auto, tensorflow, webgpu, wasm, cpu.');
    const values = resolveSettings(RUN_SETTINGS, { sampleGrid: 4 });
    expect(values.syntheticSize).toBeUndefined();
    expect(pickSettings(RUN_SETTINGS, { ...values, model: () => null })).toEqual({ ...values });
  });
});
