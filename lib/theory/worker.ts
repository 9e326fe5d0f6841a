/**
 * Worker-thread entry for trials.ts: runs one range of trials and posts the records back
 * (transferred, not copied). From the sources it starts under tsx's loader (see startWorker).
 */
import { parentPort } from 'node:worker_threads';
import { THEORY_SIMULATORS } from './simulators.ts';
import type { TrialRange, WorkerJob, WorkerMessage } from './trials.ts';

const port = parentPort;
if (port) {
  port.once('message', (job: WorkerJob) => {
    const post = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
    try {
      const simulator = THEORY_SIMULATORS[job.experiment as keyof typeof THEORY_SIMULATORS];
      if (!simulator) throw new Error(`No theory simulator is named '${job.experiment}'.`);
      const step = Math.max(1, Math.floor((job.end - job.start) / 50));
      let last = 0;
      const records = (simulator.trials as TrialRange<unknown>)(job.options, job.start, job.end, (done) => {
        if (done - last >= step) {
          last = done;
          post({ type: 'progress', done });
        }
      });
      post({ type: 'done', records }, [records.buffer as ArrayBuffer]);
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
}
