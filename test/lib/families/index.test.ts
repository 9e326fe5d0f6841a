import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../../lib/experiment.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { FAMILIES, familyOf } from '../../../lib/families/index.ts';
import { buildFamily, checkFamilySettings } from '../../../lib/families/build.ts';

describe('the family registry', () => {
  it('holds the image and text families, and refuses an unknown name with the names it has', () => {
    expect(Object.keys(FAMILIES)).toEqual(['mnist-vae', 'mnist-ae', 'celeba-conv-vae', 'text-gpt']);
    for (const [name, f] of Object.entries(FAMILIES)) expect(f.name).toBe(name);
    expect(() => familyOf('mnist-gan')).toThrow(
      'family "mnist-gan" is not valid; expected one of mnist-vae, mnist-ae, celeba-conv-vae, text-gpt.',
    );
  });

  it("checks a family's settings alone and together, naming the setting", () => {
    expect(checkFamilySettings(familyOf('mnist-ae'))).toMatchObject({
      trainSize: 60000,
      latentDim: 20,
      sampling: 'latent-gaussian',
    });
    expect(() => checkFamilySettings(familyOf('mnist-vae'), { trainSize: 70000 })).toThrow(
      'trainSize 70000 is not valid; expected an integer of at most 60000.',
    );
    expect(() => checkFamilySettings(familyOf('mnist-vae'), { arch: 'conv', hidden: [16] })).toThrow(
      'hidden: 16 sets the layers of arch: dense',
    );
    expect(() => checkFamilySettings(familyOf('celeba-conv-vae'), {})).toThrow('dataDir is required');
    expect(() => checkFamilySettings(familyOf('celeba-conv-vae'), { dataDir: '/x', metrics: true })).toThrow(
      'metrics: true asks for the collapse metrics',
    );
  });

  it("weighs a conv VAE's training memory against the batch size and backend it will run with", () => {
    const celeba = familyOf('celeba-conv-vae');
    const big = { dataDir: '/x', imageSize: 1000 };
    // Alone (a worker rebuilding what its parent checked) the settings pass; with the run's batch and backend they do not.
    expect(() => checkFamilySettings(celeba, big)).not.toThrow();
    expect(() => checkFamilySettings(celeba, big, { batchSize: 128, backend: 'wasm' })).toThrow(
      /^imageSize 1000 with batchSize 128 gives the conv VAE 7\.70e\+8 weights and 3\.40e\+7 feature-map values an image, which need about 64\.5 GB to train; expected at most 4\.3 GB \(the wasm backend's heap\): lower imageSize\.$/,
    );
    // The default 64x64 model fits easily; 256x256 fits the heap at batch 16 but not at 512.
    expect(() => checkFamilySettings(celeba, { dataDir: '/x' }, { batchSize: 128, backend: 'wasm' })).not.toThrow();
    const at = (batchSize: number) => () =>
      checkFamilySettings(celeba, { dataDir: '/x', imageSize: 256 }, { batchSize, backend: 'wasm' });
    expect(at(16)).not.toThrow();
    expect(at(512)).toThrow(/lower imageSize or batchSize\.$/);
  });

  it('refuses that model through the API too, before anything is loaded or written', async () => {
    const out = join(await tempDir(), 'runs');
    const experiment = runExperiment({
      family: 'celeba-conv-vae',
      settings: { dataDir: '/nonexistent/celeba', imageSize: 1000 },
      backend: 'wasm',
      batchSize: 4,
      schemes: [{ kind: 'replace' }],
      out,
    });
    await expect(experiment).rejects.toThrow(
      /^imageSize 1000 with batchSize 4 gives the conv VAE .*: lower imageSize\.$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('builds the data, the model and the analysis from the name and settings alone', async () => {
    const built = await buildFamily(
      'mnist-vae',
      { trainSize: 20, testSize: 10, hidden: [8], latentDim: 2, metrics: false },
      { freshPool: true, log: () => {}, seed: 0, analysis: true },
    );
    expect([built.data.train.count, built.data.test.count, built.data.freshPool?.count]).toEqual([20, 10, 59980]);
    expect(built.config).toEqual({ dataset: 'mnist' });
    const model = built.model({ seed: 1 });
    expect(model.config).toMatchObject({ hidden: [8], latentDim: 2 });
    model.dispose();
    expect(built.analysis?.settings).toEqual({ metrics: false, fixedDraws: 100, batchSize: 1000 });
    built.analysis?.dispose();
  });
});
