/**
 * The subcommands of the collapse-lab command (scripts/collapse-lab.ts): each is the script of the
 * same name in scripts/, with one line for `npx collapse-lab --help` (test/scripts/collapse-lab.test.ts
 * checks that every script that is a command is here).
 */
export const COMMANDS = {
  'vae-mnist': "the survey's VAE on MNIST, generation after generation under each scheme (--preset quick|paper)",
  'ae-mnist': 'the same experiment with the autoencoder',
  'vae-celeba': 'the VAE on a local copy of CelebA (--data-dir; see docs/experiments.md, "Get CelebA")',
  'lm-text':
    'a character-level GPT on Moby Dick (or your text), generation after generation under each scheme (--preset quick|paper)',
  report: 'report.html for run directories or experiment folders, side by side',
  export: 'generations.csv and steps.csv of run directories or experiment folders (--csv), for pandas or R',
  sweep: 'seed and setting grids: plan, run locally or as a Slurm job array, status, aggregate',
  regression: 'linear regression fitted to its own outputs, simulated beside the closed forms (Figure 6)',
  gaussian: 'a Gaussian fitted to its own samples: W2² to the truth, simulated and closed forms',
  logistic: 'logistic regression fitted to its own labels, simulated and asymptotic forms',
  poisson: 'Poisson regression fitted to its own counts, simulated and asymptotic forms (π²/6 under accumulate)',
  'loss-sources': 'why the training loss falls under accumulate: the loss beside its real and synthetic parts',
  bench: 'training speed (VAE and AE images/s, GPT characters/s), sampling and evaluation time, peak RSS here',
  'gpu-check': 'which backends work here, the WebGPU adapter, and a short training run on each',
} as const;

export type CommandName = keyof typeof COMMANDS;
