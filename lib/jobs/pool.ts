/**
 * Several schemes at once, one worker process each (worker.ts). wasm and the plain cpu backend run
 * on one core, so on a 2-core machine two schemes side by side take the time of one. Each worker
 * writes its own run directory exactly as a sequential run would; the parent relays progress and
 * records, and stops the others (after their current batch) when one fails or the signal aborts.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OptionError } from '../options.ts';
import { isTypeScript, siblingModule } from '../own-module.ts';
import type { Progress } from '../progress.ts';
import type { GenerationRecord } from '../record.ts';
import { errorFrom, replay } from './protocol.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

export interface WorkerJob {
  /** The scheme's name: progress label and error prefix. */
  label: string;
  job: Extract<ToWorker, { kind: 'job' }>;
}

export interface PoolOptions {
  jobs: WorkerJob[];
  /** Workers at once. */
  size: number;
  progress: Progress;
  onRecord: (label: string, record: GenerationRecord) => void | Promise<void>;
  signal?: AbortSignal;
}

const WORKER = siblingModule(import.meta.url, 'worker');

/**
 * The node flags a worker needs: ours, plus tsx's loader when this library runs from its .ts sources and node
 * has none.
 */
function workerExecArgv(): string[] {
  const argv = process.execArgv;
  if (!isTypeScript(WORKER) || argv.some((a) => a.includes('tsx'))) return argv;
  return [...argv, '--import', import.meta.resolve('tsx')];
}

/** Runs every job, `size` at a time; resolves with each label's records in the jobs' order. */
export async function runInWorkers(o: PoolOptions): Promise<GenerationRecord[][]> {
  const results = new Map<string, GenerationRecord[]>();
  const errors: { label: string; error: Error }[] = [];
  const live = new Set<ChildProcess>();
  let aborted = false;
  const stopAll = () => {
    for (const c of live) if (c.connected) c.send({ kind: 'stop' } satisfies ToWorker);
  };
  o.signal?.addEventListener('abort', stopAll);

  const runOne = ({ label, job }: WorkerJob) =>
    new Promise<void>((resolve) => {
      const child = fork(fileURLToPath(WORKER), [], {
        execArgv: workerExecArgv(),
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      live.add(child);
      let stderr = '';
      let reported = false;
      child.stderr!.on('data', (d) => (stderr += d));
      child.on('message', (m: FromWorker) => {
        if (m.kind === 'record') void o.onRecord(label, m.record);
        else if (m.kind === 'done') results.set(label, m.records);
        else if (m.kind === 'error') {
          reported = true;
          const error = errorFrom(m.error);
          if (error.name === 'AbortError') aborted = true;
          else {
            errors.push({ label, error });
            // One failed scheme stops the others (after their current batch).
            stopAll();
          }
        } else replay(o.progress, m);
      });
      child.on('exit', (code, signal) => {
        live.delete(child);
        if (!reported && code !== 0) {
          const line =
            stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? `Error: ${workerEnd(label, code, signal)}`;
          errors.push({ label, error: new Error(line.slice('Error: '.length)) });
          stopAll();
        }
        resolve();
      });
      child.send(job);
    });

  try {
    const queue = [...o.jobs];
    const workers = Array.from({ length: Math.min(o.size, queue.length) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        if (errors.length > 0 || aborted || o.signal?.aborted) return;
        await runOne(next);
      }
    });
    await Promise.all(workers);
  } finally {
    o.signal?.removeEventListener('abort', stopAll);
  }
  if (errors.length === 1 && errors[0].error instanceof OptionError)
    throw errors[0].error.within(`[${errors[0].label}] `);
  if (errors.length > 0) throw new Error(errors.map((e) => `[${e.label}] ${e.error.message}`).join(' '));
  if (aborted || o.signal?.aborted || results.size < o.jobs.length)
    throw Object.assign(new Error('Stopped.'), { name: 'AbortError' });
  return o.jobs.map((j) => results.get(j.label)!);
}

/** How a worker ended, for a user: killed by a signal (out of memory, kill) or an exit code. */
function workerEnd(label: string, code: number | null, signal: NodeJS.Signals | null): string {
  const how =
    code === null
      ? `was killed by ${signal ?? 'a signal'} (out of memory, or a kill from outside?)`
      : `exited with code ${code}`;
  return (
    `the ${label} worker process ${how} before finishing; expected it to finish its scheme ` +
    `(resume the run to continue from its last saved epoch).`
  );
}
