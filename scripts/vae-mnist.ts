/** The survey's VAE-on-MNIST experiment: npx tsx scripts/vae-mnist.ts --help */
import { main } from './cli.ts';
import { EXPERIMENTS } from './experiments.ts';

await main(EXPERIMENTS['vae-mnist']);
