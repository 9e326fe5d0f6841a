/**
 * What a fit needs to continue after an epoch: the trainer (train.ts) makes it, the run directory
 * (run/epochs.ts) stores it; neither knows the other.
 */
import type * as tf from './tfjs.ts';

/** Adam's whole state: `tensors` as optimizer.getWeights() gives them (iteration count, then first and second moments), plus beta1^t and beta2^t. */
export interface OptimizerState {
  tensors: { name: string; tensor: tf.Tensor }[];
  accBeta1: number;
  accBeta2: number;
}

/** Everything a fit needs to continue after `epoch` (epochs done). */
export interface EpochState {
  epoch: number;
  epochLosses: number[];
  /** Seconds spent training so far (for the throughput figure only). */
  trainSeconds: number;
  /** The network's weights in network.getWeights() order. */
  weights: tf.Tensor[];
  optimizer: OptimizerState;
}

/** The state handed to `saveEpoch`: the live weights and optimizer tensors, valid only until it returns (do not dispose them). */
export type EpochSnapshot = EpochState;
