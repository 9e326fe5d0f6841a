/** Tidy CSVs of runs: npx tsx scripts/export.ts <run or experiment dir> [...] --csv (see --help) */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exitWithError, flagMessage, flagNames, parseFlagsOrExit, usage, withDefault } from './flags.ts';

const parser = yargs()
  .usage(
    usage(
      'export',
      'Writes generations.csv (one row per generation of every run, wall-clock fields joined in) and steps.csv ' +
        "(one row per logged training step). A folder without run.json stands for the runs inside it (e.g. an experiment's --out).",
      '<run dir> [<run dir> ...] --csv',
    ),
  )
  .option('csv', { type: 'boolean', describe: 'write CSV files (the one format export writes; required)' })
  .option('out', { type: 'string', describe: withDefault('folder for the CSVs', "the folder given, else the runs' common folder") })
  .help();
const argv = await parseFlagsOrExit(parser, hideBin(process.argv), { operands: { name: 'runs', min: 1, describe: 'run directory' } });
if (argv.csv !== true) exitWithError('No format given; expected --csv (export writes generations.csv and steps.csv).');

// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const { exportCsv } = await import('../lib/index.ts');

try {
  const runs = (argv as { runs?: string[] }).runs ?? [];
  const result = await exportCsv({ runs, out: argv.out });
  process.stdout.write(`${result.generations}\n${result.steps}\n`);
  process.stderr.write(`${result.rows} generation rows of ${result.runs} run${result.runs === 1 ? '' : 's'}.\n`);
} catch (err) {
  exitWithError(flagMessage(err, flagNames(parser)));
}
