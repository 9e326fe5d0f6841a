/**
 * The survey's open question (section 4.2): why does the training loss fall under accumulate?
 * Runs the VAE and the autoencoder under replace and accumulate with each synthetic-image form
 * (LOSS_SOURCE_ARMS, one experiment folder each, resumable), then prints the training loss per
 * generation beside its real and synthetic sources. npx tsx scripts/loss-sources.ts --help
 */
import { join } from 'node:path';
import { hideBin } from 'yargs/helpers';
import yargs from 'yargs';
import { armName, BACKEND_CHOICES, LOSS_SOURCE_ARMS, LOSS_SOURCE_SCHEMES } from '../lib/declaration.ts';
import type { BackendChoice, EntropyFloors, LossSourceRun } from '../lib/index.ts';
import { experimentOptions, parseExperimentArgs } from './cli.ts';
import { EXPERIMENTS } from './experiments.ts';
import { typed } from './flag-numbers.ts';
import { scriptCommand } from './invocation.ts';
import { configOption, exitWithError, flagMessage, flagNames, intOption, listOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const ARM_NAMES = LOSS_SOURCE_ARMS.map(armName);
const DEFAULTS = { arms: ARM_NAMES, 'train-size': 2000, 'test-size': 10000, generations: 4, epochs: 5, seed: 0, backend: 'auto' as BackendChoice, out: 'checkpoints/loss-sources', 'tables-only': false };
const parser = yargs()
  .usage(
    usage(
      'loss-sources',
      `Trains the VAE and the autoencoder under ${LOSS_SOURCE_SCHEMES.join(' and ')} with each synthetic-image form (and warm-started), one folder per arm under --out ` +
        '(run again to resume), and prints the training loss beside its real and synthetic parts.',
    ),
  )
  .option('arms', listOption('arms', { describe: 'the arms to train and tabulate', choices: ARM_NAMES, default: DEFAULTS.arms }))
  .option('train-size', intOption('train-size', { describe: 'real training images', default: DEFAULTS['train-size'], min: 1, max: 60000 }))
  .option('test-size', intOption('test-size', { describe: 'real test images', default: DEFAULTS['test-size'], min: 1, max: 10000 }))
  .option('generations', intOption('generations', { describe: 'generations', default: DEFAULTS.generations, min: 1 }))
  .option('epochs', intOption('epochs', { describe: 'epochs per generation', default: DEFAULTS.epochs, min: 1 }))
  .option('seed', intOption('seed', { describe: 'seed of every random draw', default: DEFAULTS.seed, min: 0 }))
  .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend', DEFAULTS.backend) })
  .option('out', { type: 'string', describe: withDefault('output folder, one experiment folder per arm', DEFAULTS.out) })
  .option('tables-only', { type: 'boolean', describe: withDefault('print the tables of the arms already in --out without training', DEFAULTS['tables-only']) })
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);
// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const { entropyFloor, formatEntropyFloors, formatSourceLosses, formatTrainLossTrend, loadMnist, loadSynthetic, lossSourceRun, readRun, runExperiment, watchWrappers } = await import('../lib/index.ts');
const arms = argv.arms.map((name) => LOSS_SOURCE_ARMS.find((a) => armName(a) === name)!);

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
      ...(arm.init === 'warm' ? ['--warm-start'] : []), '--out', join(argv.out, armName(arm)), '--resume'];
    process.stderr.write(`\n== ${armName(arm)}: ${arm.family.toUpperCase()}, synthetic images as ${arm.form}${arm.init === 'warm' ? ', warm start' : ''} (${scriptCommand(spec.name)} ${cliArgs.map(typed).join(' ')})\n`);
    const { flags } = await parseExperimentArgs(spec, cliArgs);
    await runExperiment({ ...experimentOptions(spec, flags), signal: controller.signal });
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
  exitWithError(flagMessage(err, flagNames(parser)));
}
