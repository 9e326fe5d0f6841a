import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { childEnv, ROOT, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('theory CLIs', () => {
  it('--json | head: a reader that closes stdout early ends the script quietly (exit 0, no EPIPE trace)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/regression.ts', '--trials', '50', '--generations', '3', '--json'],
      { cwd: ROOT, env: childEnv() },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like `head -c 1`: read the first bytes, then close the pipe while the script still writes.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('regression --json prints the contract object, one per scheme: configuration, estimates, standard errors, closed forms', async () => {
    const r = await runCli('regression', [
      '--scheme',
      'accumulate',
      '--d',
      '3',
      '--T',
      '12',
      '--sigma',
      '1',
      '--generations',
      '4',
      '--trials',
      '200',
      '--seed',
      '0',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]);
    expect(Object.keys(j)).toEqual([
      'experiment',
      'scheme',
      'd',
      'T',
      'sigma',
      'lambda',
      'covariance',
      'design',
      'wStar',
      'T0',
      'sigma0',
      'lambdaExponent',
      'generations',
      'trials',
      'seed',
      'testError',
      'varianceRatio',
      'testErrorSe',
      'varianceRatioSe',
      'theory',
      'theoryVarianceRatio',
      'theoryLowDimensional',
      'theoryRandomMatrix',
    ]);
    expect(j).toMatchObject({
      experiment: 'regression',
      scheme: 'accumulate',
      d: 3,
      T: 12,
      sigma: 1,
      lambda: 0,
      covariance: [1, 1, 1],
      design: 'fixed',
      generations: 4,
      trials: 200,
      seed: 0,
    });
    expect(j.testError).toHaveLength(4);
    expect(j.testErrorSe.every((s: number) => s > 0)).toBe(true);
    expect(j.varianceRatio[0]).toBe(1);
    // eq. (6): σ²d/(T-d-1)·Σ_{i<=k} 1/i², and the variance ratio's own closed form Σ_{i<=k} 1/i².
    expect(j.theory[1]).toBeCloseTo((3 / 8) * 1.25, 12);
    expect(j.theoryVarianceRatio.slice(0, 2)).toEqual([1, 1.25]);
    // eq. (3)'s approximations are for replace only.
    expect(j.theoryLowDimensional).toEqual([null, null, null, null]);
  });

  it('keeps every option in the JSON (the issue: lambda, design and seed were lost), and the same line on 1 and 2 workers', async () => {
    const args = [
      '--lambda',
      '0.5',
      '--design',
      'fresh',
      '--seed',
      '7',
      '--scheme',
      'replace',
      '--d',
      '2',
      '--T',
      '8',
      '--generations',
      '3',
      '--trials',
      '130',
      '--json',
    ];
    const [one, two] = await Promise.all([
      runCli('regression', [...args, '--workers', '1']),
      runCli('regression', [...args, '--workers', '2']),
    ]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ lambda: 0.5, design: 'fresh', seed: 7, theory: [null, null, null] });
    expect(two.stdout).toBe(one.stdout);
  });

  it('gaussian and logistic print their own shape (null theory without a closed form) and draw the figure', async () => {
    const dir = await tempDir();
    const [g, l] = await Promise.all([
      runCli('gaussian', [
        '--scheme',
        'replace,sub',
        '--T',
        '10',
        '--generations',
        '3',
        '--trials',
        '100',
        '--json',
        '--plot',
        join(dir, 'g.png'),
      ]),
      runCli('logistic', [
        '--scheme',
        'sub-repl',
        '--d',
        '2',
        '--T',
        '50',
        '--generations',
        '2',
        '--trials',
        '20',
        '--workers',
        '1',
        '--json',
      ]),
    ]);
    expect(g.code).toBe(0);
    const [rep, sub] = g.stdout
      .trim()
      .split('\n')
      .map((s) => JSON.parse(s));
    expect(rep).toMatchObject({
      experiment: 'gaussian',
      scheme: 'replace',
      d: 1,
      T: 10,
      estimator: 'unbiased',
      seed: 0,
    });
    expect(rep.theory).toHaveLength(3);
    expect(rep.theoryMarginalVariance).toHaveLength(3);
    expect(rep.fittedVarianceSe).toHaveLength(3);
    expect(sub.theory).toEqual([null, null, null]);
    expect(sub.varianceRatio).toHaveLength(3);
    expect((await readFile(join(dir, 'g.png'))).subarray(1, 4).toString()).toBe('PNG');
    expect(l.code).toBe(0);
    const lj = JSON.parse(l.stdout);
    expect(lj).toMatchObject({
      experiment: 'logistic',
      scheme: 'sub-repl',
      d: 2,
      T: 50,
      signal: 1,
      maxIterations: 50,
      theory: [null, null],
      unconverged: [0, 0],
    });
    expect(lj.varianceRatio).toHaveLength(2);
    expect(lj.varianceRatioSe).toHaveLength(2);
  });

  it('--plot draws Figure 6a and 6b as two panels (SVG), and writes a PDF through the same pipeline', async () => {
    const dir = await tempDir();
    const common = ['--d', '3', '--T', '10', '--generations', '3', '--trials', '60', '--workers', '1'];
    const [svg, pdf, two] = await Promise.all([
      runCli('regression', [...common, '--plot', join(dir, 'fig6.svg')]),
      runCli('regression', [...common, '--scheme', 'accumulate', '--plot', join(dir, 'fig6.pdf')]),
      runCli('logistic', [
        '--d',
        '2',
        '--T',
        '40',
        '--generations',
        '3',
        '--trials',
        '40',
        '--workers',
        '1',
        '--plot-metric',
        'testError,varianceRatio',
        '--plot',
        join(dir, 'two.svg'),
      ]),
    ]);
    expect(svg.code).toBe(0);
    expect(svg.stdout).toContain(`figure: ${join(dir, 'fig6.svg')}`);
    const text = await readFile(join(dir, 'fig6.svg'), 'utf8');
    expect(text).toContain('>(a) Comparison of aggregation methods</text>');
    // Its simulated curve stays below π²/6 in these generations, and the title says so.
    expect(text).toContain('>(b) Accumulation stays under the bound π²/6</text>');
    expect(text).toContain('>π²/6 bound</text>');
    expect(text.match(/aria-label="Y-axis/g)).toHaveLength(2);
    expect(pdf.code).toBe(0);
    expect((await readFile(join(dir, 'fig6.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
    expect(two.code).toBe(0);
    const panels = await readFile(join(dir, 'two.svg'), 'utf8');
    expect(panels).toContain('>E‖θ_k − θ0‖² in the Fisher norm</text>');
    expect(panels).toContain('>variance ratio Var(θ_k) / Var(θ_1)</text>');
    expect((await readdir(dir)).sort()).toEqual(['fig6.pdf', 'fig6.svg', 'two.svg']);
  });

  it('--help shows the shared usage line and that script’s own defaults', async () => {
    const [reg, gau, log] = await Promise.all([
      runCli('regression', ['--help']),
      runCli('gaussian', ['--help']),
      runCli('logistic', ['--help']),
    ]);
    for (const [r, name] of [
      [reg, 'regression'],
      [gau, 'gaussian'],
      [log, 'logistic'],
    ] as const) {
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(`Usage: npx tsx scripts/${name}.ts [flags]`);
    }
    // yargs wraps long lines: match across any white space.
    const says = (text: string, phrase: string) => expect(text.replace(/\s+/g, ' ')).toContain(phrase);
    says(reg.stdout, 'features (default: 10)');
    says(reg.stdout, 'rows per generation, at least d + 2 (default: 100)');
    says(gau.stdout, 'dimension (1: a variance, more: a covariance matrix) (default: 1)');
    says(log.stdout, 'features (default: 5)');
    says(log.stdout, 'rows per generation, more than d (default: 500)');
    says(reg.stdout, 'one or a comma list (default: fig6)');
    says(gau.stdout, 'one or a comma list (default: testError)');
  });

  it('stops on bad input with one sentence naming the flag, the value and what was expected, before writing anything', async () => {
    const dir = await tempDir();
    const [scheme, spaced, small, unknown, ext, onlyReplace] = await Promise.all([
      runCli('regression', ['--scheme', 'aug', '--json']),
      runCli('regression', ['--scheme', 'replace', 'accumulate']),
      runCli('regression', ['--d', '10', '--T', '11', '--trials', '10']),
      runCli('logistic', ['--max-iteratons', '5']),
      runCli('gaussian', ['--trials', '10', '--plot', join(dir, 'g.jpg')]),
      runCli('regression', ['--scheme', 'replace', '--trials', '10', '--plot', join(dir, 'r.png')]),
    ]);
    for (const r of [scheme, spaced, small, unknown, ext, onlyReplace]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(scheme.stderr.trim()).toBe("Error: --scheme 'aug' is not one of replace, accumulate, sub or sub-repl.");
    expect(spaced.stderr.trim()).toBe(
      "Error: Unexpected argument 'accumulate'; several values go in one comma list: --scheme replace,accumulate.",
    );
    expect(small.stderr.trim()).toBe('Error: --T must be at least d + 2 = 12 (under-parameterized); got 11.');
    expect(unknown.stderr.trim()).toBe('Error: Unknown flag --max-iteratons; did you mean --max-iterations?');
    expect(ext.stderr.trim()).toBe(`Error: --plot must end in .png, .svg or .pdf; got '${join(dir, 'g.jpg')}'.`);
    expect(onlyReplace.stderr.trim()).toMatch(
      /^Error: --plot-metric fig6 draws accumulate, sub and sub-repl, but the schemes are only replace/,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});
