/** The survey's autoencoder-on-MNIST experiment: npx tsx scripts/ae-mnist.ts --help */
import { loadMnist } from '../lib/index.ts';
import { denseFactory, main } from './cli.ts';

await main({
  family: 'ae',
  dataset: 'mnist',
  load: async (f) => ({ ...(await loadMnist({ trainSize: f.trainSize, testSize: f.testSize })), config: { dataset: 'mnist' } }),
  model: (f, shape) => denseFactory('ae', f, shape),
});
