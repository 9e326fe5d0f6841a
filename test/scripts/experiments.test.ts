import { describe, expect, it } from 'vitest';
import { parseExperimentArgs } from '../../scripts/cli.ts';
import { EXPERIMENTS, isExperimentName } from '../../scripts/experiments.ts';

describe('experiment CLIs by name', () => {
  it('lists every training script under its own name', () => {
    expect(Object.keys(EXPERIMENTS).sort()).toEqual(['ae-mnist', 'lm-text', 'vae-celeba', 'vae-mnist']);
    for (const [name, spec] of Object.entries(EXPERIMENTS)) expect(spec.name).toBe(name);
    expect(isExperimentName('vae-mnist')).toBe(true);
    expect(isExperimentName('toString')).toBe(false);
  });

  it('parses and checks a script\'s flags without running it, throwing one sentence on bad ones', async () => {
    const { flags } = await parseExperimentArgs(EXPERIMENTS['ae-mnist'], ['--scheme', 'replace,accumulate', '--epochs', '2']);
    expect(flags.epochs).toBe(2);
    expect(flags.schemes.map((s) => s.kind)).toEqual(['replace', 'accumulate']);
    await expect(parseExperimentArgs(EXPERIMENTS['vae-mnist'], ['--bogus', '1'])).rejects.toThrow('Unknown flag --bogus; run with --help for the flags.');
    await expect(parseExperimentArgs(EXPERIMENTS['vae-mnist'], ['--epochs', '0'])).rejects.toThrow('--epochs 0 is not valid');
    await expect(parseExperimentArgs(EXPERIMENTS['vae-celeba'], [])).rejects.toThrow('--data-dir is required');
  });

  it("gives lm-text the text family's defaults, its --steps and presets, and a fresh scheme sized once the text is read", async () => {
    const { flags } = await parseExperimentArgs(EXPERIMENTS['lm-text'], ['--scheme', 'accumulate,fresh']);
    expect([flags.generations, flags.epochs, flags.batchSize, flags.steps]).toEqual([5, 3, 32, undefined]);
    expect(flags.schemes).toEqual([{ kind: 'accumulate' }, { kind: 'fresh' }]);
    expect(flags.settings).toMatchObject({ corpus: 'moby-dick', block: 64, nLayer: 2 });
    const quick = await parseExperimentArgs(EXPERIMENTS['lm-text'], ['--preset', 'quick', '--steps', '20', '--fresh-size', '5', '--scheme', 'fresh']);
    expect([quick.flags.steps, quick.flags.settings.trainChars, quick.flags.schemes]).toEqual([20, 100000, [{ kind: 'fresh', freshSize: 5 }]]);
    // Images count in --synthetic-size; text in --synthetic-chars.
    await expect(parseExperimentArgs(EXPERIMENTS['lm-text'], ['--synthetic-size', '5'])).rejects.toThrow('Unknown flag --synthetic-size');
    await expect(parseExperimentArgs(EXPERIMENTS['vae-mnist'], ['--scheme', 'fresh'])).rejects.toThrow("Scheme 'fresh' needs --fresh-size");
  });
});
