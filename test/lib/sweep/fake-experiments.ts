/** A stand-in for the experiment scripts (the seam lib/sweep takes): reads --scheme, --seed, --generations. */
import type { SweepExperiments } from '../../../lib/sweep/plan.ts';

const flag = (args: readonly string[], name: string) => {
  const i = args.lastIndexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

export const fakeExperiments: SweepExperiments = {
  names: ['vae-mnist'],
  async check(_script, args) {
    const unknown = args.find(
      (a) =>
        a.startsWith('--') &&
        !['--scheme', '--seed', '--generations', '--out', '--resume', '--jobs', '--lr'].includes(a),
    );
    if (unknown) throw new Error(`Unknown argument: ${unknown.slice(2)}`);
    const generations = Number(flag(args, 'generations') ?? 2);
    const schemes = (flag(args, 'scheme') ?? 'replace,accumulate').split(',');
    return {
      seed: Number(flag(args, 'seed') ?? 0),
      generations,
      runs: schemes.map((scheme) => ({ scheme, images: Array.from({ length: generations }, (_, g) => 100 * (g + 1)) })),
    };
  },
};
