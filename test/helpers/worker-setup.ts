/** A WorkerSetup for tests of runExperiment({ jobs }): each worker process rebuilds the tiny model and data. */
import { tinyMnist, tinyVae } from './tiny.ts';

export async function setup(args: { trainSize: number; testSize: number }) {
  return { model: tinyVae, data: await tinyMnist(args.trainSize, args.testSize) };
}

/** The WorkerSetup that calls `setup` above with these sizes. */
export function tinyWorkerSetup(args: { trainSize: number; testSize: number }) {
  return { module: import.meta.url, export: 'setup', args };
}
