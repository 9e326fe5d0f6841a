/**
 * A worker process of an experiment (started by pool.ts, never imported): it receives one scheme's
 * job, rebuilds the model factory and the data with the caller's WorkerSetup, trains the scheme's
 * run exactly as the parent would in its own process (same seeds, same numbers), and reports
 * progress, records and the result or the error back over the IPC channel.
 */
import { pathToFileURL } from 'node:url';
import { createCollapseAnalysis } from '../analysis.ts';
import { trainGenerations } from '../generations.ts';
import { progressHooks } from './scheme.ts';
import { errorData, progressTo } from './protocol.ts';
import type { FromWorker, ToWorker, WorkerSetupResult } from './protocol.ts';

const send = (m: FromWorker) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
const controller = new AbortController();
const stop = (why: string) => controller.abort(Object.assign(new Error(why), { name: 'AbortError' }));

// A terminal's Ctrl-C reaches this process too: stop after the current batch, like the parent; a
// second signal ends it at once (every write is atomic). The parent's stop request comes as a message.
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (++signals > 1) process.exit(130);
    stop(`Stopped by ${sig}.`);
  });
}
process.on('disconnect', () => stop('The parent process ended.'));

process.on('message', (m: ToWorker) => {
  if (m.kind === 'stop') stop('Stopped.');
  else void run(m);
});

async function run(job: Extract<ToWorker, { kind: 'job' }>): Promise<void> {
  let code = 0;
  let dispose = () => {};
  try {
    const url = job.setup.module.startsWith('file:') ? job.setup.module : pathToFileURL(job.setup.module).href;
    const mod = (await import(url)) as Record<string, (args: unknown) => WorkerSetupResult | Promise<WorkerSetupResult>>;
    const name = job.setup.export ?? 'setup';
    if (typeof mod[name] !== 'function') {
      const what = `Worker setup module ${job.setup.module} has no exported function '${name}'`;
      throw new Error(`${what}; expected one returning { model, data }.`);
    }
    const built = await mod[name](job.setup.args);
    const progress = progressTo((m) => void send(m));
    const analysisOptions = job.analysis && !built.analyze ? job.analysis : null;
    const analysis = analysisOptions
      ? createCollapseAnalysis({
          ...analysisOptions,
          model: built.model,
          seed: job.options.seed ?? 0,
          log: (line) => progress.log(line),
        })
      : null;
    dispose = () => analysis?.dispose();
    const records = await trainGenerations({
      ...job.options,
      model: built.model,
      data: built.data,
      analyze: built.analyze ?? analysis?.analyze,
      signal: controller.signal,
      ...progressHooks(job.label, progress, (record) => send({ kind: 'record', record })),
    });
    await send({ kind: 'done', records });
  } catch (err) {
    await send({ kind: 'error', error: errorData(err) });
    code = (err as Error).name === 'AbortError' ? 130 : 1;
  } finally {
    dispose();
  }
  // The IPC channel would keep this process alive.
  process.disconnect();
  process.exitCode = code;
}
