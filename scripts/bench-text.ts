/** GPT throughput on Moby Dick (training and sampling characters/s): npx tsx scripts/bench-text.ts --help */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKEND_CHOICES } from '../lib/declaration.ts';
import type { BackendChoice } from '../lib/index.ts';
import { configOption, intOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const DEFAULTS = { backend: 'auto' as BackendChoice, steps: 50, 'batch-size': 32, 'sample-chars': 20000, 'uncached-chars': 2000, streams: 8, json: false };

const parser = yargs()
  .usage(usage('bench-text', "Measures the quick preset's GPT (2 layers, 4 heads, 64 wide, block 64) on Moby Dick with the library's own fit and sampling."))
  .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend', DEFAULTS.backend) })
  .option('steps', intOption('steps', { describe: 'timed training steps', default: DEFAULTS.steps, min: 1 }))
  .option('batch-size', intOption('batch-size', { describe: 'windows per step', default: DEFAULTS['batch-size'], min: 1 }))
  .option('sample-chars', intOption('sample-chars', { describe: 'characters sampled with the key/value cache', default: DEFAULTS['sample-chars'], min: 1 }))
  .option('uncached-chars', intOption('uncached-chars', { describe: 'characters sampled without it', default: DEFAULTS['uncached-chars'], min: 1 }))
  .option('streams', intOption('streams', { describe: 'texts sampled at once (each runs past the block, where the cache matters)', default: DEFAULTS.streams, min: 1 }))
  .option('json', { type: 'boolean', describe: withDefault('print one JSON object', DEFAULTS.json) })
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);

// The library (and tfjs) loads only now that the flags are read: --help stays fast.
const { benchGpt, describeBackend, initBackend, peakRssMB } = await import('../lib/index.ts');

try {
  const backend = await initBackend(argv.backend);
  const gpt = await benchGpt({ steps: argv.steps, batchSize: argv['batch-size'], sampleChars: argv['sample-chars'], uncachedChars: argv['uncached-chars'], streams: argv.streams });
  const result = { backend: backend.name, gpt, peakRssMB: peakRssMB() };
  if (argv.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    const f = (v: number) => v.toFixed(0).padStart(8);
    process.stdout.write(
      `backend ${describeBackend(backend)}\ngpt (${gpt.params} parameters, block ${gpt.block})\n` +
        `  train          ${f(gpt.trainCharsPerSecond)} chars/s\n` +
        `  sample, cache  ${f(gpt.sampleCharsPerSecond)} chars/s (${gpt.streams} streams)\n` +
        `  sample, none   ${f(gpt.uncachedSampleCharsPerSecond)} chars/s\n` +
        `peak RSS ${result.peakRssMB} MB\n`,
    );
  }
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
