import { describe, expect, it } from 'vitest';
import { FAMILIES, familyOf } from '../../../lib/families/index.ts';
import { buildFamily, checkFamilySettings } from '../../../lib/families/build.ts';

describe('the family registry', () => {
  it('holds the image and text families, and refuses an unknown name with the names it has', () => {
    expect(Object.keys(FAMILIES)).toEqual(['mnist-vae', 'mnist-ae', 'celeba-conv-vae', 'text-gpt']);
    for (const [name, f] of Object.entries(FAMILIES)) expect(f.name).toBe(name);
    expect(() => familyOf('mnist-gan')).toThrow('family "mnist-gan" is not valid; expected one of mnist-vae, mnist-ae, celeba-conv-vae, text-gpt.');
  });

  it("checks a family's settings alone and together, naming the setting", () => {
    expect(checkFamilySettings(familyOf('mnist-ae'))).toMatchObject({ trainSize: 60000, latentDim: 20, sampling: 'latent-gaussian' });
    expect(() => checkFamilySettings(familyOf('mnist-vae'), { trainSize: 70000 })).toThrow('trainSize 70000 is not valid; expected an integer of at most 60000.');
    expect(() => checkFamilySettings(familyOf('mnist-vae'), { arch: 'conv', hidden: [16] })).toThrow('hidden: 16 sets the layers of arch: dense');
    expect(() => checkFamilySettings(familyOf('celeba-conv-vae'), {})).toThrow('dataDir is required');
    expect(() => checkFamilySettings(familyOf('celeba-conv-vae'), { dataDir: '/x', metrics: true })).toThrow('metrics: true asks for the collapse metrics');
  });

  it('builds the data, the model and the analysis from the name and settings alone', async () => {
    const built = await buildFamily('mnist-vae', { trainSize: 20, testSize: 10, hidden: [8], latentDim: 2, metrics: false }, { freshPool: true, log: () => {}, seed: 0, analysis: true });
    expect([built.data.train.count, built.data.test.count, built.data.freshPool?.count]).toEqual([20, 10, 59980]);
    expect(built.config).toEqual({ dataset: 'mnist' });
    const model = built.model({ seed: 1 });
    expect(model.config).toMatchObject({ hidden: [8], latentDim: 2 });
    model.dispose();
    expect(built.analysis?.settings).toEqual({ metrics: false, fixedDraws: 100, batchSize: 1000 });
    built.analysis?.dispose();
  });
});
