/**
 * What the three theory scripts do after parsing their flags: simulate each requested scheme, print
 * a table (or one JSON object per scheme with `json`), and draw the figure. Streams are passed in;
 * nothing here reads process.argv.
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { writeLineChartTo } from '../report/plot.ts';
import type { LineSeries } from '../report/plot.ts';
import type { Curve, TheoryScheme } from './common.ts';
import { gaussianJson, simulateGaussian } from './gaussian.ts';
import type { GaussianOptions, GaussianResult } from './gaussian.ts';
import { logisticJson, simulateLogistic } from './logistic.ts';
import type { LogisticOptions, LogisticResult } from './logistic.ts';
import { regressionJson, simulateRegression } from './regression.ts';
import type { RegressionOptions, RegressionResult } from './regression.ts';

export type TheoryResult = GaussianResult | RegressionResult | LogisticResult;

/** The per-generation curves each experiment reports, in table order. */
export const THEORY_METRICS = {
  regression: ['testError', 'varianceRatio'],
  gaussian: ['testError', 'varianceRatio', 'fittedVariance', 'fittedVarianceMedian', 'meanError', 'marginalVariance'],
  logistic: ['testError', 'varianceRatio'],
} as const;

export type TheoryMetric<E extends keyof typeof THEORY_METRICS> = (typeof THEORY_METRICS)[E][number];

type Common = 'scheme' | 'onProgress';

/** One experiment, its options (everything but the scheme), and which curve to plot. */
export type TheoryExperiment =
  | { experiment: 'regression'; options: Omit<RegressionOptions, Common>; plotMetric?: OneOrMore<TheoryMetric<'regression'>> }
  | { experiment: 'gaussian'; options: Omit<GaussianOptions, Common>; plotMetric?: OneOrMore<TheoryMetric<'gaussian'>> }
  | { experiment: 'logistic'; options: Omit<LogisticOptions, Common>; plotMetric?: OneOrMore<TheoryMetric<'logistic'>> };

/** A metric, or several drawn in one figure (e.g. the fitted variance's mean and median). Defaults to 'varianceRatio'. */
type OneOrMore<T> = T | readonly T[];

export type TheoryRunOptions = TheoryExperiment & {
  /** Schemes to simulate, each with the same seed (so generation 1 is shared). */
  schemes: readonly TheoryScheme[];
  /** One JSON object per scheme on `stdout`, one per line, instead of the table. Defaults to false. */
  json?: boolean;
  /** Write the figure here (.png or .svg). */
  plot?: string;
  /** Logarithmic y axis in the figure. Defaults to false. */
  logY?: boolean;
  stdout: Writable;
  /** Progress bar and notes; a bar is drawn only when this is a TTY. */
  stderr: Writable & { isTTY?: boolean };
};

const TITLES: Record<TheoryRunOptions['experiment'], string> = {
  regression: 'Linear regression',
  gaussian: 'Gaussian',
  logistic: 'Logistic regression',
};

const LABELS: Record<string, Record<string, string>> = {
  regression: { testError: 'test error E‖ŵ_k − w*‖²_Σ', varianceRatio: 'variance ratio Var(ŵ_k) / Var(ŵ_1)' },
  gaussian: {
    testError: 'E W2² to the truth',
    varianceRatio: 'variance ratio Var(μ_g) / Var(μ_1)',
    fittedVariance: 'mean of tr Σ_g / (dσ²)',
    fittedVarianceMedian: 'median of tr Σ_g / (dσ²)',
    meanError: 'E‖μ_g − μ‖²',
    marginalVariance: 'Var(X_g) per coordinate',
  },
  logistic: { testError: 'E‖θ_k − θ0‖² in the Fisher norm', varianceRatio: 'variance ratio Var(θ_k) / Var(θ_1)' },
};

function simulate(run: TheoryExperiment, scheme: TheoryScheme, onProgress?: (done: number, total: number) => void): Promise<TheoryResult> {
  switch (run.experiment) {
    case 'regression':
      return simulateRegression({ ...run.options, scheme, onProgress });
    case 'gaussian':
      return simulateGaussian({ ...run.options, scheme, onProgress });
    case 'logistic':
      return simulateLogistic({ ...run.options, scheme, onProgress });
    default: {
      const never: never = run;
      throw new Error(`Unknown experiment ${JSON.stringify(never)}.`);
    }
  }
}

/** The `--json` object of a result. */
export function theoryJson(r: TheoryResult): object {
  switch (r.experiment) {
    case 'regression':
      return regressionJson(r);
    case 'gaussian':
      return gaussianJson(r);
    case 'logistic':
      return logisticJson(r);
    default: {
      const never: never = r;
      throw new Error(`Unknown result ${JSON.stringify(never)}.`);
    }
  }
}

function curvesOf(r: TheoryResult): [string, Curve][] {
  return THEORY_METRICS[r.experiment].map((m) => [m, (r as unknown as Record<string, Curve>)[m]]);
}

function describe(r: TheoryResult): string {
  const base = `d=${r.d} T=${r.T}`;
  switch (r.experiment) {
    case 'regression':
      return `${base} sigma=${r.sigma} lambda=${r.lambda} design=${r.design}${r.covariance.every((s) => s === 1) ? '' : ` covariance=[${r.covariance.join(',')}]`}`;
    case 'gaussian':
      return `${base} sigma=${r.sigma} estimator=${r.estimator}`;
    case 'logistic':
      return `${base} signal=${r.signal}`;
    default: {
      const never: never = r;
      return String(never);
    }
  }
}

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(5));

/** A per-generation table of every curve, its closed form beside it where one exists, then notes. */
export function formatTheoryTable(r: TheoryResult): string {
  const curves = curvesOf(r);
  const cols: { head: string; cells: string[] }[] = [{ head: 'gen', cells: r.testError.sim.map((_, i) => String(i + 1)) }];
  for (const [name, c] of curves) {
    cols.push({ head: name, cells: c.sim.map(fmt) });
    if (c.theory.some((t) => t !== null)) cols.push({ head: 'theory', cells: c.theory.map(fmt) });
  }
  const widths = cols.map((c) => Math.max(c.head.length, ...c.cells.map((s) => s.length)));
  const line = (cells: string[]): string => cells.map((s, i) => s.padStart(widths[i])).join('  ');
  const lines = [
    `${TITLES[r.experiment]} · scheme ${r.scheme} · ${describe(r)} · ${r.generations} generations · ${r.trials} trials (seed ${r.seed}) · ${r.seconds.toFixed(1)} s on ${r.workers} worker${r.workers === 1 ? '' : 's'}`,
    line(cols.map((c) => c.head)),
    ...r.testError.sim.map((_, i) => line(cols.map((c) => c.cells[i]))),
  ];
  const last = r.generations - 1;
  for (const [name, c] of curves) {
    const t = c.theory[last];
    const s = c.sim[last];
    if (t === null || !Number.isFinite(s)) continue;
    const se = c.se[last];
    const z = Number.isFinite(se) && se > 0 ? `, ${((s - t) / se).toFixed(1)} SE` : '';
    lines.push(`  gen ${last + 1} ${name}: ${fmt(s)} ± ${Number.isFinite(se) ? se.toPrecision(2) : '—'} simulated vs ${fmt(t)} closed form (${(((s - t) / t) * 100).toFixed(2)}%${z})`);
  }
  if (r.experiment === 'logistic') {
    const bad = r.unconverged.reduce((a, b) => a + b, 0);
    if (bad > 0) {
      lines.push(
        `  warning: ${bad} fits did not converge (separable data: the MLE does not exist), first at generation ${r.unconverged.findIndex((n) => n > 0) + 1}; raise T or lower d.`,
      );
    }
  }
  return lines.join('\n');
}

function chartSeries(results: TheoryResult[], metrics: readonly string[]): LineSeries[] {
  const series: LineSeries[] = [];
  for (const metric of metrics) {
    for (const r of results) {
      const c = (r as unknown as Record<string, Curve>)[metric];
      const x = c.sim.map((_, i) => i + 1);
      const name = metrics.length === 1 ? r.scheme : `${r.scheme} ${metric}`;
      const hasSe = c.se.some((s) => Number.isFinite(s) && s > 0);
      series.push({
        name,
        x,
        y: c.sim,
        // ±2 standard errors of the Monte Carlo estimate.
        band: hasSe ? { lo: c.sim.map((s, i) => s - 2 * c.se[i]), hi: c.sim.map((s, i) => s + 2 * c.se[i]) } : undefined,
      });
      if (c.theory.some((t) => t !== null)) series.push({ name: `${name} (closed form)`, group: name, x, y: c.theory, dashed: true });
    }
  }
  if (metrics.includes('varianceRatio') && results.some((r) => r.scheme === 'accumulate')) {
    const x = results[0].varianceRatio.sim.map((_, i) => i + 1);
    series.push({ name: 'π²/6 bound', x, y: x.map(() => Math.PI ** 2 / 6), dashed: true, color: '#888' });
  }
  return series;
}

/** Simulates every scheme, prints, plots; returns the results. */
export async function runTheory(o: TheoryRunOptions): Promise<TheoryResult[]> {
  const metrics: readonly string[] = typeof o.plotMetric === 'string' ? [o.plotMetric] : (o.plotMetric ?? ['varianceRatio']);
  for (const metric of metrics) {
    if (!(THEORY_METRICS[o.experiment] as readonly string[]).includes(metric)) {
      throw new Error(`Plot metric '${metric}' is not reported by ${o.experiment}; expected one of ${THEORY_METRICS[o.experiment].join(', ')}.`);
    }
  }
  if (o.schemes.length === 0) throw new Error(`Option 'scheme' needs at least one scheme.`);
  const results: TheoryResult[] = [];
  for (const scheme of o.schemes) {
    const bar = o.stderr.isTTY
      ? new cliProgress.SingleBar(
          { stream: o.stderr as NodeJS.WritableStream, format: `${o.experiment} ${scheme} [{bar}] {value}/{total} trials · {duration}s`, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    let started = false;
    const r = await simulate(o, scheme, (done, total) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    });
    if (started) bar?.stop();
    results.push(r);
    o.stdout.write(o.json ? `${JSON.stringify(theoryJson(r))}\n` : `${formatTheoryTable(r)}\n\n`);
  }
  if (o.plot) {
    const r0 = results[0];
    const series = chartSeries(results, metrics);
    await writeLineChartTo(
      {
        title: `${TITLES[o.experiment]}: ${describe(r0)}, ${r0.trials} trials`,
        xLabel: 'generation',
        yLabel: metrics.map((m) => LABELS[o.experiment][m]).join(', '),
        series,
        logY: o.logY,
        dashLegend: series.some((s) => s.dashed) ? ['simulated (±2 SE)', 'closed form'] : undefined,
      },
      o.plot,
    );
    if (!o.json) o.stdout.write(`figure: ${o.plot}\n`);
  }
  return results;
}
