/** Training throughput, sampling and evaluation time, peak RSS: npx tsx scripts/bench.ts --help */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_CHOICES, benchModel, createAutoencoder, createVae, describeBackend, formatProfile, initBackend, loadMnist, peakRssMB, profileTraining } from '../lib/index.ts';
import type { BackendChoice } from '../lib/index.ts';
import { configOption, intOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const DEFAULTS = { backend: 'auto' as BackendChoice, steps: 200, 'batch-size': 128, 'sample-count': 60000, workarounds: true, profile: false, json: false };

const parser = yargs()
  .usage(usage('bench', "Measures the default dense VAE and AE (784-400-20) on real MNIST with the library's own fit/evaluate/sample."))
  .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend', DEFAULTS.backend) })
  .option('steps', intOption('steps', { describe: 'timed training steps per model', default: DEFAULTS.steps, min: 1 }))
  .option('batch-size', intOption('batch-size', { describe: 'images per step', default: DEFAULTS['batch-size'], min: 1 }))
  .option('sample-count', intOption('sample-count', { describe: 'images sampled', default: `${DEFAULTS['sample-count']}, one generation`, min: 1 }))
  .option('workarounds', { type: 'boolean', describe: withDefault("apply the library's backend kernel workarounds; --no-workarounds measures without them", DEFAULTS.workarounds) })
  .option('profile', { type: 'boolean', describe: withDefault("instead of the timings, the VAE's training step kernel by kernel (calls, ms and share per step)", DEFAULTS.profile) })
  .option('json', { type: 'boolean', describe: withDefault('print one JSON object', DEFAULTS.json) })
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);

try {
  const backend = await initBackend(argv.backend, { workarounds: argv.workarounds });
  const { train, test } = await loadMnist();
  if (argv.profile) {
    const profile = await profileTraining({ model: createVae({ seed: 1 }), train, steps: argv.steps, batchSize: argv['batch-size'] });
    const head = { backend: backend.name, workarounds: argv.workarounds };
    process.stdout.write(argv.json ? JSON.stringify({ ...head, profile }) + '\n' : `backend ${describeBackend(backend)}, workarounds ${argv.workarounds ? 'on' : 'off'}\n${formatProfile(profile)}\n`);
    process.exit(0);
  }
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
