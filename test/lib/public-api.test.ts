import { describe, expect, it } from 'vitest';

describe('the public API (lib/index.ts)', () => {
  it('exports at most 90 values, with what only the bundled CLIs use grouped under cliSupport', async () => {
    const api = await import('../../lib/index.ts');
    expect(Object.keys(api).length).toBeLessThanOrEqual(90);
    // The main entry points a user starts from are there; a CLI helper is not at the top level.
    for (const name of [
      'trainGenerations',
      'runExperiment',
      'readRun',
      'writeReport',
      'exportCsv',
      'initBackend',
      'RUN_SETTINGS',
      'familyOf',
    ])
      expect(api, name).toHaveProperty(name);
    expect(api).not.toHaveProperty('submitSbatch');
    expect(typeof api.cliSupport.submitSbatch).toBe('function');
  });
});
