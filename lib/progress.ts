/**
 * Progress for long runs: two bars on a terminal (the whole experiment with its ETA, and the
 * current epoch), plain lines elsewhere (CI, logs). Everything goes to stderr so stdout stays for
 * results (--json).
 */
import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { BatchContext, EpochContext } from './train.ts';

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

export interface Progress {
  startGeneration(label: string, generation: number, generations: number, trainSize: number): void;
  batch(ctx: BatchContext, batchImages: number): void;
  epochEnd(ctx: EpochContext): void;
  /** A line of text above the bars. */
  log(line: string): void;
  stop(): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const bars = options.bars ?? Boolean(stream.isTTY);
  const total = Math.max(1, options.totalImages);
  let done = options.doneImages ?? 0;
  const startDone = done;
  const started = performance.now();
  let label = '';
  let where = '';
  const eta = (): string => {
    const rate = (done - startDone) / ((performance.now() - started) / 1000);
    return rate > 0 ? formatSeconds((total - done) / rate) : '?';
  };

  if (!bars) {
    return {
      startGeneration(l, g, gens, size) {
        label = l;
        where = `generation ${g}/${gens}`;
        stream.write(`[${label}] ${where}: training on ${size} images\n`);
      },
      batch(_ctx, n) {
        done += n;
      },
      epochEnd(ctx) {
        const pct = ((100 * done) / total).toFixed(1);
        stream.write(`[${label}] ${where} epoch ${ctx.epoch}/${ctx.epochs}: train loss ${ctx.trainLoss.toFixed(2)} (${ctx.seconds.toFixed(1)} s) | ${pct}% of the experiment, ETA ${eta()}\n`);
      },
      log: (line) => stream.write(line + '\n'),
      stop() {},
    };
  }

  const multi = new cliProgress.MultiBar(
    { stream, hideCursor: true, clearOnComplete: false, etaBuffer: 200, format: '{label} |{bar}| {percentage}% {info}' },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(total, done, { label: 'experiment'.padEnd(28), info: '' });
  let epochBar: cliProgress.SingleBar | null = null;
  return {
    startGeneration(l, g, gens, size) {
      label = l;
      where = `gen ${g}/${gens}`;
      epochBar?.stop();
      multi.remove(epochBar!);
      epochBar = multi.create(size, 0, { label: `${label} ${where}`.padEnd(28), info: '' });
    },
    batch(ctx, n) {
      done += n;
      overall.update(done, { info: `ETA ${eta()}` });
      epochBar?.update(ctx.images, { info: `epoch ${ctx.epoch}/${ctx.epochs}` });
    },
    epochEnd(ctx) {
      multi.log(`[${label}] ${where} epoch ${ctx.epoch}/${ctx.epochs}: train loss ${ctx.trainLoss.toFixed(2)} (${ctx.seconds.toFixed(1)} s)\n`);
    },
    log: (line) => multi.log(line + '\n'),
    stop: () => multi.stop(),
  };
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}
