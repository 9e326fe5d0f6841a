/**
 * Logistic regression trained on labels drawn from its previous fit, simulated beside the
 * asymptotic closed forms (survey §4.3; Dey and Donoho 2024): npx tsx scripts/logistic.ts --help
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LOGISTIC_DEFAULTS } from '../lib/index.ts';
import { runTheoryCli, theoryFlags } from './theory-flags.ts';

const argv = await theoryFlags(
  yargs(hideBin(process.argv))
    .scriptName('logistic')
    .usage('$0 [options]\n\nDraws fresh Gaussian features each generation, labels from the previous fit, refits by Newton (IRLS), per scheme; prints the Fisher-norm error of θ_k and the variance ratio Var(θ_k)/Var(θ_1) beside the asymptotic closed forms.')
    .option('d', { type: 'number', default: LOGISTIC_DEFAULTS.d, describe: 'features' })
    .option('T', { type: 'number', default: LOGISTIC_DEFAULTS.T, describe: 'rows per generation, more than d' })
    .option('signal', { type: 'number', default: LOGISTIC_DEFAULTS.signal, describe: '||θ0||; θ0 = signal·(1, ..., 1)/sqrt(d)' })
    .option('max-iterations', { type: 'number', default: LOGISTIC_DEFAULTS.maxIterations, describe: 'Newton iterations before a fit counts as not converged' }),
  'logistic',
  LOGISTIC_DEFAULTS,
  'generations, the first on labels from θ0',
  'varianceRatio',
).parseAsync();

await runTheoryCli('logistic', argv, { d: argv.d, T: argv.T, signal: argv.signal, maxIterations: argv['max-iterations'] });
