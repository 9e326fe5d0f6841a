/**
 * Linear regression trained on its own predictions, simulated beside the closed forms of eq. (5)-(6)
 * (survey §4.1, Figure 6): npx tsx scripts/regression.ts --help
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { REGRESSION_DEFAULTS, runTheory, THEORY_METRICS, THEORY_SCHEMES } from '../lib/index.ts';

const argv = await yargs(hideBin(process.argv))
  .scriptName('regression')
  .usage('$0 [options]\n\nFits ŵ_k on labels X ŵ_{k-1} + noise for each generation k, per scheme, and prints the test error E||ŵ_k - w*||²_Σ and the variance ratio Var(ŵ_k)/Var(ŵ_1) beside the closed forms.')
  .option('scheme', {
    type: 'string',
    array: true,
    choices: THEORY_SCHEMES,
    default: [...THEORY_SCHEMES],
    coerce: (v: string[]) => v.flatMap((s) => s.split(',')),
    describe: 'schemes to simulate (several: repeat, space- or comma-separate)',
  })
  .option('d', { type: 'number', default: REGRESSION_DEFAULTS.d, describe: 'features' })
  .option('T', { type: 'number', default: REGRESSION_DEFAULTS.T, describe: 'rows per generation, at least d + 2' })
  .option('sigma', { type: 'number', default: REGRESSION_DEFAULTS.sigma, describe: 'label noise standard deviation' })
  .option('generations', { type: 'number', default: REGRESSION_DEFAULTS.generations, describe: 'generations, the first on real labels' })
  .option('trials', { type: 'number', default: REGRESSION_DEFAULTS.trials, describe: 'independent repetitions' })
  .option('seed', { type: 'number', default: REGRESSION_DEFAULTS.seed, describe: 'random seed' })
  .option('lambda', { type: 'number', default: REGRESSION_DEFAULTS.lambda, describe: 'ridge penalty (0 = least squares; closed forms need 0)' })
  .option('covariance', { type: 'number', array: true, describe: 'diagonal of the feature covariance Σ, d numbers (default: identity)' })
  .option('design', { choices: ['fixed', 'fresh'] as const, default: REGRESSION_DEFAULTS.design, describe: 'one design X per trial, or a fresh one each generation' })
  .option('workers', { type: 'number', describe: 'worker threads; 1 runs in the main thread (default: number of cores)' })
  .option('json', { type: 'boolean', default: false, describe: 'print one JSON object per scheme instead of the table' })
  .option('plot', { type: 'string', describe: 'write the figure to this .png or .svg file' })
  .option('plot-metric', { array: true, choices: THEORY_METRICS.regression, default: ['varianceRatio' as const], describe: 'curve(s) to plot' })
  .option('log-y', { type: 'boolean', default: false, describe: 'logarithmic y axis in the figure' })
  .strict()
  .fail((msg, err) => {
    process.stderr.write(`${msg ?? err?.message}\nRun with --help for the options.\n`);
    process.exit(1);
  })
  .parseAsync();

try {
  await runTheory({
    experiment: 'regression',
    options: {
      d: argv.d,
      T: argv.T,
      sigma: argv.sigma,
      generations: argv.generations,
      trials: argv.trials,
      seed: argv.seed,
      lambda: argv.lambda,
      covariance: argv.covariance,
      design: argv.design,
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
