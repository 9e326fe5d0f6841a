/**
 * The findings page's Figures 10 and 11 (train and test loss by generation, a line per scheme) and
 * tables, drawn from the committed paper-preset records (docs/data/paper/<model>/<scheme>/records.jsonl).
 * npx tsx scripts/findings-figures.ts --help
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hideBin } from 'yargs/helpers';
import yargs from 'yargs';
import { cliSupport, formatLossRecords, lossCurvesChart, writeChartTo } from '../lib/index.ts';

const { readRecordsFile } = cliSupport;
import type { NamedRecords } from '../lib/index.ts';
import {
  exitWithError,
  flagMessage,
  flagNames,
  intOption,
  listOption,
  parseFlagsOrExit,
  usage,
  withDefault,
  withDefaults,
} from './flags.ts';

const MODEL_TITLES = { vae: 'VAE on MNIST (Figure 10)', ae: 'Autoencoder on MNIST (Figure 11)' } as const;
const SCHEMES = ['replace', 'accumulate'] as const;
const DEFAULTS = {
  model: ['vae', 'ae'],
  data: 'docs/data/paper',
  out: 'docs/figures',
  generations: 7,
  'batch-size': 128,
};
const parser = yargs()
  .usage(
    usage(
      'findings-figures',
      'Draws <out>/paper-<model>-loss.svg (train and test loss by generation) from the committed records and prints their table.',
    ),
  )
  .option('model', listOption('model', { describe: 'models to draw', choices: ['vae', 'ae'], default: DEFAULTS.model }))
  .option('data', {
    type: 'string',
    describe: withDefault('folder of the committed records, <model>/<scheme>/records.jsonl', DEFAULTS.data),
  })
  .option('out', { type: 'string', describe: withDefault('folder of the figures', DEFAULTS.out) })
  .option(
    'generations',
    intOption('generations', {
      describe: 'generations of a finished run (a run with fewer is named partial)',
      default: DEFAULTS.generations,
      min: 1,
    }),
  )
  .option(
    'batch-size',
    intOption('batch-size', {
      describe: 'images per step of the runs (for the steps column)',
      default: DEFAULTS['batch-size'],
      min: 1,
    }),
  )
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);

try {
  for (const model of argv.model as (keyof typeof MODEL_TITLES)[]) {
    const runs: NamedRecords[] = [];
    const partial: string[] = [];
    for (const scheme of SCHEMES) {
      const path = join(argv.data, model, scheme, 'records.jsonl');
      if (!existsSync(path)) continue;
      const records = await readRecordsFile(path);
      if (records.length < argv.generations)
        partial.push(`${scheme}: generations 1-${records.length} of ${argv.generations}`);
      runs.push({ name: scheme, records });
    }
    if (runs.length === 0) {
      process.stderr.write(`${model}: no records under ${join(argv.data, model)}; skipped.\n`);
      continue;
    }
    await mkdir(argv.out, { recursive: true });
    const figure = join(argv.out, `paper-${model}-loss.svg`);
    const title = [MODEL_TITLES[model], ...partial].join('; ');
    await writeChartTo(lossCurvesChart(title, runs), figure);
    process.stdout.write(`\n${title} -> ${figure}\n\n${formatLossRecords(runs, argv['batch-size'])}`);
  }
} catch (err) {
  exitWithError(flagMessage(err, flagNames(parser)));
}
