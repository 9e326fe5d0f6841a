/**
 * The family registry: every family a run can name, in one place. A new family (its data, model,
 * sampler and analysis, with its own settings; see types.ts) is one more entry here and nothing else:
 * the experiment, its worker processes, the CLIs and sweeps find it by name.
 */
import { invalidOption } from '../options.ts';
import { CELEBA_CONV_VAE } from './celeba.ts';
import { MNIST_AE, MNIST_VAE } from './mnist.ts';
import { TEXT_GPT } from './text.ts';
import type { Family } from './types.ts';

export const FAMILIES: Readonly<Record<string, Family>> = {
  'mnist-vae': MNIST_VAE as unknown as Family,
  'mnist-ae': MNIST_AE as unknown as Family,
  'celeba-conv-vae': CELEBA_CONV_VAE as unknown as Family,
  'text-gpt': TEXT_GPT as unknown as Family,
};

/** The family registered as `name`; refuses an unknown name naming `option`. */
export function familyOf(name: unknown, option = 'family'): Family {
  if (typeof name === 'string' && Object.hasOwn(FAMILIES, name)) return FAMILIES[name];
  throw invalidOption(option, name, `one of ${Object.keys(FAMILIES).join(', ')}`);
}
