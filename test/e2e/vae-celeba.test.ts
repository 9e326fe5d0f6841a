import { beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../../lib/tfjs.ts';
import { loadNetwork } from '../../lib/run/run-dir.ts';
import { runCli, withFlags } from '../helpers/cli.ts';
import { makeFaceFolder } from '../helpers/faces.ts';
import { tempDir } from '../helpers/tmp.ts';

// 16x16 images through the conv VAE's default layers for that size (two stride-2 convs).
const SMALL = ['--image-size', '16', '--generations', '2', '--epochs', '1', '--latent-dim', '8', '--batch-size', '16', '--seed', '2'];
let root: string;
let faces: string;
beforeAll(async () => {
  root = await tempDir();
  // 40 CelebA-sized JPEGs: 32 train, 4 validation, 4 test; one is a truncated file.
  faces = await makeFaceFolder(join(root, 'celeba'), { count: 40, seed: 5, broken: [10] });
});

describe('scripts/vae-celeba.ts', () => {
  it('decodes the folder into a cache and runs two generations of the conv VAE under accumulate', async () => {
    const out = join(root, 'run');
    const r = await runCli('vae-celeba', [...SMALL, '--data-dir', faces, '--scheme', 'accumulate', '--out', out, '--json']);
    expect(r.stderr).toMatch(/decoded 35 images into the cache/);
    expect(r.stderr).toMatch(/1 unreadable image was skipped: .*000011\.jpg/);
    expect(r.stderr).toMatch(/CelebA \(official split\): 31 training and 4 test images of 16x16x3/);
    expect(r.code).toBe(0);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((x) => [x.generation, x.trainSize])).toEqual([[1, 31], [2, 62]]);
    for (const x of records) expect(Number.isFinite(x.testLoss)).toBe(true);
    const gen2 = join(out, 'accumulate', 'gen-002');
    expect((await readdir(gen2)).sort()).toEqual(expect.arrayContaining(['COMPLETE', 'model.json', 'samples.png', 'synthetic.u8', 'weights.bin']));
    const net = await loadNetwork(join(out, 'accumulate'), 2);
    expect(net.outputs.map((o) => o.shape)).toEqual([[null, 8], [null, 8], [null, 16, 16, 3]]);
    net.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });

  it('reads the cache on the next run, and takes the first N training images with --limit', async () => {
    const r = await runCli('vae-celeba', withFlags(SMALL, ['--data-dir', faces, '--scheme', 'replace', '--generations', '1', '--out', join(root, 'again')]));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/31 training and 4 test images from the cache/);
    expect(r.stderr).not.toMatch(/decoding CelebA/);
    const limited = await runCli('vae-celeba', withFlags(SMALL, ['--data-dir', faces, '--scheme', 'replace', '--generations', '1', '--limit', '8', '--arch', 'dense', '--hidden', '16', '--out', join(root, 'limit')]));
    expect(limited.code).toBe(0);
    expect(limited.stderr).toMatch(/CelebA \(official split\): 8 training and 1 test images/);
  });

  it('stops with one sentence naming the path when the data folder is missing', async () => {
    const r = await runCli('vae-celeba', [...SMALL, '--data-dir', join(root, 'nowhere'), '--out', join(root, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: CelebA folder .*nowhere does not exist; expected a folder holding img_align_celeba\/\*\.jpg/);
    const none = await runCli('vae-celeba', [...SMALL, '--out', join(root, 'bad')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/Error: --data-dir is required; expected the CelebA folder holding img_align_celeba\/ \(see docs\/experiments\.md, "Get CelebA"\)\./);
  });
});

describe('--arch conv on the MNIST scripts', () => {
  it("trains Shumailov et al.'s conv VAE on MNIST and records the architecture in run.json", async () => {
    const out = join(root, 'mnist-conv');
    // --no-metrics: this tests the architecture, not the metrics, whose classifier would otherwise be trained (minutes) in a fresh clone.
    const r = await runCli('vae-mnist', ['--arch', 'conv', '--train-size', '64', '--test-size', '32', '--generations', '1', '--epochs', '1', '--batch-size', '32', '--scheme', 'replace', '--no-metrics', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(Number.isFinite(JSON.parse(r.stdout.trim()).testLoss)).toBe(true);
    const run = JSON.parse(await readFile(join(out, 'replace', 'run.json'), 'utf8'));
    expect(run.config.model).toMatchObject({ kind: 'vae', arch: 'conv', imageShape: [28, 28, 1], channels: [64, 128], kernelSize: 4, latentDim: 20 });
  });
});
