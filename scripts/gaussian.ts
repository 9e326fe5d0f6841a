/**
 * A Gaussian fitted to its own samples, generation after generation, simulated beside the closed
 * forms of the survey's §3.1 (eq. (1)-(2)): npx tsx scripts/gaussian.ts --help
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { GAUSSIAN_DEFAULTS } from '../lib/index.ts';
import { runTheoryCli, theoryFlags } from './theory-flags.ts';

const argv = await theoryFlags(
  yargs(hideBin(process.argv))
    .scriptName('gaussian')
    .usage('$0 [options]\n\nFits mean and (co)variance to T samples, samples T from the fit, repeats, per scheme; prints the W2² distance to the truth, the variance ratio Var(μ_g)/Var(μ_1), the fitted variance (mean and median), the squared error of the mean and Var(X_g), beside their closed forms.')
    .option('d', { type: 'number', default: GAUSSIAN_DEFAULTS.d, describe: 'dimension (1: variance, more: covariance matrix)' })
    .option('T', { type: 'number', default: GAUSSIAN_DEFAULTS.T, describe: 'samples per generation, at least 2' })
    .option('sigma', { type: 'number', default: GAUSSIAN_DEFAULTS.sigma, describe: 'standard deviation of the truth N(0, σ²I)' })
    .option('estimator', { choices: ['unbiased', 'mle'] as const, default: GAUSSIAN_DEFAULTS.estimator, describe: 'covariance divided by n - 1 (unbiased) or by n (mle)' }),
  'gaussian',
  GAUSSIAN_DEFAULTS,
  'generations, the first fitted to real samples',
  'testError',
).parseAsync();

await runTheoryCli('gaussian', argv, { d: argv.d, T: argv.T, sigma: argv.sigma, estimator: argv.estimator });
