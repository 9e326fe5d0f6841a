/**
 * Progress for long runs: on a terminal, a bar for the whole experiment (with its ETA) and one per
 * running scheme; elsewhere (CI, logs) plain lines. Everything goes to stderr so stdout stays for
 * results (--json). Several schemes may run at once (one process each): every call names its run.
 *
 * The ETA comes from the training throughput measured since the first batch (not since the start,
 * which includes loading data and models), and is shown once a few seconds of it have been seen.
 */
import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { BatchContext, EpochContext } from './train.ts';

/** Options of createProgress: where it writes, bars or lines, and the training images in all (for the ETA). */
export interface ProgressOptions {
  /** Where to write. Defaults to process.stderr. */
  stream?: Writable & { isTTY?: boolean };
  /** Draw bars (true) or print lines (false). Defaults to whether `stream` is a terminal. */
  bars?: boolean;
  /** Total training images (epochs x training-set size) the experiment will process, for the ETA. */
  totalImages: number;
  /** Images already processed before this process started (a resumed run). Defaults to 0. */
  doneImages?: number;
}

/** The events a run reports; `label` names the run (its scheme). */
export interface Progress {
  /** Generation `generation` of the run `label` starts on `trainSize` images, `realFraction` of them real. */
  startGeneration(
    label: string,
    generation: number,
    generations: number,
    trainSize: number,
    realFraction?: number,
  ): void;
  /**
   * A batch of the run `label` is done; its progress counts `ctx.images` (images of the epoch so far) less what
   * it counted before in that epoch.
   */
  batch(label: string, ctx: BatchContext): void;
  /** An epoch ended. */
  epochEnd(label: string, ctx: EpochContext): void;
  /** A line of text (above the bars on a terminal). */
  log(line: string): void;
  /** Ends the display (bars are cleared on a terminal). */
  stop(): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const bars = options.bars ?? Boolean(stream.isTTY);
  const total = Math.max(1, options.totalImages);
  let done = options.doneImages ?? 0;
  const where = new Map<string, string>();
  const counted = new Map<string, number>();
  /** Images and time at the first batch: the throughput is measured from there. */
  let first: { done: number; at: number } | null = null;
  const count = (label: string, ctx: BatchContext) => {
    const before = ctx.batch === 1 ? 0 : (counted.get(label) ?? 0);
    counted.set(label, ctx.images);
    first ??= { done, at: performance.now() };
    done += Math.max(0, ctx.images - before);
  };
  const eta = (): string => {
    if (!first) return '?';
    const seconds = (performance.now() - first.at) / 1000;
    const rate = (done - first.done) / seconds;
    // A few seconds of training before the first estimate: the first batches include warm-up (kernel compilation).
    return seconds >= ETA_AFTER_SECONDS && rate > 0 ? formatSeconds((total - done) / rate) : '?';
  };

  if (!bars) {
    return {
      startGeneration(label, g, gens, size) {
        where.set(label, `generation ${g}/${gens}`);
        stream.write(`[${label}] generation ${g}/${gens}: training on ${size} images\n`);
      },
      batch(label, ctx) {
        count(label, ctx);
      },
      epochEnd(label, ctx) {
        const pct = ((100 * done) / total).toFixed(1);
        stream.write(
          `[${label}] ${where.get(label)} epoch ${ctx.epoch}/${ctx.epochs}: train loss ${ctx.trainLoss.toFixed(2)} ` +
            `(${ctx.seconds.toFixed(1)} s) | ${pct}% of the experiment, ETA ${eta()}\n`,
        );
      },
      log: (line) => stream.write(line + '\n'),
      stop() {},
    };
  }

  const multi = new cliProgress.MultiBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 200,
      format: '{label} |{bar}| {percentage}% {info}',
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(total, done, { label: 'experiment'.padEnd(28), info: '' });
  const runBars = new Map<string, cliProgress.SingleBar>();
  return {
    startGeneration(label, g, gens, size) {
      where.set(label, `gen ${g}/${gens}`);
      // One bar per run, reused from generation to generation: removing a bar leaves a blank line behind.
      const bar = runBars.get(label);
      const payload = { label: `${label} gen ${g}/${gens}`.padEnd(28), info: '' };
      if (bar) {
        bar.setTotal(size);
        bar.update(0, payload);
      } else runBars.set(label, multi.create(size, 0, payload));
    },
    batch(label, ctx) {
      count(label, ctx);
      overall.update(done, { info: `ETA ${eta()}` });
      runBars.get(label)?.update(ctx.images, { info: `epoch ${ctx.epoch}/${ctx.epochs}` });
    },
    epochEnd(label, ctx) {
      multi.log(
        `[${label}] ${where.get(label)} epoch ${ctx.epoch}/${ctx.epochs}: train loss ${ctx.trainLoss.toFixed(2)} ` +
          `(${ctx.seconds.toFixed(1)} s)\n`,
      );
    },
    log: (line) => multi.log(line + '\n'),
    stop() {
      // stop() alone does not write lines logged since the last redraw: the run's last lines would be lost.
      multi.update();
      multi.stop();
    },
  };
}

/** Seconds of measured training before the first ETA. */
const ETA_AFTER_SECONDS = 5;

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}
