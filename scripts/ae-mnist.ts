/** The survey's autoencoder-on-MNIST experiment: npx tsx scripts/ae-mnist.ts --help */
import { loadMnist } from '../lib/index.ts';
import { main, modelFactory } from './cli.ts';

await main({
  family: 'ae',
  dataset: 'mnist',
  load: async (f) => ({ ...(await loadMnist({ trainSize: f.trainSize, testSize: f.testSize })), config: { dataset: 'mnist' } }),
  model: (f, shape) => modelFactory('ae', f, shape),
});
