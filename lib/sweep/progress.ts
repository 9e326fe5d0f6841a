/**
 * Progress across a sweep's tasks, read from the run directories every few seconds: a bar with the
 * share of training images done and an ETA on a terminal, a line per change elsewhere. The ETA
 * weighs each generation by its training images (epochs x training-set size).
 */
import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import { formatSeconds } from '../progress.ts';
import type { SweepPlan } from './plan.ts';
import { countStates, sweepStatus } from './status.ts';
import type { QueueEntry, TaskStatus } from './status.ts';

export interface SweepProgressOptions {
  dir: string;
  plan: SweepPlan;
  /** Where to write. Defaults to process.stderr. */
  stream?: Writable & { isTTY?: boolean };
  /** Draw a bar (true) or print lines (false). Defaults to whether `stream` is a terminal. */
  bars?: boolean;
  /** This sweep's entries in the Slurm queue (for `slurm --wait`). Defaults to none. */
  queue?: () => Promise<readonly QueueEntry[] | null>;
  /**
   * Tasks the caller knows are running (its child processes), though they may not have said so yet. Defaults to
   * none.
   */
  running?: () => ReadonlySet<number>;
  /** Milliseconds between looks at the run directories. Defaults to 2000. */
  intervalMs?: number;
}

export interface SweepProgress {
  /** Looks now, draws, and returns every task's status. */
  update(): Promise<TaskStatus[]>;
  /** Final look; stops the timer and the bar. */
  stop(): Promise<TaskStatus[]>;
}

export function watchSweep(options: SweepProgressOptions): SweepProgress {
  const stream = options.stream ?? process.stderr;
  const bars = options.bars ?? Boolean(stream.isTTY);
  const started = performance.now();
  let startImages: number | null = null;
  let lastLine = '';
  let bar: cliProgress.SingleBar | null = null;
  let busy: Promise<TaskStatus[]> | null = null;

  const look = async (): Promise<TaskStatus[]> => {
    const queue = options.queue ? await options.queue() : null;
    const statuses = await sweepStatus(options.dir, options.plan, { queue });
    const running = options.running?.() ?? new Set<number>();
    for (const st of statuses)
      if (running.has(st.index) && (st.state === 'pending' || st.state === 'failed')) st.state = 'running';
    const done = statuses.reduce((s, t) => s + t.images.done, 0);
    const total = Math.max(
      1,
      statuses.reduce((s, t) => s + t.images.total, 0),
    );
    startImages ??= done;
    const rate = (done - startImages) / ((performance.now() - started) / 1000);
    const eta = done >= total ? '0s' : rate > 0 ? formatSeconds((total - done) / rate) : '?';
    const c = countStates(statuses);
    const gens = statuses.reduce((s, t) => s + t.generations.done, 0);
    const gensTotal = statuses.reduce((s, t) => s + t.generations.total, 0);
    const info =
      `${c.done}/${statuses.length} tasks done, ${c.running} running${c.queued ? `, ${c.queued} queued` : ''}, ${c.failed} ` +
      `failed | ${gens}/${gensTotal} generations`;
    if (bars) {
      bar ??= new cliProgress.SingleBar(
        { stream, hideCursor: true, format: 'sweep |{bar}| {percentage}% | {info} | ETA {eta_text}' },
        cliProgress.Presets.shades_classic,
      );
      if (!bar.isActive) bar.start(total, done, { info, eta_text: eta });
      bar.update(done, { info, eta_text: eta });
    } else {
      const line = `sweep: ${((100 * done) / total).toFixed(1)}% | ${info}`;
      if (line !== lastLine) stream.write(`${line} | ETA ${eta}\n`);
      lastLine = line;
    }
    return statuses;
  };
  const update = () => (busy ??= look().finally(() => (busy = null)));
  const timer = setInterval(() => void update().catch(() => {}), options.intervalMs ?? 2000);
  timer.unref();
  return {
    update,
    async stop() {
      clearInterval(timer);
      if (busy) await busy.catch(() => {});
      const statuses = await update();
      bar?.stop();
      return statuses;
    },
  };
}
