/**
 * The experiment CLIs by name, each the family it trains (lib/families). The scripts
 * (scripts/<name>.ts) run one; sweeps look them up by the name a grid file gives.
 */
import type { MainSpec } from './cli.ts';

export const EXPERIMENTS = {
  /** The survey's VAE-on-MNIST experiment. */
  'vae-mnist': { name: 'vae-mnist', family: 'mnist-vae' },
  /** The survey's autoencoder-on-MNIST experiment. */
  'ae-mnist': { name: 'ae-mnist', family: 'mnist-ae' },
  /** The VAE-on-CelebA experiment of Gerstgrasser et al. (2024), survey section 4.2, on a copy of CelebA the user brings. */
  'vae-celeba': { name: 'vae-celeba', family: 'celeba-conv-vae' },
  /** A character-level GPT on real text (Shumailov et al.'s language-model collapse, the survey's Figure 3). */
  'lm-text': { name: 'lm-text', family: 'text-gpt' },
} satisfies Record<string, MainSpec>;

export type ExperimentName = keyof typeof EXPERIMENTS;

/** True when `name` names an experiment CLI. */
export function isExperimentName(name: string): name is ExperimentName {
  return Object.hasOwn(EXPERIMENTS, name);
}
