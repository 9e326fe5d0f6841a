/**
 * The CLI every theory script (gaussian, regression, logistic) is: one flag per simulator option,
 * taken from the simulator's own fields (so --help shows that simulator's defaults), plus the run
 * flags, parsed under scripts/flags.ts's convention, then one call to runTheory.
 */
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_PLOT, FIGURE_6, THEORY_METRICS, THEORY_SCHEMES, THEORY_SIMULATORS } from '../lib/declaration.ts';
import type { TheoryExperimentName, TheoryField, TheoryRunOptions, TheoryScheme } from '../lib/index.ts';
import { configOption, exitWithError, flagMessage, flagNames, intOption, kebab, listOption, numberListOption, numberOption, parseFlagsOrExit, usage, withDefault } from './flags.ts';

/** How --help shows a field's default. */
function defaultText(field: TheoryField<unknown>): string {
  return field.defaultHelp ?? String(field.default);
}

/** The parser of one theory script: its simulator's options, then the run flags. */
export function theoryParser(name: TheoryExperimentName, summary: string, args: readonly string[]): Argv<Record<string, unknown>> {
  const sim = THEORY_SIMULATORS[name];
  let y = yargs([...args]).usage(usage(name, summary)).help() as Argv<Record<string, unknown>>;
  for (const [key, f] of Object.entries(sim.fields as Record<string, TheoryField<unknown>>)) {
    const flag = kebab(key);
    if (key === 'scheme') {
      // The CLI runs several schemes side by side; the simulator takes one.
      y = y.option('scheme', listOption('scheme', { describe: 'schemes to simulate', choices: THEORY_SCHEMES, default: THEORY_SCHEMES }));
    } else if (f.kind === 'vector') {
      y = y.option(flag, numberListOption(flag, { describe: f.help, default: defaultText(f) }));
    } else if (f.kind === 'choice') {
      y = y.option(flag, { type: 'string', choices: f.choices, describe: withDefault(f.help, defaultText(f)) });
    } else {
      // The simulator checks the range (its sentence names the flag); the flag checks the text is a plain number.
      const o = { describe: f.help, default: defaultText(f) };
      y = y.option(flag, f.kind === 'integer' ? intOption(flag, o) : numberOption(flag, o));
    }
  }
  return y
    .option('workers', intOption('workers', { describe: 'worker threads; 1 runs in the main thread; results do not depend on it', default: 'the number of cores, at most one per 64 trials', min: 1 }))
    .option('json', { type: 'boolean', describe: withDefault('print one JSON object per scheme instead of the table', false) })
    .option('plot', { type: 'string', describe: 'write the figure to this .png, .svg or .pdf file' })
    .option(
      'plot-metric',
      listOption('plot-metric', {
        describe: `the figure's panels, each with its own y axis (${FIGURE_6}: the survey's Figure 6a and 6b)`,
        choices: [FIGURE_6, ...THEORY_METRICS[name]],
        default: DEFAULT_PLOT[name],
      }),
    )
    .option('log-y', { type: 'boolean', describe: withDefault('logarithmic y axes in the figure', false) })
    .option('config', configOption());
}

/** Runs one theory script: parse, simulate, print, plot; bad input ends the process with one sentence. */
export async function theoryMain(name: TheoryExperimentName, summary: string, argv: readonly string[] = process.argv): Promise<void> {
  const args = hideBin([...argv]);
  const parser = theoryParser(name, summary, args);
  const flags = await parseFlagsOrExit(parser, args);
  // The library loads only now that the flags are read: --help stays fast.
  const { runTheory } = await import('../lib/index.ts');
  // Absent flags stay undefined, so the simulator applies its own defaults (the ones --help shows).
  const options: Record<string, unknown> = { workers: flags.workers };
  for (const key of Object.keys(THEORY_SIMULATORS[name].fields)) if (key !== 'scheme') options[key] = flags[kebab(key)];
  try {
    await runTheory({
      experiment: name,
      options,
      schemes: (flags.scheme as TheoryScheme[] | undefined) ?? THEORY_SCHEMES,
      json: flags.json === true,
      plot: flags.plot as string | undefined,
      plotMetric: flags['plot-metric'],
      logY: flags['log-y'] === true,
      stdout: process.stdout,
      stderr: process.stderr,
    } as TheoryRunOptions);
  } catch (err) {
    exitWithError(flagMessage(err, flagNames(parser)));
  }
}
