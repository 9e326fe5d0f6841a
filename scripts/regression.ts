/**
 * Linear regression trained on its own predictions, simulated beside the closed forms of eq. (5)-(6)
 * (survey §4.1, Figure 6): npx tsx scripts/regression.ts --help
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { REGRESSION_DEFAULTS } from '../lib/index.ts';
import { runTheoryCli, theoryFlags } from './theory-flags.ts';

const argv = await theoryFlags(
  yargs(hideBin(process.argv))
    .scriptName('regression')
    .usage('$0 [options]\n\nFits ŵ_k on labels X ŵ_{k-1} + noise for each generation k, per scheme, and prints the test error E||ŵ_k - w*||²_Σ and the variance ratio Var(ŵ_k)/Var(ŵ_1) beside the closed forms.')
    .option('d', { type: 'number', default: REGRESSION_DEFAULTS.d, describe: 'features' })
    .option('T', { type: 'number', default: REGRESSION_DEFAULTS.T, describe: 'rows per generation, at least d + 2' })
    .option('sigma', { type: 'number', default: REGRESSION_DEFAULTS.sigma, describe: 'label noise standard deviation' })
    .option('lambda', { type: 'number', default: REGRESSION_DEFAULTS.lambda, describe: 'ridge penalty (0 = least squares; closed forms need 0)' })
    .option('covariance', { type: 'number', array: true, describe: 'diagonal of the feature covariance Σ, d numbers (default: identity)' })
    .option('design', { choices: ['fixed', 'fresh'] as const, default: REGRESSION_DEFAULTS.design, describe: 'one design X per trial, or a fresh one each generation' }),
  'regression',
  REGRESSION_DEFAULTS,
  'generations, the first on real labels',
  'varianceRatio',
).parseAsync();

await runTheoryCli('regression', argv, { d: argv.d, T: argv.T, sigma: argv.sigma, lambda: argv.lambda, covariance: argv.covariance, design: argv.design });
