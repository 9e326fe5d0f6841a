/**
 * The VAE-on-CelebA experiment (docs/experiments.md, "CelebA"): npx tsx scripts/vae-celeba.ts --data-dir <path>
 * --help
 */
import { main } from './cli.ts';
import { EXPERIMENTS } from './experiments.ts';

await main(EXPERIMENTS['vae-celeba']);
