/** The theory simulators by name: what the scripts, runTheory and the trial workers look up. */
import { gaussianSimulator } from './gaussian.ts';
import { logisticSimulator } from './logistic.ts';
import { poissonSimulator } from './poisson.ts';
import { regressionSimulator } from './regression.ts';

export const THEORY_SIMULATORS = {
  regression: regressionSimulator,
  gaussian: gaussianSimulator,
  logistic: logisticSimulator,
  poisson: poissonSimulator,
} as const;

/** A simulator's name: 'gaussian', 'regression' or 'logistic'. */
export type TheoryExperimentName = keyof typeof THEORY_SIMULATORS;
