/**
 * Training throughput, sampling and evaluation time, peak RSS of the VAE, AE and GPT:
 * npx tsx scripts/bench.ts --help
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_CHOICES } from '../lib/declaration.ts';
import type { BackendChoice } from '../lib/index.ts';
import { configOption, intOption, listOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const MODELS = ['vae', 'ae', 'gpt'] as const;
type BenchedModel = (typeof MODELS)[number];

const DEFAULTS = {
  backend: 'auto' as BackendChoice,
  models: [...MODELS] as BenchedModel[],
  threads: 1,
  steps: 200,
  'batch-size': 128,
  'sample-count': 60000,
  'gpt-steps': 50,
  'sample-chars': 20000,
  'uncached-chars': 2000,
  streams: 8,
  workarounds: true,
  profile: false,
  json: false,
};

/** Default and minimum of a GPT size flag. */
const gptSize = (flag: 'sample-chars' | 'uncached-chars' | 'streams') => ({ default: DEFAULTS[flag], min: 1 });

const parser = yargs()
  .usage(
    usage(
      'bench',
      "Measures the default dense VAE and AE (784-400-20) on real MNIST, and the quick preset's GPT " +
        "(2 layers, 4 heads, 64 wide, block 64, batch 32) on Moby Dick, with the library's own fit, evaluation and sampling.",
    ),
  )
  .option('backend', {
    choices: BACKEND_CHOICES as BackendChoice[],
    describe: withDefault('tfjs backend', DEFAULTS.backend),
  })
  .option('models', listOption('models', { describe: 'models to measure', choices: MODELS, default: DEFAULTS.models }))
  .option(
    'threads',
    intOption('threads', {
      describe: "threads of the wasm backend; above 1 also measures the VAE's training on 1 thread for the ratio",
      default: DEFAULTS.threads,
      min: 1,
    }),
  )
  .option(
    'steps',
    intOption('steps', { describe: 'timed training steps of the VAE and of the AE', default: DEFAULTS.steps, min: 1 }),
  )
  .option(
    'batch-size',
    intOption('batch-size', { describe: 'images per step', default: DEFAULTS['batch-size'], min: 1 }),
  )
  .option(
    'sample-count',
    intOption('sample-count', {
      describe: 'images sampled',
      default: `${DEFAULTS['sample-count']}, one generation`,
      min: 1,
    }),
  )
  .option(
    'gpt-steps',
    intOption('gpt-steps', { describe: 'timed training steps of the GPT', default: DEFAULTS['gpt-steps'], min: 1 }),
  )
  .option(
    'sample-chars',
    intOption('sample-chars', {
      describe: 'characters the GPT samples with its key/value cache',
      ...gptSize('sample-chars'),
    }),
  )
  .option(
    'uncached-chars',
    intOption('uncached-chars', { describe: 'characters it samples without the cache', ...gptSize('uncached-chars') }),
  )
  .option(
    'streams',
    intOption('streams', {
      describe: 'texts the GPT samples at once (each runs past the block)',
      ...gptSize('streams'),
    }),
  )
  .option('workarounds', {
    type: 'boolean',
    describe: withDefault(
      "apply the library's backend kernel workarounds; --no-workarounds measures without them",
      DEFAULTS.workarounds,
    ),
  })
  .option('profile', {
    type: 'boolean',
    describe: withDefault(
      "instead of the timings, the VAE's training step kernel by kernel (calls, ms and share per step)",
      DEFAULTS.profile,
    ),
  })
  .option('json', { type: 'boolean', describe: withDefault('print one JSON object', DEFAULTS.json) })
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);
// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const lib = await import('../lib/index.ts');
const { createAutoencoder, createVae, describeBackend, initBackend, loadMnist } = lib;
const { benchGpt, benchModel, benchTraining, formatProfile, peakRssMB, profileTraining } = lib.cliSupport;

try {
  const backend = await initBackend(argv.backend, { workarounds: argv.workarounds, wasmThreads: argv.threads });
  const threads = backend.threads ?? 1;
  const head = {
    backend: backend.name,
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    threads,
    workarounds: argv.workarounds,
  };
  const banner = `backend ${describeBackend(backend)}, ${threads} thread${threads > 1 ? 's' : ''}, workarounds ${argv.workarounds ? 'on' : 'off'}`;
  const images = { steps: argv.steps, batchSize: argv['batch-size'] };
  if (argv.profile) {
    const { train } = await loadMnist();
    const profile = await profileTraining({ model: createVae({ seed: 1 }), train, ...images });
    process.stdout.write(
      argv.json ? JSON.stringify({ ...head, profile }) + '\n' : `${banner}\n${formatProfile(profile)}\n`,
    );
  } else {
    const wanted = new Set(argv.models);
    const mnist = wanted.has('vae') || wanted.has('ae') ? await loadMnist() : undefined;
    const common = mnist && { ...mnist, ...images, sampleCount: argv['sample-count'] };
    const vae =
      common && wanted.has('vae')
        ? await benchModel({ ...common, model: (i) => createVae({ seed: i.seed }) })
        : undefined;
    const ae =
      common && wanted.has('ae')
        ? await benchModel({ ...common, model: (i) => createAutoencoder({ seed: i.seed }) })
        : undefined;
    const gptSizes = {
      steps: argv['gpt-steps'],
      sampleChars: argv['sample-chars'],
      uncachedChars: argv['uncached-chars'],
      streams: argv.streams,
    };
    const gpt = wanted.has('gpt') ? await benchGpt(gptSizes) : undefined;
    // With threads, the VAE's training once more on one thread, right after, for the ratio.
    let oneThread: number | undefined;
    if (vae && mnist && threads > 1) {
      await initBackend(argv.backend, { workarounds: argv.workarounds, wasmThreads: 1 });
      oneThread = (await benchTraining({ model: createVae({ seed: 1 }), train: mnist.train, ...images }))
        .imagesPerSecond;
    }
    const ratio =
      vae && oneThread
        ? { vaeOneThreadImagesPerSecond: oneThread, threadRatio: vae.imagesPerSecond / oneThread }
        : undefined;
    const result = {
      ...head,
      ...(vae && { vae }),
      ...(ae && { ae }),
      ...(gpt && { gpt }),
      ...ratio,
      peakRssMB: peakRssMB(),
    };
    if (argv.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
    } else {
      const f = (v: number) => v.toFixed(0).padStart(8);
      const row = (n: string, b: NonNullable<typeof vae>) =>
        `${n.padEnd(4)} ${f(b.imagesPerSecond)} images/s   sample ${argv['sample-count']}: ${b.sampleSeconds.toFixed(2)} s   ` +
        `evaluate 10000: ${b.evalSeconds.toFixed(2)} s`;
      const gptRow = (g: NonNullable<typeof gpt>) =>
        `gpt  ${f(g.trainCharsPerSecond)} chars/s    sample ${argv['sample-chars']}: ${g.sampleCharsPerSecond.toFixed(0)} chars/s ` +
        `with the key/value cache, ${argv['uncached-chars']}: ${g.uncachedSampleCharsPerSecond.toFixed(0)} chars/s without ` +
        `(${g.streams} streams)`;
      const lines = [
        banner,
        vae && row('vae', vae),
        ae && row('ae', ae),
        gpt && gptRow(gpt),
        ratio &&
          `vae on 1 thread ${ratio.vaeOneThreadImagesPerSecond.toFixed(0)} images/s: ${threads} threads are ${ratio.threadRatio.toFixed(2)}x`,
        `peak RSS ${result.peakRssMB} MB`,
      ];
      process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
    }
  }
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
