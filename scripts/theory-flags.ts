/** The flags and the run every theory CLI (gaussian, regression, logistic) shares. */
import type { Argv } from 'yargs';
import { runTheory, THEORY_METRICS, THEORY_SCHEMES } from '../lib/index.ts';
import type { TheoryRunOptions } from '../lib/index.ts';

type Experiment = keyof typeof THEORY_METRICS;

/** Adds the shared flags after a script's own; `defaults` are the simulator's. */
export function theoryFlags<T, E extends Experiment>(
  y: Argv<T>,
  experiment: E,
  defaults: { generations: number; trials: number; seed: number },
  generationsHelp: string,
  defaultMetric: (typeof THEORY_METRICS)[E][number],
) {
  return y
    .option('scheme', {
      type: 'string',
      array: true,
      choices: THEORY_SCHEMES,
      default: [...THEORY_SCHEMES],
      coerce: (v: string[]) => v.flatMap((s) => s.split(',')),
      describe: 'schemes to simulate (several: repeat, space- or comma-separate)',
    })
    .option('generations', { type: 'number', default: defaults.generations, describe: generationsHelp })
    .option('trials', { type: 'number', default: defaults.trials, describe: 'independent repetitions' })
    .option('seed', { type: 'number', default: defaults.seed, describe: 'random seed' })
    .option('workers', { type: 'number', describe: 'worker threads; 1 runs in the main thread (default: number of cores)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object per scheme instead of the table' })
    .option('plot', { type: 'string', describe: 'write the figure to this .png or .svg file' })
    .option('plot-metric', { array: true, choices: THEORY_METRICS[experiment] as readonly string[], default: [defaultMetric as string], describe: 'curve(s) to plot' })
    .option('log-y', { type: 'boolean', default: false, describe: 'logarithmic y axis in the figure' })
    .strict()
    .fail((msg, err) => {
      process.stderr.write(`${msg ?? err?.message}\nRun with --help for the options.\n`);
      process.exit(1);
    });
}

interface SharedArgs {
  scheme: string[];
  generations: number;
  trials: number;
  seed: number;
  workers?: number;
  json: boolean;
  plot?: string;
  'plot-metric': string[];
  'log-y': boolean;
}

/** Runs the simulation the flags describe; a bad value ends the process with one sentence. */
export async function runTheoryCli(experiment: Experiment, argv: SharedArgs, options: Record<string, unknown>): Promise<void> {
  try {
    await runTheory({
      experiment,
      options: { generations: argv.generations, trials: argv.trials, seed: argv.seed, workers: argv.workers, ...options },
      schemes: argv.scheme,
      json: argv.json,
      plot: argv.plot,
      plotMetric: argv['plot-metric'],
      logY: argv['log-y'],
      stdout: process.stdout,
      stderr: process.stderr,
    } as TheoryRunOptions);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
