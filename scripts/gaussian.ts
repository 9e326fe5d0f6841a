/**
 * A Gaussian fitted to its own samples, generation after generation, simulated beside the closed
 * forms of the survey's §3.1 (eq. (1)-(2)): npx tsx scripts/gaussian.ts --help
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { GAUSSIAN_DEFAULTS, runTheory, THEORY_METRICS, THEORY_SCHEMES } from '../lib/index.ts';

const argv = await yargs(hideBin(process.argv))
  .scriptName('gaussian')
  .usage('$0 [options]\n\nFits mean and (co)variance to T samples, samples T from the fit, repeats, per scheme; prints the W2² distance to the truth, the variance ratio Var(μ_g)/Var(μ_1), the fitted variance (mean and median), the squared error of the mean and Var(X_g), beside their closed forms.')
  .option('scheme', {
    type: 'string',
    array: true,
    choices: THEORY_SCHEMES,
    default: [...THEORY_SCHEMES],
    coerce: (v: string[]) => v.flatMap((s) => s.split(',')),
    describe: 'schemes to simulate (several: repeat, space- or comma-separate)',
  })
  .option('d', { type: 'number', default: GAUSSIAN_DEFAULTS.d, describe: 'dimension (1: variance, more: covariance matrix)' })
  .option('T', { type: 'number', default: GAUSSIAN_DEFAULTS.T, describe: 'samples per generation, at least 2' })
  .option('sigma', { type: 'number', default: GAUSSIAN_DEFAULTS.sigma, describe: 'standard deviation of the truth N(0, σ²I)' })
  .option('generations', { type: 'number', default: GAUSSIAN_DEFAULTS.generations, describe: 'generations, the first fitted to real samples' })
  .option('estimator', { choices: ['unbiased', 'mle'] as const, default: GAUSSIAN_DEFAULTS.estimator, describe: 'covariance divided by n - 1 (unbiased) or by n (mle)' })
  .option('trials', { type: 'number', default: GAUSSIAN_DEFAULTS.trials, describe: 'independent repetitions' })
  .option('seed', { type: 'number', default: GAUSSIAN_DEFAULTS.seed, describe: 'random seed' })
  .option('workers', { type: 'number', describe: 'worker threads; 1 runs in the main thread (default: number of cores)' })
  .option('json', { type: 'boolean', default: false, describe: 'print one JSON object per scheme instead of the table' })
  .option('plot', { type: 'string', describe: 'write the figure to this .png or .svg file' })
  .option('plot-metric', { array: true, choices: THEORY_METRICS.gaussian, default: ['testError' as const], describe: 'curve(s) to plot' })
  .option('log-y', { type: 'boolean', default: false, describe: 'logarithmic y axis in the figure' })
  .strict()
  .fail((msg, err) => {
    process.stderr.write(`${msg ?? err?.message}\nRun with --help for the options.\n`);
    process.exit(1);
  })
  .parseAsync();

try {
  await runTheory({
    experiment: 'gaussian',
    options: {
      d: argv.d,
      T: argv.T,
      sigma: argv.sigma,
      generations: argv.generations,
      estimator: argv.estimator,
      trials: argv.trials,
      seed: argv.seed,
      workers: argv.workers,
    },
    schemes: argv.scheme as (typeof THEORY_SCHEMES)[number][],
    json: argv.json,
    plot: argv.plot,
    plotMetric: argv['plot-metric'],
    logY: argv['log-y'],
    stdout: process.stdout,
    stderr: process.stderr,
  });
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
