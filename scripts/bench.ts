/** Training throughput, sampling and evaluation time, peak RSS: npx tsx scripts/bench.ts --help */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_CHOICES } from '../lib/declaration.ts';
import type { BackendChoice } from '../lib/index.ts';
import { configOption, intOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const DEFAULTS = { backend: 'auto' as BackendChoice, threads: 1, steps: 200, 'batch-size': 128, 'sample-count': 60000, workarounds: true, profile: false, json: false };

const parser = yargs()
  .usage(usage('bench', "Measures the default dense VAE and AE (784-400-20) on real MNIST with the library's own fit/evaluate/sample."))
  .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend', DEFAULTS.backend) })
  .option('threads', intOption('threads', { describe: "threads of the wasm backend; above 1 also measures the VAE's training on 1 thread for the ratio", default: DEFAULTS.threads, min: 1 }))
  .option('steps', intOption('steps', { describe: 'timed training steps per model', default: DEFAULTS.steps, min: 1 }))
  .option('batch-size', intOption('batch-size', { describe: 'images per step', default: DEFAULTS['batch-size'], min: 1 }))
  .option('sample-count', intOption('sample-count', { describe: 'images sampled', default: `${DEFAULTS['sample-count']}, one generation`, min: 1 }))
  .option('workarounds', { type: 'boolean', describe: withDefault("apply the library's backend kernel workarounds; --no-workarounds measures without them", DEFAULTS.workarounds) })
  .option('profile', { type: 'boolean', describe: withDefault("instead of the timings, the VAE's training step kernel by kernel (calls, ms and share per step)", DEFAULTS.profile) })
  .option('json', { type: 'boolean', describe: withDefault('print one JSON object', DEFAULTS.json) })
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);
// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const { benchModel, benchTraining, createAutoencoder, createVae, describeBackend, formatProfile, initBackend, loadMnist, peakRssMB, profileTraining } =
  await import('../lib/index.ts');

try {
  const backend = await initBackend(argv.backend, { workarounds: argv.workarounds, wasmThreads: argv.threads });
  const { train, test } = await loadMnist();
  const head = { backend: backend.name, ...(backend.adapter ? { adapter: backend.adapter } : {}), threads: backend.threads ?? 1, workarounds: argv.workarounds };
  const banner = `backend ${describeBackend(backend)}, ${head.threads} thread${head.threads > 1 ? 's' : ''}, workarounds ${argv.workarounds ? 'on' : 'off'}`;
  if (argv.profile) {
    const profile = await profileTraining({ model: createVae({ seed: 1 }), train, steps: argv.steps, batchSize: argv['batch-size'] });
    process.stdout.write(argv.json ? JSON.stringify({ ...head, profile }) + '\n' : `${banner}\n${formatProfile(profile)}\n`);
  } else {
    const common = { train, test, steps: argv.steps, batchSize: argv['batch-size'], sampleCount: argv['sample-count'] };
    const vae = await benchModel({ ...common, model: (i) => createVae({ seed: i.seed }) });
    const ae = await benchModel({ ...common, model: (i) => createAutoencoder({ seed: i.seed }) });
    // With threads, the VAE's training once more on one thread, right after, for the ratio.
    let oneThread: number | undefined;
    if (head.threads > 1) {
      await initBackend(argv.backend, { workarounds: argv.workarounds, wasmThreads: 1 });
      oneThread = (await benchTraining({ model: createVae({ seed: 1 }), train, steps: argv.steps, batchSize: argv['batch-size'] })).imagesPerSecond;
    }
    const threadRatio = oneThread ? { vaeOneThreadImagesPerSecond: oneThread, threadRatio: vae.imagesPerSecond / oneThread } : {};
    const result = { ...head, vae, ae, ...threadRatio, peakRssMB: peakRssMB() };
    if (argv.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
    } else {
      const row = (n: string, b: typeof vae) => `${n.padEnd(4)} ${b.imagesPerSecond.toFixed(0).padStart(8)} images/s   sample ${argv['sample-count']}: ${b.sampleSeconds.toFixed(2)} s   evaluate 10000: ${b.evalSeconds.toFixed(2)} s`;
      const ratio = oneThread ? `vae on 1 thread ${oneThread.toFixed(0)} images/s: ${head.threads} threads are ${(vae.imagesPerSecond / oneThread).toFixed(2)}x\n` : '';
      process.stdout.write(`${banner}\n${row('vae', vae)}\n${row('ae', ae)}\n${ratio}peak RSS ${result.peakRssMB} MB\n`);
    }
  }
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
