/** Training throughput, sampling and evaluation time, peak RSS: npx tsx scripts/bench.ts --help */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_CHOICES } from '../lib/declaration.ts';
import type { BackendChoice } from '../lib/index.ts';
import { configOption, intOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const DEFAULTS = { backend: 'auto' as BackendChoice, steps: 200, 'batch-size': 128, 'sample-count': 60000, workarounds: true, json: false };

const parser = yargs()
  .usage(usage('bench', "Measures the default dense VAE and AE (784-400-20) on real MNIST with the library's own fit/evaluate/sample."))
  .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend', DEFAULTS.backend) })
  .option('steps', intOption('steps', { describe: 'timed training steps per model', default: DEFAULTS.steps, min: 1 }))
  .option('batch-size', intOption('batch-size', { describe: 'images per step', default: DEFAULTS['batch-size'], min: 1 }))
  .option('sample-count', intOption('sample-count', { describe: 'images sampled', default: `${DEFAULTS['sample-count']}, one generation`, min: 1 }))
  .option('workarounds', { type: 'boolean', describe: withDefault("apply the library's backend kernel workarounds; --no-workarounds measures without them", DEFAULTS.workarounds) })
  .option('json', { type: 'boolean', describe: withDefault('print one JSON object', DEFAULTS.json) })
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);
// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const { benchModel, createAutoencoder, createVae, describeBackend, initBackend, loadMnist, peakRssMB } = await import('../lib/index.ts');

try {
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
