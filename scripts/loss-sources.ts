/**
 * The survey's open question (section 4.2): why does the training loss fall under accumulate?
 * Runs the VAE and the autoencoder under replace and accumulate with each synthetic-image form
 * (LOSS_SOURCE_ARMS, one experiment folder each, resumable), then prints the training loss per
 * generation beside its real and synthetic sources. npx tsx scripts/loss-sources.ts --help
 */
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { armName, BACKEND_CHOICES, entropyFloor, formatEntropyFloors, formatSourceLosses, formatTrainLossTrend, loadMnist, loadSynthetic, LOSS_SOURCE_ARMS, LOSS_SOURCE_SCHEMES, lossSourceRun, OptionError, readRun, runExperiment, watchWrappers } from '../lib/index.ts';
import type { EntropyFloors, LossSourceRun } from '../lib/index.ts';
import { experimentOptions, flagName, parseExperimentArgs } from './cli.ts';
import { EXPERIMENTS } from './experiments.ts';

const ARM_NAMES = LOSS_SOURCE_ARMS.map(armName);
const argv = await yargs(hideBin(process.argv))
  .strict()
  .parserConfiguration({ 'duplicate-arguments-array': false })
  .usage(
    'Usage: npx tsx scripts/loss-sources.ts [flags]\n\n' +
      `Trains the VAE and the autoencoder under ${LOSS_SOURCE_SCHEMES.join(' and ')} with each synthetic-image form, one folder per arm under --out ` +
      '(run again to resume), and prints the training loss beside its real and synthetic parts.',
  )
  .option('arms', { type: 'string', default: ARM_NAMES.join(','), describe: `comma list of ${ARM_NAMES.join(', ')} (default: all)` })
  .option('train-size', { type: 'number', default: 2000, describe: 'real training images (default: 2000)' })
  .option('test-size', { type: 'number', default: 10000, describe: 'real test images (default: 10000)' })
  .option('generations', { type: 'number', default: 4, describe: 'generations (default: 4)' })
  .option('epochs', { type: 'number', default: 5, describe: 'epochs per generation (default: 5)' })
  .option('seed', { type: 'number', default: 0, describe: 'seed (default: 0)' })
  .option('backend', { choices: BACKEND_CHOICES, default: 'auto', describe: 'tfjs backend (default: auto)' })
  .option('out', { type: 'string', default: 'checkpoints/loss-sources', describe: 'output folder, one experiment folder per arm (default: checkpoints/loss-sources)' })
  .option('tables-only', { type: 'boolean', default: false, describe: 'print the tables of the arms already in --out without training (default: false)' })
  .fail((msg, err) => fail(msg ?? err?.message ?? 'Bad flags.'))
  .help()
  .parse();

const arms = String(argv.arms)
  .split(',')
  .map((name) => {
    const arm = LOSS_SOURCE_ARMS.find((a) => armName(a) === name.trim());
    if (!arm) fail(`--arms '${name}' is not an arm; expected a comma list of ${ARM_NAMES.join(', ')}.`);
    return arm!;
  });

const controller = new AbortController();
process.on('SIGINT', () => controller.abort(Object.assign(new Error('Stopped by SIGINT.'), { name: 'AbortError' })));
process.on('SIGTERM', () => controller.abort(Object.assign(new Error('Stopped by SIGTERM.'), { name: 'AbortError' })));
// A signal sent to the npx / tsx wrapper alone never reaches this process: its end stops the run the same way.
watchWrappers((w) => controller.abort(Object.assign(new Error(`Stopped by the end of ${w.name}.`), { name: 'AbortError' })));

try {
  for (const arm of arms) {
    if (argv['tables-only']) break;
    const spec = EXPERIMENTS[`${arm.family}-mnist`];
    // The arm is the MNIST CLI with these flags (--resume: a finished arm is only read back).
    const cliArgs = ['--scheme', LOSS_SOURCE_SCHEMES.join(','), '--sampling', arm.sampling, '--train-size', String(argv['train-size']), '--test-size', String(argv['test-size']),
      '--generations', String(argv.generations), '--epochs', String(argv.epochs), '--seed', String(argv.seed), '--backend', String(argv.backend), '--no-metrics',
      '--out', join(argv.out, armName(arm)), '--resume'];
    process.stderr.write(`\n== ${armName(arm)}: ${arm.family.toUpperCase()}, synthetic images as ${arm.form} (scripts/${spec.name}.ts ${cliArgs.join(' ')})\n`);
    const { raw, flags } = await parseExperimentArgs(spec, cliArgs);
    await runExperiment({ ...(await experimentOptions(spec, cliArgs, flags, raw)), signal: controller.signal });
  }
  const real = entropyFloor((await loadMnist({ trainSize: argv['train-size'], testSize: 1 })).train);
  const runs: LossSourceRun[] = [];
  const floors: EntropyFloors[] = [];
  for (const arm of arms) {
    for (const scheme of LOSS_SOURCE_SCHEMES) {
      const data = await readRun(join(argv.out, armName(arm), scheme));
      const run = lossSourceRun(data);
      runs.push(run);
      const samples: number[] = [];
      for (const { generation } of data.generations) samples.push(entropyFloor(await loadSynthetic(data, generation)));
      floors.push({ run, real, samples });
    }
  }
  process.stdout.write(
    `\nTraining loss per generation (nats per image):\n\n${formatTrainLossTrend(runs)}` +
      `\nIts two sources, measured after training on up to 2000 images of each part:\n\n${formatSourceLosses(runs)}` +
      `\nThe floor of the reconstruction loss on each kind of image (sum of the pixels' binary entropies, first 2000 images):\n\n${formatEntropyFloors(floors)}`,
  );
} catch (err) {
  if ((err as Error).name === 'AbortError') {
    process.stderr.write('Stopped; every complete generation and epoch is saved. Run the same command again to resume.\n');
    process.exit(130);
  }
  fail(err instanceof OptionError ? err.render(flagName) : (err as Error).message);
}

function fail(message: string): never {
  process.stderr.write(`Error: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
}
