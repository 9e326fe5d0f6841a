/** A character-level GPT trained on text generation after generation: npx tsx scripts/lm-text.ts --help */
import { main } from './cli.ts';
import { EXPERIMENTS } from './experiments.ts';

await main(EXPERIMENTS['lm-text']);
