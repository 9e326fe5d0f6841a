/**
 * Logistic regression trained on labels drawn from its previous fit, simulated beside the
 * asymptotic closed forms (survey §4.3; Dey and Donoho 2024): npx tsx scripts/logistic.ts --help
 */
import { theoryMain } from './theory-flags.ts';

await theoryMain(
  'logistic',
  'Draws fresh Gaussian features each generation, labels from the previous fit, refits by ' +
    'Newton (IRLS), per scheme; prints the Fisher-norm error of θ_k and the variance ratio ' +
    'Var(θ_k)/Var(θ_1) beside the asymptotic closed forms. --plot draws Figure 6 for this ' +
    'model.',
);
