/**
 * A slow check, not a unit test: reruns generation 1 of the committed paper-preset records
 * (docs/data/paper/<model>/<scheme>/records.jsonl, the data of docs/findings.md) and compares
 * it with them field by field. npx tsx scripts/check-findings.ts --help
 */
import { join } from 'node:path';
import { hideBin } from 'yargs/helpers';
import yargs from 'yargs';
import { BACKEND_CHOICES, compareRecords, formatRecordChecks, readRecordsFile, readRun, runExperiment } from '../lib/index.ts';
import type { BackendChoice } from '../lib/index.ts';
import { experimentOptions, parseExperimentArgs } from './cli.ts';
import { EXPERIMENTS } from './experiments.ts';
import { typed } from './flag-numbers.ts';
import { scriptCommand } from './invocation.ts';
import { exitWithError, flagMessage, flagNames, intOption, listOption, numberOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const DEFAULTS = { model: ['vae', 'ae'], scheme: 'replace', data: 'docs/data/paper', out: 'checkpoints/check-findings', seed: 0, tolerance: 0, backend: 'auto' };
const parser = yargs()
  .usage(usage('check-findings', 'Reruns generation 1 of the paper preset per model and compares it with the committed records (minutes to hours: 10 epochs on 60,000 images).'))
  .option('model', listOption('model', { describe: 'models to check', choices: ['vae', 'ae'], default: DEFAULTS.model }))
  .option('scheme', { choices: ['replace', 'accumulate'], describe: withDefault("the committed run whose generation 1 is compared (both schemes' are the same training)", DEFAULTS.scheme) })
  .option('data', { type: 'string', describe: withDefault('folder of the committed records, <model>/<scheme>/records.jsonl', DEFAULTS.data) })
  .option('out', { type: 'string', describe: withDefault('where the rerun is written (resumable)', DEFAULTS.out) })
  .option('seed', intOption('seed', { describe: 'seed of the committed run', default: DEFAULTS.seed, min: 0 }))
  .option('tolerance', numberOption('tolerance', { describe: 'largest relative difference allowed (0: bit-identical, what the same backend gives)', default: DEFAULTS.tolerance, min: 0 }))
  .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend of the rerun (use the committed run\'s for a bit-identical check)', DEFAULTS.backend) })
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);

try {
  let failed = 0;
  for (const model of argv.model as ('vae' | 'ae')[]) {
    const committedPath = join(argv.data, model, argv.scheme, 'records.jsonl');
    const committed = (await readRecordsFile(committedPath)).find((r) => r.generation === 1);
    if (!committed) throw new Error(`${committedPath} has no record of generation 1; expected the committed paper-preset run.`);
    const spec = EXPERIMENTS[`${model}-mnist`];
    const out = join(argv.out, model);
    const cliArgs = ['--preset', 'paper', '--scheme', argv.scheme, '--generations', '1', '--seed', String(argv.seed), '--backend', String(argv.backend), '--out', out, '--resume'];
    process.stderr.write(`\n== ${model}: ${scriptCommand(spec.name)} ${cliArgs.map(typed).join(' ')}\n`);
    const { flags } = await parseExperimentArgs(spec, cliArgs);
    await runExperiment(experimentOptions(spec, flags));
    const rerun = (await readRun(join(out, argv.scheme))).records[0] as unknown as Record<string, unknown>;
    const checks = compareRecords(committed, rerun, argv.tolerance);
    const bad = checks.filter((c) => !c.ok).length;
    failed += bad;
    process.stdout.write(`\n${model.toUpperCase()} generation 1 (${committedPath}):\n\n${formatRecordChecks(checks)}`);
  }
  if (failed > 0) {
    process.stdout.write(`\n${failed} field(s) differ beyond --tolerance ${argv.tolerance}.\n`);
    process.exit(1);
  }
  process.stdout.write('\nEvery checked field matches.\n');
} catch (err) {
  exitWithError(flagMessage(err, flagNames(parser)));
}
