/** The run report: npx tsx scripts/report.ts <run dir> [<run dir> ...] (see --help) */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { OptionError, writeReport } from '../lib/index.ts';

const argv = await yargs(hideBin(process.argv))
  .strict()
  .usage(
    'Usage: npx tsx scripts/report.ts <run dir> [<run dir> ...] [flags]\n\n' +
      'Writes report.html (config, records, digit grids, curves) for one or more runs, side by side. ' +
      'A folder without run.json stands for the runs inside it (e.g. an experiment\'s --out).',
  )
  .command('$0 <runs..>', false, (y) => y.positional('runs', { type: 'string', array: true, describe: 'run directories' }))
  .option('out', { type: 'string', describe: 'path of the page (default: <run>/report.html for one run, else report.html in the runs\' common folder)' })
  .option('title', { type: 'string', describe: 'page title (default: collapse-lab report)' })
  .option('curves', { type: 'boolean', default: true, describe: 'draw the curves; --no-curves skips them (default: true)' })
  .fail((msg, err) => {
    process.stderr.write(`Error: ${msg ?? err?.message}\n`);
    process.exit(1);
  })
  .help()
  .parse();

try {
  // A repeated flag takes its last value (as in the other scripts); the run list is the only array.
  const last = <T>(v: T | T[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);
  const result = await writeReport({ runs: argv.runs as string[], out: last(argv.out), title: last(argv.title), curves: last(argv.curves) });
  process.stdout.write(`${result.path}\n`);
  process.stderr.write(`Report of ${result.runs.length} run${result.runs.length === 1 ? '' : 's'} (${result.runs.map((r) => `${r.label}: ${r.records.length} generations`).join('; ')}); ${result.files.length - 1} pictures beside it.\n`);
} catch (err) {
  // The library names its options (out); this script's flags have the same names.
  const message = err instanceof OptionError ? err.render((option) => `--${option}`) : (err as Error).message;
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}
