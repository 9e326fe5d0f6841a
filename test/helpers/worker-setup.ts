/** A WorkerSetup for tests of runExperiment({ jobs }): each worker process rebuilds the tiny model and data. */
import { tinyMnist, tinyVae } from './tiny.ts';

export async function setup(args: { trainSize: number; testSize: number }) {
  return { model: tinyVae, data: await tinyMnist(args.trainSize, args.testSize) };
}

/** The WorkerSetup that calls `setup` above with these sizes. */
export function tinyWorkerSetup(args: { trainSize: number; testSize: number }) {
  return { module: import.meta.url, export: 'setup', args };
}

/** A setup whose worker process is killed with SIGKILL before it trains (as the kernel's OOM killer would). */
export async function killedSetup(): Promise<never> {
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => {});
}
