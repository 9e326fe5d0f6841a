/**
 * A Gaussian fitted to its own samples, generation after generation, simulated beside the closed
 * forms of the survey's §3.1 (eq. (1)-(2)): npx tsx scripts/gaussian.ts --help
 */
import { theoryMain } from './theory-flags.ts';

await theoryMain(
  'gaussian',
  'Fits mean and (co)variance to T samples, samples T from the fit, repeats, per scheme; ' +
    'prints the W2² distance to the truth, the variance ratio Var(μ_g)/Var(μ_1), the fitted ' +
    'variance (mean and median), the squared error of the mean and Var(X_g), beside their ' +
    'closed forms.',
);
