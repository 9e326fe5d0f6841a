/** The survey's autoencoder-on-MNIST experiment: npx tsx scripts/ae-mnist.ts --help */
import { main } from './cli.ts';
import { EXPERIMENTS } from './experiments.ts';

await main(EXPERIMENTS['ae-mnist']);
