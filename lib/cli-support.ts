/** What the bundled CLIs (scripts/) use beyond the public API: lib/index.ts exports it as `cliSupport`. */
export { compareRecords, formatRecordChecks, readRecordsFile } from './record-check.ts';
export {
  entropyFloor,
  formatEntropyFloors,
  formatSourceLosses,
  formatTrainLossTrend,
  lossSourceRun,
} from './source-losses.ts';
export { defaultJobs } from './experiment.ts';
export { watchWrappers } from './wrapper-watch.ts';
export { benchModel, benchTraining, formatProfile, peakRssMB, profileTraining } from './bench.ts';
export { gpuCheck, formatGpuCheck } from './gpu-check.ts';
export { loadOrTrainClassifier } from './metrics/classifier.ts';
export { runTheory } from './theory/run.ts';
export { readSweep, runArgs, describeSettings } from './sweep/plan.ts';
export { slurmLogPath } from './sweep/layout.ts';
export { runTask } from './sweep/task.ts';
export { taskEnvironment } from './sweep/task-env.ts';
export { sweepStatus, countStates, formatStatus } from './sweep/status.ts';
export { submitSbatch, readSubmissions, waitForArrays } from './sweep/slurm.ts';
export { formatAggregate } from './sweep/aggregate.ts';
export { benchGpt } from './text-bench.ts';
