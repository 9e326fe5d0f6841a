/**
 * A worker process of an experiment (started by pool.ts, never imported): it receives one scheme's
 * job, rebuilds the model factory and the data with the caller's WorkerSetup, trains the scheme's
 * run exactly as the parent would in its own process (same seeds, same numbers), and reports
 * progress, records and the result or the error back over the IPC channel.
 */
import { pathToFileURL } from 'node:url';
import { createCollapseAnalysis } from '../analysis.ts';
import { buildFamily } from '../families/build.ts';
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
    const progress = progressTo((m) => void send(m));
    const log = (line: string) => progress.log(line);
    const built = await build(job, log);
    dispose = () => built.analysis?.dispose();
    const records = await trainGenerations({
      ...job.options,
      model: built.model,
      data: built.data,
      analyze: built.analyze ?? built.analysis?.analyze,
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

/** The model factory, the data and the analysis, from the family registry or the caller's setup module. */
async function build(job: Extract<ToWorker, { kind: 'job' }>, log: (line: string) => void) {
  const seed = job.options.seed ?? 0;
  if ('family' in job.build) {
    const fresh = job.options.scheme.kind === 'fresh';
    const built = await buildFamily(job.build.family, job.build.settings, { freshPool: fresh, log, seed, analysis: true });
    return { ...built, analyze: undefined };
  }
  const setup = job.build.setup;
  const url = setup.module.startsWith('file:') ? setup.module : pathToFileURL(setup.module).href;
  const mod = (await import(url)) as Record<string, (args: unknown) => WorkerSetupResult | Promise<WorkerSetupResult>>;
  const name = setup.export ?? 'setup';
  if (typeof mod[name] !== 'function') throw noSetupFunction(setup.module, name);
  const built = await mod[name](setup.args);
  const own = job.analysis && !built.analyze;
  const analysis = own ? createCollapseAnalysis({ ...job.analysis, model: built.model, seed, log }) : undefined;
  return { ...built, analysis };
}

function noSetupFunction(module: string, name: string): Error {
  return new Error(`Worker setup module ${module} has no exported function '${name}'; expected one returning { model, data }.`);
}
