/** Training throughput, sampling and evaluation time, peak RSS: npx tsx scripts/bench.ts --help */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_CHOICES, benchModel, createAutoencoder, createVae, describeBackend, initBackend, loadMnist, peakRssMB } from '../lib/index.ts';
import type { BackendChoice } from '../lib/index.ts';

const argv = await yargs(hideBin(process.argv))
  .strict()
  .parserConfiguration({ 'duplicate-arguments-array': false })
  .usage('Usage: npx tsx scripts/bench.ts [flags]\n\nMeasures the default dense VAE and AE (784-400-20) on real MNIST with the library\'s own fit/evaluate/sample.')
  .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], default: 'auto' as BackendChoice, describe: 'tfjs backend (default: auto)' })
  .option('steps', { type: 'number', default: 200, describe: 'timed training steps per model (default: 200)' })
  .option('batch-size', { type: 'number', default: 128, describe: 'images per step (default: 128)' })
  .option('sample-count', { type: 'number', default: 60000, describe: 'images sampled (default: 60000, one generation)' })
  .option('workarounds', { type: 'boolean', default: true, describe: "apply the library's backend kernel workarounds; --no-workarounds measures without them (default: true)" })
  .option('json', { type: 'boolean', default: false, describe: 'print one JSON object (default: false)' })
  .fail((msg, err) => {
    process.stderr.write(`Error: ${msg ?? err?.message}\n`);
    process.exit(1);
  })
  .parse();

try {
  for (const [name, v] of [['--steps', argv.steps], ['--batch-size', argv['batch-size']], ['--sample-count', argv['sample-count']]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`${name} ${v} is not valid; expected a positive integer.`);
  }
  const backend = await initBackend(argv.backend, { workarounds: argv.workarounds });
  const { train, test } = await loadMnist();
  const common = { train, test, steps: argv.steps, batchSize: argv['batch-size'], sampleCount: argv['sample-count'] };
  const vae = await benchModel({ ...common, model: (i) => createVae({ seed: i.seed }) });
  const ae = await benchModel({ ...common, model: (i) => createAutoencoder({ seed: i.seed }) });
  const result = { backend: backend.name, ...(backend.adapter ? { adapter: backend.adapter } : {}), workarounds: argv.workarounds, vae, ae, peakRssMB: peakRssMB() };
  if (argv.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    const row = (n: string, b: typeof vae) => `${n.padEnd(4)} ${b.imagesPerSecond.toFixed(0).padStart(8)} images/s   sample ${argv['sample-count']}: ${b.sampleSeconds.toFixed(2)} s   evaluate 10000: ${b.evalSeconds.toFixed(2)} s`;
    process.stdout.write(`backend ${describeBackend(backend)}\n${row('vae', vae)}\n${row('ae', ae)}\npeak RSS ${result.peakRssMB} MB\n`);
  }
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
