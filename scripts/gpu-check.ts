/** Which backends work here, the WebGPU adapter, and a short training run on each: npx tsx scripts/gpu-check.ts --help */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_ROUTES, formatGpuCheck, gpuCheck, loadMnist } from '../lib/index.ts';
import type { BackendRoute } from '../lib/index.ts';

const argv = await yargs(hideBin(process.argv))
  .strict()
  .parserConfiguration({ 'duplicate-arguments-array': false })
  .usage('Usage: npx tsx scripts/gpu-check.ts [flags]\n\nLists every backend (usable or why not) and the WebGPU adapter, then trains the dense VAE\nfor a few steps on each usable backend: images/s and the loss beside wasm\'s.')
  .option('steps', { type: 'number', default: 100, describe: 'Adam steps of 128 images on each usable backend (default: 100)' })
  .option('train-on', { type: 'string', describe: `comma list of backends to train on, from ${BACKEND_ROUTES.join(', ')} (default: every usable one)` })
  .fail((msg, err) => {
    process.stderr.write(`Error: ${msg ?? err?.message}\n`);
    process.exit(1);
  })
  .parse();

try {
  if (!(Number.isInteger(argv.steps) && argv.steps >= 2)) throw new Error(`--steps ${argv.steps} is not valid; expected an integer of at least 2.`);
  const trainOn = argv['train-on']?.split(',').map((s) => s.trim()) as BackendRoute[] | undefined;
  const unknown = trainOn?.find((r) => !BACKEND_ROUTES.includes(r));
  if (unknown !== undefined) throw new Error(`--train-on '${unknown}' is not a backend; expected a comma list of ${BACKEND_ROUTES.join(', ')}.`);
  const { train } = await loadMnist({ trainSize: argv.steps * 128, testSize: 1 });
  const result = await gpuCheck({ train, steps: argv.steps, trainOn, log: (line) => process.stderr.write(line + '\n') });
  process.stdout.write(formatGpuCheck(result) + '\n');
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
