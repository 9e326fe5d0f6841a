/** The survey's VAE-on-MNIST experiment: npx tsx scripts/vae-mnist.ts --help */
import { loadMnist } from '../lib/index.ts';
import { main, modelFactory } from './cli.ts';

await main({
  family: 'vae',
  dataset: 'mnist',
  load: async (f) => ({ ...(await loadMnist({ trainSize: f.trainSize, testSize: f.testSize })), config: { dataset: 'mnist' } }),
  model: (f, shape) => modelFactory('vae', f, shape),
});
