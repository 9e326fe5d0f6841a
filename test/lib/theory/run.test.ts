import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTheoryTable, runTheory } from '../../../lib/theory/run.ts';
import { simulateLogistic } from '../../../lib/theory/logistic.ts';
import { tempDir } from '../../helpers/tmp.ts';

/** A stream that keeps what is written to it. */
function sink(): Writable & { text: string } {
  const s = new Writable({
    write(chunk, _enc, done) {
      s.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  s.text = '';
  return s;
}

describe('theory/run', () => {
  it('prints a table with the closed forms beside the simulation and the last generation compared in SE', async () => {
    const stdout = sink();
    const [r] = await runTheory({
      experiment: 'regression',
      options: { d: 2, T: 8, generations: 3, trials: 50, workers: 1 },
      schemes: ['replace'],
      stdout,
      stderr: sink(),
    });
    const lines = stdout.text.split('\n');
    expect(lines[0]).toMatch(
      /^Linear regression · scheme replace · d=2 T=8 sigma=1 lambda=0 design=fixed · 3 generations · 50 trials \(seed 0\)/,
    );
    // eq. (3)'s two approximations sit beside replace's exact eq. (5).
    expect(lines[1].trim().split(/\s+/)).toEqual([
      'gen',
      'testError',
      'theory',
      'lowDimensional',
      'randomMatrix',
      'varianceRatio',
      'theory',
    ]);
    expect(stdout.text).toContain(
      `gen 3 varianceRatio: ${r.varianceRatio.sim[2].toPrecision(5)} ± ${r.varianceRatio.se[2].toPrecision(2)} simulated vs 3.0000 closed form`,
    );
  });

  it('prints the logistic warning under the table when fits did not converge', async () => {
    // d = 4 features on T = 6 rows: separable data is common, so some fits have no MLE.
    const r = await simulateLogistic({
      scheme: 'replace',
      d: 4,
      T: 6,
      generations: 2,
      trials: 30,
      workers: 1,
      maxIterations: 5,
    });
    const bad = r.unconverged.reduce((a, b) => a + b, 0);
    expect(bad).toBeGreaterThan(0);
    expect(formatTheoryTable(r)).toContain(
      `warning: ${bad} fits did not converge (separable data: the MLE does not exist)`,
    );
  });

  it('refuses a figure it cannot draw before simulating anything', async () => {
    const dir = await tempDir();
    const stdout = sink();
    const base = { experiment: 'gaussian' as const, options: { trials: 10, workers: 1 }, stdout, stderr: sink() };
    await expect(
      runTheory({ ...base, schemes: ['replace'], plot: join(dir, 'f.png'), plotMetric: ['fig6'] }),
    ).rejects.toThrow('plotMetric fig6 draws accumulate, sub and sub-repl, but the schemes are only replace');
    await expect(runTheory({ ...base, schemes: ['replace'], plot: join(dir, 'f.gif') })).rejects.toThrow(
      `plot must end in .png, .svg or .pdf; got '${join(dir, 'f.gif')}'.`,
    );
    await expect(
      runTheory({ ...base, schemes: ['replace'], plot: join(dir, 'f.png'), plotMetric: ['wobble' as never] }),
    ).rejects.toThrow('plotMetric must list fig6 or metrics of gaussian');
    expect(stdout.text).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });
});
