/**
 * Worker-thread entry for trials.ts: runs one range of trials and posts the records back
 * (transferred, not copied). Started with the tsx loader, so it can import TypeScript.
 */
import { parentPort } from 'node:worker_threads';
import { gaussianTrials } from './gaussian.ts';
import { logisticTrials } from './logistic.ts';
import { regressionTrials } from './regression.ts';
import type { Experiment, TrialRange, WorkerJob, WorkerMessage } from './trials.ts';

const ranges: Record<Experiment, TrialRange<never>> = {
  gaussian: gaussianTrials,
  regression: regressionTrials,
  logistic: logisticTrials,
};

const port = parentPort;
if (port) {
  port.once('message', (job: WorkerJob) => {
    const post = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
    try {
      const step = Math.max(1, Math.floor((job.end - job.start) / 50));
      let last = 0;
      const records = ranges[job.experiment](job.options as never, job.start, job.end, (done) => {
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
