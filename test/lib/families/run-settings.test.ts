import { describe, expect, it } from 'vitest';
import { flagOf } from '../../../lib/declare.ts';
import { familyOf } from '../../../lib/families/index.ts';
import { runSettingsOf, withRunDefaults } from '../../../lib/families/run-settings.ts';
import { RUN_SETTINGS } from '../../../lib/run-settings.ts';

describe('a family\'s run settings', () => {
  it('are RUN_SETTINGS for a family without overrides', () => {
    expect(runSettingsOf(familyOf('mnist-vae'))).toEqual(RUN_SETTINGS);
    expect(flagOf('steps', runSettingsOf(familyOf('mnist-vae')).steps)).toBeUndefined();
  });

  it('take the family\'s defaults, help and flags, keeping the checks', () => {
    const text = runSettingsOf(familyOf('text-gpt'));
    expect([text.batchSize.default, text.generations.default, text.epochs.default]).toEqual([32, 5, 3]);
    expect(text.batchSize.help).toBe('windows per step');
    expect(flagOf('steps', text.steps)).toBe('steps');
    expect(flagOf('syntheticSize', text.syntheticSize)).toBeUndefined();
    expect(() => text.batchSize.check('batchSize', 0)).toThrow('batchSize 0');
    // RUN_SETTINGS itself is unchanged.
    expect(RUN_SETTINGS.batchSize.default).toBe(128);
  });

  it('fill only what the options leave out', () => {
    const text = familyOf('text-gpt');
    expect(withRunDefaults(text, { batchSize: 8, epochs: undefined })).toEqual({ batchSize: 8, epochs: 3, generations: 5 });
    expect(withRunDefaults(familyOf('mnist-ae'), { epochs: undefined })).toEqual({ epochs: undefined });
  });
});
