/**
 * Several schemes at once, one child process each. wasm and the plain cpu backend run on one core,
 * so on a 2-core machine two schemes side by side take the time of one. Each child is this same
 * script with one --scheme; it reports progress and records to the parent over the IPC channel,
 * and writes its own run directory exactly as a sequential run would (same seeds, same numbers).
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createProgress, schemeName, writeReport } from '../lib/index.ts';
import type { BackendInfo, ExperimentPlan, ExperimentResult, GenerationRecord, Progress, Scheme, SchemeRun } from '../lib/index.ts';

const CHILD_ENV = 'COLLAPSE_LAB_SCHEME_WORKER';

/** True in a child started by runSchemesInParallel. */
export const isSchemeWorker = (): boolean => process.env[CHILD_ENV] === '1' && typeof process.send === 'function';

type Message =
  | { kind: 'start'; label: string; generation: number; generations: number; trainSize: number }
  | { kind: 'batch'; label: string; ctx: Parameters<Progress['batch']>[1]; images: number }
  | { kind: 'epoch'; label: string; ctx: Parameters<Progress['epochEnd']>[1] }
  | { kind: 'log'; line: string }
  | { kind: 'record'; record: GenerationRecord }
  | { kind: 'done'; run: SchemeRun };

function send(m: Message): void {
  process.send!(m);
}

/** In a child: progress events go to the parent. */
export function workerProgress(): Progress {
  return {
    startGeneration: (label, generation, generations, trainSize) => send({ kind: 'start', label, generation, generations, trainSize }),
    batch: (label, ctx, images) => send({ kind: 'batch', label, ctx, images }),
    epochEnd: (label, ctx) => send({ kind: 'epoch', label, ctx }),
    log: (line) => send({ kind: 'log', line }),
    stop() {},
  };
}

export function sendRecord(record: GenerationRecord): void {
  send({ kind: 'record', record });
}

/** The child's last message; resolves once it is handed to the IPC channel. */
export function sendDone(run: SchemeRun): Promise<void> {
  return new Promise((resolve) => process.send!({ kind: 'done', run } satisfies Message, () => resolve()));
}

/** How many schemes to run at once when --jobs is not given. */
export function defaultJobs(backend: BackendInfo, schemes: number): number {
  // Native TensorFlow (CPU or GPU) and WebGPU already use every core or the whole GPU: one run at a time.
  if (backend.name === 'tensorflow' || backend.name === 'webgpu') return 1;
  return Math.max(1, Math.min(schemes, availableParallelism()));
}

export interface ParallelOptions {
  /** Output root (out/<scheme> per run); report.html is written there when `report`. */
  out: string;
  /** Write out/report.html once every scheme is done. */
  report: boolean;
  /** Absolute path of the running script. */
  script: string;
  /** The command-line flags as given (without node and the script). */
  args: readonly string[];
  schemes: Scheme[];
  jobs: number;
  json: boolean;
  plan: ExperimentPlan;
  backend: BackendInfo;
  signal: AbortSignal;
}

/** Flags of the parent minus what the parent decides per child. */
function childArgs(args: readonly string[], scheme: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (/^--(scheme|jobs)$/.test(a)) {
      i++;
      continue;
    }
    if (/^--(scheme|jobs)=/.test(a) || /^--(no-)?json$/.test(a)) continue;
    out.push(a);
  }
  return [...out, '--scheme', scheme, '--jobs', '1'];
}

export async function runSchemesInParallel(o: ParallelOptions): Promise<ExperimentResult> {
  const progress = createProgress({ stream: process.stderr, ...o.plan });
  const names = o.schemes.map(schemeName);
  const runs = new Map<string, SchemeRun>();
  const errors: string[] = [];
  const live = new Set<ReturnType<typeof fork>>();
  // Ctrl-C reaches every process of the terminal's group by itself; a SIGTERM sent to this
  // process alone is passed on, once, so each child stops after its current batch.
  const onAbort = () => {
    const reason = o.signal.reason as Error | undefined;
    if (reason?.message?.includes('SIGTERM')) for (const c of live) c.kill('SIGTERM');
  };
  o.signal.addEventListener('abort', onAbort);
  let aborted = false;

  const runOne = (name: string) =>
    new Promise<void>((resolve) => {
      const child = fork(o.script, childArgs(o.args, name), {
        execArgv: process.execArgv,
        env: { ...process.env, [CHILD_ENV]: '1' },
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      });
      live.add(child);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      child.on('message', (m: Message) => {
        switch (m.kind) {
          case 'start':
            return progress.startGeneration(m.label, m.generation, m.generations, m.trainSize);
          case 'batch':
            return progress.batch(m.label, m.ctx, m.images);
          case 'epoch':
            return progress.epochEnd(m.label, m.ctx);
          case 'log':
            return progress.log(m.line);
          case 'record':
            if (o.json) process.stdout.write(JSON.stringify(m.record) + '\n');
            return;
          case 'done':
            runs.set(name, m.run);
            return;
        }
      });
      child.on('exit', (code) => {
        live.delete(child);
        if (code === 130) aborted = true;
        else if (code !== 0) {
          const line = stderr.split('\n').find((l) => l.startsWith('Error: ')) ?? `Error: the ${name} run exited with code ${code}.`;
          errors.push(`[${name}] ${line.slice('Error: '.length)}`);
          // One failed scheme stops the others (after their current batch).
          for (const c of live) c.kill('SIGTERM');
        }
        resolve();
      });
    });

  try {
    const queue = [...names];
    const workers = Array.from({ length: Math.min(o.jobs, names.length) }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        if (errors.length > 0 || aborted || o.signal.aborted) return;
        await runOne(name);
      }
    });
    await Promise.all(workers);
  } finally {
    progress.stop();
    o.signal.removeEventListener('abort', onAbort);
  }
  if (errors.length > 0) throw new Error(errors.join(' '));
  if (aborted || o.signal.aborted || runs.size < names.length) {
    throw Object.assign(new Error('Stopped.'), { name: 'AbortError' });
  }
  const ordered = names.map((n) => runs.get(n)!);
  const page = o.report ? (await writeReport({ runs: ordered.map((r) => r.dir), out: join(o.out, 'report.html') })).path : undefined;
  return { backend: o.backend, runs: ordered, report: page };
}
