import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createProgress } from '../../lib/progress.ts';
import type { BatchContext } from '../../lib/train.ts';

/** A stream that keeps what is written; `isTTY` makes it a terminal for createProgress. */
function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) }), {
    isTTY,
    columns: 100,
    rows: 30,
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
  });
  return { stream, text: () => chunks.join('') };
}

/** The batches of one epoch of `count` images in batches of `size`. */
const epoch = (count: number, size: number, e = 1): BatchContext[] => {
  const batches = Math.ceil(count / size);
  return Array.from({ length: batches }, (_, b) => ({
    epoch: e,
    epochs: 2,
    batch: b + 1,
    batches,
    images: Math.min(count, (b + 1) * size),
    step: (e - 1) * batches + b + 1,
  }));
};

describe('createProgress', () => {
  it('counts the images each batch adds (a short last batch included), never more than the experiment holds', () => {
    const out = capture(false);
    // Two runs, 2 epochs of 300 images in batches of 128 each: 1200 images.
    const p = createProgress({ stream: out.stream, totalImages: 1200 });
    for (const label of ['replace', 'accumulate']) {
      p.startGeneration(label, 1, 1, 300);
      for (const e of [1, 2]) {
        for (const b of epoch(300, 128, e)) p.batch(label, b);
        p.epochEnd(label, { epoch: e, epochs: 2, trainLoss: 100, seconds: 1 });
      }
    }
    p.stop();
    const shares = [...out.text().matchAll(/\| ([\d.]+)% of the experiment/g)].map((m) => Number(m[1]));
    expect(shares).toEqual([25, 50, 75, 100]);
    // No estimate from the first instants of training.
    expect(out.text()).toMatch(/ETA \?/);
  });

  it('on a terminal, writes the lines logged just before stop()', () => {
    const out = capture(true);
    const p = createProgress({ stream: out.stream, totalImages: 300 });
    p.startGeneration('replace', 1, 2, 300);
    for (const b of epoch(300, 100)) p.batch('replace', b);
    p.startGeneration('replace', 2, 2, 300);
    p.log('[replace] generation 2: train loss 1.00, test loss 2.00');
    p.stop();
    expect(out.text()).toContain('[replace] generation 2: train loss 1.00, test loss 2.00');
  });
});
