/**
 * Poisson regression trained on counts drawn from its previous fit, simulated beside the
 * asymptotic closed forms (survey §4.3; Dey and Donoho 2024): npx tsx scripts/poisson.ts --help
 */
import { theoryMain } from './theory-flags.ts';

await theoryMain(
  'poisson',
  'Draws fresh Gaussian features each generation, counts from the previous fit, refits by ' +
    'Newton, per scheme; prints the Fisher-norm error of θ_k and the variance ratio ' +
    'Var(θ_k)/Var(θ_1) beside the asymptotic closed forms (π²/6 under accumulate). --plot draws ' +
    'Figure 6 for this model.',
);
