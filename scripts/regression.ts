/**
 * Linear regression trained on its own predictions, simulated beside the closed forms of eq. (5)-(6)
 * (survey §4.1, Figure 6): npx tsx scripts/regression.ts --help
 */
import { theoryMain } from './theory-flags.ts';

await theoryMain(
  'regression',
  'Fits ŵ_k on labels X ŵ_{k-1} + noise for each generation k, per scheme, and prints the ' +
    'test error E‖ŵ_k − w*‖²_Σ and the variance ratio Var(ŵ_k)/Var(ŵ_1) beside the closed ' +
    "forms. --plot draws the survey's Figure 6.",
);
