/** The run report: npx tsx scripts/report.ts <run dir> [<run dir> ...] (see --help) */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { configOption, exitWithError, flagMessage, flagNames, parseFlagsOrExit, usage, withDefault } from './flags.ts';

const parser = yargs()
  .usage(
    usage(
      'report',
      'Writes report.html (config, records, digit grids, curves) for one or more runs, side by side. ' +
        "A folder without run.json stands for the runs inside it (e.g. an experiment's --out).",
      '<run dir> [<run dir> ...]',
    ),
  )
  .option('out', { type: 'string', describe: withDefault('path of the page', "<run>/report.html for one run, else report.html in the runs' common folder") })
  .option('title', { type: 'string', describe: withDefault('page title', 'collapse-lab report') })
  .option('curves', { type: 'boolean', describe: withDefault('draw the curves; --no-curves skips them', true) })
  .option('config', configOption())
  .help();
const argv = await parseFlagsOrExit(parser, hideBin(process.argv), { operands: { name: 'runs', min: 1, describe: 'run directory' } });
// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const { writeReport } = await import('../lib/index.ts');

try {
  const runs = (argv as { runs?: string[] }).runs ?? [];
  const result = await writeReport({ runs, out: argv.out, title: argv.title, curves: argv.curves ?? true });
  process.stdout.write(`${result.path}\n`);
  process.stderr.write(`Report of ${result.runs.length} run${result.runs.length === 1 ? '' : 's'} (${result.runs.map((r) => `${r.label}: ${r.records.length} generations`).join('; ')}); ${result.files.length - 1} pictures beside it.\n`);
} catch (err) {
  exitWithError(flagMessage(err, flagNames(parser)));
}
