import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { experimentOptions, parseExperimentArgs, resumeCommand } from '../../scripts/cli.ts';
import { EXPERIMENTS } from '../../scripts/experiments.ts';
import { withFlags } from '../helpers/cli.ts';

const TINY = ['--train-size', '60', '--test-size', '30', '--no-metrics'];

describe('scripts/cli', () => {
  it("resolves each dataset's own defaults; presets set only what differs", async () => {
    const mnist = (await parseExperimentArgs(EXPERIMENTS['vae-mnist'], [])).flags;
    expect(mnist).toMatchObject({ generations: 7, epochs: 10, out: 'checkpoints/vae-mnist' });
    expect(mnist.settings).toMatchObject({ trainSize: 60000, testSize: 10000, latentDim: 20, arch: 'dense', hidden: [400], metrics: true });
    const quick = (await parseExperimentArgs(EXPERIMENTS['ae-mnist'], ['--preset', 'quick', '--epochs', '2'])).flags;
    expect(quick).toMatchObject({ generations: 5, epochs: 2, out: 'checkpoints/ae-mnist-quick' });
    expect(quick.settings).toMatchObject({ trainSize: 10000, sampling: 'latent-gaussian' });
    const celeba = (await parseExperimentArgs(EXPERIMENTS['vae-celeba'], ['--data-dir', 'x', '--preset', 'quick'])).flags;
    expect(celeba).toMatchObject({ generations: 5, epochs: 5 });
    expect(celeba.settings.trainSize).toBeUndefined();
    expect(celeba.settings).toMatchObject({ latentDim: 128, arch: 'conv', metrics: false });
  });

  it("takes the classifier folder as an absolute path, into the family's settings", async () => {
    const { flags } = await parseExperimentArgs(EXPERIMENTS['vae-mnist'], withFlags(TINY, ['--metrics', '--classifier-dir', 'my/cache']));
    const options = experimentOptions(EXPERIMENTS['vae-mnist'], flags);
    expect(options).toMatchObject({ family: 'mnist-vae', settings: { metrics: true, classifierDir: join(process.cwd(), 'my/cache') } });
    const plain = await parseExperimentArgs(EXPERIMENTS['vae-mnist'], TINY);
    expect(experimentOptions(EXPERIMENTS['vae-mnist'], plain.flags).settings).toMatchObject({ metrics: false, trainSize: 60 });
  });

  it('takes every run setting as its flag, into the experiment options (--sample-grid)', async () => {
    const { flags } = await parseExperimentArgs(EXPERIMENTS['vae-mnist'], withFlags(TINY, ['--sample-grid', '4', '--lr', '0.01']));
    expect(experimentOptions(EXPERIMENTS['vae-mnist'], flags)).toMatchObject({ sampleGrid: 4, learningRate: 0.01 });
    await expect(parseExperimentArgs(EXPERIMENTS['vae-mnist'], ['--sample-grid', '0'])).rejects.toThrow('--sample-grid');
  });

  it('prints a resume command without --resume / --force and their values, quoted for a shell', () => {
    expect(resumeCommand(['npx', 'tsx', 'scripts/vae-mnist.ts'], ['--force', 'true', '--epochs', '2', '--resume=false', '--out', 'a b'])).toBe("npx tsx scripts/vae-mnist.ts --epochs 2 --out 'a b' --resume");
    expect(resumeCommand(['npx', 'tsx', 'scripts/vae-mnist.ts'], ['--config', 'x.yaml', '--no-force'], ['--no-force'])).toBe('npx tsx scripts/vae-mnist.ts --config x.yaml --resume --no-force');
  });
});
