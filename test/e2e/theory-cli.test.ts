import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('theory CLIs', () => {
  it('regression --json prints exactly the contract object, one per scheme', async () => {
    const r = await runCli('regression', ['--scheme', 'accumulate', '--d', '3', '--T', '12', '--sigma', '1', '--generations', '4', '--trials', '200', '--seed', '0', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]);
    expect(Object.keys(j)).toEqual(['scheme', 'd', 'T', 'sigma', 'generations', 'trials', 'testError', 'varianceRatio', 'theory']);
    expect(j).toMatchObject({ scheme: 'accumulate', d: 3, T: 12, sigma: 1, generations: 4, trials: 200 });
    expect(j.testError).toHaveLength(4);
    expect(j.varianceRatio[0]).toBe(1);
    // eq. (6): σ²d/(T-d-1)·Σ_{i<=k} 1/i²
    expect(j.theory[1]).toBeCloseTo((3 / 8) * 1.25, 12);
  });

  it('gaussian and logistic print the same shape (null theory without a closed form) and draw the figure', async () => {
    const dir = await tempDir();
    const [g, l] = await Promise.all([
      runCli('gaussian', ['--scheme', 'replace,sub', '--T', '10', '--generations', '3', '--trials', '100', '--json', '--plot', join(dir, 'g.png')]),
      runCli('logistic', ['--scheme', 'sub-repl', '--d', '2', '--T', '50', '--generations', '2', '--trials', '20', '--workers', '1', '--json']),
    ]);
    expect(g.code).toBe(0);
    const [rep, sub] = g.stdout.trim().split('\n').map((s) => JSON.parse(s));
    expect(rep.scheme).toBe('replace');
    expect(rep.theory).toHaveLength(3);
    expect(sub.theory).toEqual([null, null, null]);
    expect(sub.varianceRatio).toHaveLength(3);
    expect((await readFile(join(dir, 'g.png'))).subarray(1, 4).toString()).toBe('PNG');
    expect(l.code).toBe(0);
    const lj = JSON.parse(l.stdout);
    expect(lj).toMatchObject({ scheme: 'sub-repl', d: 2, T: 50, theory: [null, null], unconverged: [0, 0] });
    expect(lj.varianceRatio).toHaveLength(2);
  });

  it('stops on bad input with one sentence naming it and a non-zero exit', async () => {
    const [scheme, small] = await Promise.all([
      runCli('regression', ['--scheme', 'aug', '--json']),
      runCli('regression', ['--d', '10', '--T', '11', '--trials', '10']),
    ]);
    expect(scheme.code).toBe(1);
    expect(scheme.stdout).toBe('');
    expect(scheme.stderr).toMatch(/Argument: scheme, Given: "aug", Choices: "replace", "accumulate", "sub", "sub-repl"/);
    expect(small.code).toBe(1);
    expect(small.stderr.trim()).toBe("Option 'T' must be at least d + 2 = 12 (under-parameterized); got 11.");
  });
});
