import { describe, expect, it } from 'vitest';
import { parseExperimentArgs } from '../../scripts/cli.ts';
import { EXPERIMENTS } from '../../scripts/experiments.ts';
import { trackingOptions } from '../../scripts/tracking-flags.ts';

const parse = async (args: string[]) =>
  trackingOptions((await parseExperimentArgs(EXPERIMENTS['vae-mnist'], args)).raw);

describe('tracking flags', () => {
  it('--tensorboard takes an optional folder; --log-every a count of steps', async () => {
    expect(await parse([])).toEqual({ tensorboard: undefined, logEvery: undefined });
    expect(await parse(['--tensorboard'])).toEqual({ tensorboard: true, logEvery: undefined });
    expect(await parse(['--tensorboard', '--json'])).toEqual({ tensorboard: true, logEvery: undefined });
    expect(await parse(['--tensorboard', 'runs/tb', '--log-every', '0'])).toEqual({
      tensorboard: 'runs/tb',
      logEvery: 0,
    });
    expect(await parse(['--tensorboard=runs/tb'])).toEqual({ tensorboard: 'runs/tb', logEvery: undefined });
  });

  it('refuses a negative --log-every in one sentence', async () => {
    await expect(parse(['--log-every', '-1'])).rejects.toThrow(/--log-every -1 .*at least 0/);
  });
});
