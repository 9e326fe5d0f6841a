import { describe, expect, it } from 'vitest';
import { parseExperimentArgs } from '../../scripts/cli.ts';
import { EXPERIMENTS, isExperimentName } from '../../scripts/experiments.ts';

describe('experiment CLIs by name', () => {
  it('lists every training script under its own name', () => {
    expect(Object.keys(EXPERIMENTS).sort()).toEqual(['ae-mnist', 'vae-celeba', 'vae-mnist']);
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
});
