/**
 * Logistic regression trained on labels drawn from its previous fit, simulated beside the
 * asymptotic closed forms (survey §4.3; Dey and Donoho 2024): npx tsx scripts/logistic.ts --help
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LOGISTIC_DEFAULTS, runTheory, THEORY_METRICS, THEORY_SCHEMES } from '../lib/index.ts';

const argv = await yargs(hideBin(process.argv))
  .scriptName('logistic')
  .usage('$0 [options]\n\nDraws fresh Gaussian features each generation, labels from the previous fit, refits by Newton (IRLS), per scheme; prints the Fisher-norm error of θ_k and the variance ratio Var(θ_k)/Var(θ_1) beside the asymptotic closed forms.')
  .option('scheme', {
    type: 'string',
    array: true,
    choices: THEORY_SCHEMES,
    default: [...THEORY_SCHEMES],
    coerce: (v: string[]) => v.flatMap((s) => s.split(',')),
    describe: 'schemes to simulate (several: repeat, space- or comma-separate)',
  })
  .option('d', { type: 'number', default: LOGISTIC_DEFAULTS.d, describe: 'features' })
  .option('T', { type: 'number', default: LOGISTIC_DEFAULTS.T, describe: 'rows per generation, more than d' })
  .option('signal', { type: 'number', default: LOGISTIC_DEFAULTS.signal, describe: '||θ0||; θ0 = signal·(1, ..., 1)/sqrt(d)' })
  .option('generations', { type: 'number', default: LOGISTIC_DEFAULTS.generations, describe: 'generations, the first on labels from θ0' })
  .option('trials', { type: 'number', default: LOGISTIC_DEFAULTS.trials, describe: 'independent repetitions' })
  .option('seed', { type: 'number', default: LOGISTIC_DEFAULTS.seed, describe: 'random seed' })
  .option('max-iterations', { type: 'number', default: LOGISTIC_DEFAULTS.maxIterations, describe: 'Newton iterations before a fit counts as not converged' })
  .option('workers', { type: 'number', describe: 'worker threads; 1 runs in the main thread (default: number of cores)' })
  .option('json', { type: 'boolean', default: false, describe: 'print one JSON object per scheme instead of the table' })
  .option('plot', { type: 'string', describe: 'write the figure to this .png or .svg file' })
  .option('plot-metric', { array: true, choices: THEORY_METRICS.logistic, default: ['varianceRatio' as const], describe: 'curve(s) to plot' })
  .option('log-y', { type: 'boolean', default: false, describe: 'logarithmic y axis in the figure' })
  .strict()
  .fail((msg, err) => {
    process.stderr.write(`${msg ?? err?.message}\nRun with --help for the options.\n`);
    process.exit(1);
  })
  .parseAsync();

try {
  await runTheory({
    experiment: 'logistic',
    options: {
      d: argv.d,
      T: argv.T,
      signal: argv.signal,
      generations: argv.generations,
      trials: argv.trials,
      seed: argv.seed,
      maxIterations: argv['max-iterations'],
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
