import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { experimentOptions, parseExperimentArgs, resumeCommand } from '../../scripts/cli.ts';
import { EXPERIMENTS } from '../../scripts/experiments.ts';
import { withFlags } from '../helpers/cli.ts';

const TINY = ['--train-size', '60', '--test-size', '30', '--no-metrics'];

describe('scripts/cli', () => {
  it("resolves each dataset's own defaults; presets set only what differs", async () => {
    const mnist = (await parseExperimentArgs(EXPERIMENTS['vae-mnist'], [])).flags;
    expect(mnist).toMatchObject({ trainSize: 60000, testSize: 10000, latentDim: 20, arch: 'dense', hidden: [400], metrics: true, generations: 7, epochs: 10, out: 'checkpoints/vae-mnist' });
    const quick = (await parseExperimentArgs(EXPERIMENTS['ae-mnist'], ['--preset', 'quick', '--epochs', '2'])).flags;
    expect(quick).toMatchObject({ trainSize: 10000, generations: 5, epochs: 2, sampling: 'latent-gaussian', out: 'checkpoints/ae-mnist-quick' });
    const celeba = (await parseExperimentArgs(EXPERIMENTS['vae-celeba'], ['--data-dir', 'x', '--preset', 'quick'])).flags;
    expect(celeba).toMatchObject({ trainSize: undefined, testSize: undefined, latentDim: 128, arch: 'conv', metrics: false, generations: 5, epochs: 5 });
  });

  it('takes the classifier folder as an absolute path, into the analysis options', async () => {
    const { raw, flags } = await parseExperimentArgs(EXPERIMENTS['vae-mnist'], withFlags(TINY, ['--metrics', '--classifier-dir', 'my/cache']));
    expect(flags.classifierDir).toBe(join(process.cwd(), 'my/cache'));
    const options = await experimentOptions(EXPERIMENTS['vae-mnist'], [], flags, raw);
    expect(options.analysis).toEqual({ metrics: true, classifierDir: join(process.cwd(), 'my/cache') });
    const plain = await parseExperimentArgs(EXPERIMENTS['vae-mnist'], TINY);
    expect((await experimentOptions(EXPERIMENTS['vae-mnist'], [], plain.flags, plain.raw)).analysis).toEqual({ metrics: false });
  });

  it('prints a resume command without --resume / --force and their values, quoted for a shell', () => {
    expect(resumeCommand(['npx', 'tsx', 'scripts/vae-mnist.ts'], ['--force', 'true', '--epochs', '2', '--resume=false', '--out', 'a b'])).toBe("npx tsx scripts/vae-mnist.ts --epochs 2 --out 'a b' --resume");
    expect(resumeCommand(['npx', 'tsx', 'scripts/vae-mnist.ts'], ['--config', 'x.yaml', '--no-force'], ['--no-force'])).toBe('npx tsx scripts/vae-mnist.ts --config x.yaml --resume --no-force');
  });
});
