/** Which backends work here, the WebGPU adapter, and a short training run on each: npx tsx scripts/gpu-check.ts --help */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_ROUTES } from '../lib/declaration.ts';
import type { BackendRoute } from '../lib/index.ts';
import { configOption, exitWithError, flagMessage, flagNames, intOption, listOption, parseFlagsOrExit, usage, withDefaults } from './flags.ts';

const DEFAULTS = { steps: 100 };
const parser = yargs()
  .usage(
    usage(
      'gpu-check',
      "Lists every backend (usable or why not) and the WebGPU adapter, then trains the dense VAE for a few steps on each usable backend: images/s and the loss beside wasm's.",
    ),
  )
  // At least 2: the first step compiles the kernels and is not timed.
  .option('steps', intOption('steps', { describe: 'Adam steps of 128 images on each usable backend', default: DEFAULTS.steps, min: 2, max: 468 }))
  .option('train-on', listOption('train-on', { describe: 'backends to train on (default: every usable one)', choices: BACKEND_ROUTES }))
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);
// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const { formatGpuCheck, gpuCheck, loadMnist } = await import('../lib/index.ts');

try {
  const trainOn = argv['train-on'] as BackendRoute[] | undefined;
  const { train } = await loadMnist({ trainSize: argv.steps * 128, testSize: 1 });
  const result = await gpuCheck({ train, steps: argv.steps, trainOn, log: (line) => process.stderr.write(line + '\n') });
  process.stdout.write(formatGpuCheck(result) + '\n');
} catch (err) {
  exitWithError(flagMessage(err, flagNames(parser)));
}
