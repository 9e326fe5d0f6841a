/**
 * What the three theory scripts do after parsing their flags: simulate each requested scheme, print
 * a table (or one JSON object per scheme with `json`), and draw the figure. Streams are passed in;
 * nothing here reads process.argv.
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { PLOT_EXTENSIONS, writeChartTo } from '../report/plot.ts';
import type { ChartPanel, LineSeries } from '../report/plot.ts';
import type { Curve, TheoryScheme } from './common.ts';
import { optionError } from './fields.ts';
import { THEORY_SIMULATORS } from './simulators.ts';
import type { TheoryExperimentName } from './simulators.ts';

type Simulators = typeof THEORY_SIMULATORS;

/** What any of the simulators returns. */
export type TheoryResult = {
  [K in TheoryExperimentName]: Awaited<ReturnType<Simulators[K]['simulate']>>;
}[TheoryExperimentName];

/** The per-generation curves each experiment reports, in table order. */
export const THEORY_METRICS = Object.fromEntries(
  Object.entries(THEORY_SIMULATORS).map(([k, s]) => [k, Object.keys(s.metrics)]),
) as unknown as {
  [K in TheoryExperimentName]: readonly (keyof Simulators[K]['metrics'] & string)[];
};

/** A quantity a simulator estimates (e.g. testError, varianceRatio). */
export type TheoryMetric<E extends TheoryExperimentName> = keyof Simulators[E]['metrics'] & string;

/**
 * The survey's Figure 6: (a) the variance ratio of the accumulating schemes (accumulate = the
 * survey's "aug", sub, sub-repl), (b) accumulate's against its closed form Σ_{i<=k} 1/i² and π²/6.
 */
export const FIGURE_6 = 'fig6';

/** A figure panel: one metric (every scheme), or the two panels of FIGURE_6. */
export type TheoryPlot<E extends TheoryExperimentName> = TheoryMetric<E> | typeof FIGURE_6;

/** What `--plot` draws when `plotMetric` is not given. */
export const DEFAULT_PLOT: { [K in TheoryExperimentName]: readonly TheoryPlot<K>[] } = {
  regression: [FIGURE_6],
  gaussian: ['testError'],
  logistic: [FIGURE_6],
  poisson: [FIGURE_6],
};

type OptionsOf<E extends TheoryExperimentName> = Omit<
  NonNullable<Parameters<Simulators[E]['simulate']>[0]>,
  'scheme' | 'onProgress'
>;

/** One experiment, its options (everything but the scheme), and what to plot. */
export type TheoryExperiment = {
  [K in TheoryExperimentName]: {
    experiment: K;
    options?: OptionsOf<K>;
    /** The figure's panels, each with its own y axis. Defaults to DEFAULT_PLOT[experiment]. */
    plotMetric?: readonly TheoryPlot<K>[];
  };
}[TheoryExperimentName];

/** Options of runTheory: the simulator and its options, the schemes, and the output (table, JSON, figure). */
export type TheoryRunOptions = TheoryExperiment & {
  /** Schemes to simulate, each with the same seed (so generation 1 is shared). */
  schemes: readonly TheoryScheme[];
  /** One JSON object per scheme on `stdout`, one per line, instead of the table. Defaults to false. */
  json?: boolean;
  /** Write the figure here (.png, .svg or .pdf). */
  plot?: string;
  /** Logarithmic y axes in the figure. Defaults to false. */
  logY?: boolean;
  stdout: Writable;
  /** Progress bar and notes; a bar is drawn only when this is a TTY. */
  stderr: Writable & { isTTY?: boolean };
};

/** The simulator behind a result or an experiment name, with its types widened for generic use. */
function simulatorOf(name: TheoryExperimentName) {
  return THEORY_SIMULATORS[name] as unknown as {
    title: string;
    metrics: Record<string, { label: string }>;
    simulate(o: object): Promise<TheoryResult>;
    json(r: TheoryResult): object;
    describe(c: TheoryResult): string;
    notes(r: TheoryResult): string[];
  };
}

const curveOf = (r: TheoryResult, metric: string): Curve => (r as unknown as Record<string, Curve>)[metric];

/** The `--json` object of a result. */
export function theoryJson(r: TheoryResult): object {
  return simulatorOf(r.experiment).json(r);
}

const fmt = (v: number | null): string =>
  v === null || !Number.isFinite(v)
    ? '—'
    : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(3)
      : v.toPrecision(5);

/** A per-generation table of every curve, its closed form beside it where one exists, then notes. */
export function formatTheoryTable(r: TheoryResult): string {
  const sim = simulatorOf(r.experiment);
  const curves = Object.keys(sim.metrics).map((m) => [m, curveOf(r, m)] as const);
  const cols: { head: string; cells: string[] }[] = [
    { head: 'gen', cells: r.testError.sim.map((_, i) => String(i + 1)) },
  ];
  for (const [name, c] of curves) {
    cols.push({ head: name, cells: c.sim.map(fmt) });
    if (c.theory.some((t) => t !== null)) cols.push({ head: 'theory', cells: c.theory.map(fmt) });
    for (const [form, v] of Object.entries(c.forms))
      if (v.some((t) => t !== null)) cols.push({ head: form, cells: v.map(fmt) });
  }
  const widths = cols.map((c) => Math.max(c.head.length, ...c.cells.map((s) => s.length)));
  const line = (cells: string[]): string => cells.map((s, i) => s.padStart(widths[i])).join('  ');
  const lines = [
    `${sim.title} · scheme ${r.scheme} · ${sim.describe(r)} · ${r.generations} generations · ${r.trials} ` +
      `trials (seed ${r.seed}) · ${r.seconds.toFixed(1)} s on ${r.workers} worker${r.workers === 1 ? '' : 's'}`,
    line(cols.map((c) => c.head)),
    ...r.testError.sim.map((_, i) => line(cols.map((c) => c.cells[i]))),
  ];
  const last = r.generations - 1;
  for (const [name, c] of curves) {
    const s = c.sim[last];
    const se = c.se[last];
    const forms: [string, number | null][] = [
      ['closed form', c.theory[last]],
      ...Object.entries(c.forms).map(([f, v]) => [`${f} form`, v[last]] as [string, number | null]),
    ];
    for (const [what, t] of forms) {
      if (t === null || !Number.isFinite(s)) continue;
      const z = Number.isFinite(se) && se > 0 ? `, ${((s - t) / se).toFixed(1)} SE` : '';
      lines.push(
        `  gen ${last + 1} ${name}: ${fmt(s)} ± ${Number.isFinite(se) ? se.toPrecision(2) : '—'} ` +
          `simulated vs ${fmt(t)} ${what} (${(((s - t) / t) * 100).toFixed(2)}%${z})`,
      );
    }
  }
  for (const note of sim.notes(r)) lines.push(`  ${note}`);
  return lines.join('\n');
}

const generationsOf = (c: Curve): number[] => c.sim.map((_, i) => i + 1);

/** One colour per scheme in every figure (vega's tableau10), so accumulate looks the same in Figure 6 and elsewhere. */
const SCHEME_COLORS: Record<TheoryScheme, string> = {
  replace: '#4c78a8',
  accumulate: '#f58518',
  sub: '#e45756',
  'sub-repl': '#72b7b2',
};

/** Colours of the approximate closed forms, so they stand apart from every scheme's. */
const FORM_COLORS: Record<string, string> = { lowDimensional: '#54a24b', randomMatrix: '#b279a2' };

/** A scheme's simulated curve with a ±2 SE band, and (when asked and known) its closed form, dashed. */
function schemeSeries(r: TheoryResult, metric: string, closedForm: boolean): LineSeries[] {
  const c = curveOf(r, metric);
  const x = generationsOf(c);
  const hasSe = c.se.some((s) => Number.isFinite(s) && s > 0);
  const series: LineSeries[] = [
    {
      name: r.scheme,
      color: SCHEME_COLORS[r.scheme],
      x,
      y: c.sim,
      // ±2 standard errors of the Monte Carlo estimate.
      band: hasSe ? { lo: c.sim.map((s, i) => s - 2 * c.se[i]), hi: c.sim.map((s, i) => s + 2 * c.se[i]) } : undefined,
    },
  ];
  if (closedForm && c.theory.some((t) => t !== null))
    series.push({ name: `${r.scheme} (closed form)`, group: r.scheme, x, y: c.theory, dashed: true });
  if (closedForm) {
    for (const [form, y] of Object.entries(c.forms)) {
      if (y.some((t) => t !== null))
        series.push({ name: `${r.scheme} (${form} form)`, x, y, dashed: true, color: FORM_COLORS[form] });
    }
  }
  return series;
}

/** π²/6 = Σ 1/i², the limit of accumulate's variance ratio. */
const BASEL = Math.PI ** 2 / 6;

/** eq. (6): accumulate's variance ratio is bounded by Σ 1/i² < π²/6. */
function baselSeries(generations: number): LineSeries {
  const x = Array.from({ length: generations }, (_, i) => i + 1);
  return { name: 'π²/6 bound', x, y: x.map(() => BASEL), dashed: true, color: '#888' };
}

/**
 * The panels of `plots` for these results; throws (before any simulation, given `schemes`) when one cannot be
 * drawn.
 */
function panelsFor(
  experiment: TheoryExperimentName,
  plots: readonly string[],
  schemes: readonly TheoryScheme[],
  results: readonly TheoryResult[],
): ChartPanel[] {
  const sim = simulatorOf(experiment);
  const of = (scheme: TheoryScheme) => results.filter((r) => r.scheme === scheme);
  const generations = results[0]?.generations ?? 1;
  const panels: ChartPanel[] = [];
  for (const plot of plots) {
    if (plot === FIGURE_6) {
      const aggregating = schemes.filter((s) => s !== 'replace');
      if (aggregating.length === 0) {
        throw optionError(
          'plotMetric',
          `${FIGURE_6} draws accumulate, sub and sub-repl, but the schemes are only ${schemes.join(', ')}; ` +
            `add one of them or plot a metric such as varianceRatio`,
          plots,
        );
      }
      const label = sim.metrics.varianceRatio.label;
      panels.push({
        title: '(a) Comparison of aggregation methods',
        yLabel: label,
        series: aggregating.flatMap((s) => of(s).flatMap((r) => schemeSeries(r, 'varianceRatio', false))),
      });
      if (schemes.includes('accumulate')) {
        const accumulate = of('accumulate').flatMap((r) => schemeSeries(r, 'varianceRatio', true));
        // The title says what the simulated curve shows: below the bound in every generation, or not.
        const under = accumulate.filter((s) => !s.dashed).every((s) => s.y.every((v) => v === null || v < BASEL));
        panels.push({
          title: under ? '(b) Accumulation stays under the bound π²/6' : '(b) Accumulation against the bound π²/6',
          yLabel: label,
          series: [...accumulate, baselSeries(generations)],
        });
      }
    } else {
      if (!Object.hasOwn(sim.metrics, plot)) {
        throw optionError(
          'plotMetric',
          `must list ${FIGURE_6} or metrics of ${experiment} (${Object.keys(sim.metrics).join(', ')})`,
          plots,
        );
      }
      const series = results.flatMap((r) => schemeSeries(r, plot, true));
      if (plot === 'varianceRatio' && schemes.includes('accumulate')) series.push(baselSeries(generations));
      panels.push({ yLabel: sim.metrics[plot].label, series });
    }
  }
  return panels;
}

/** Simulates every scheme, prints, plots; returns the results. Bad plot settings stop it before the first trial. */
export async function runTheory(o: TheoryRunOptions): Promise<TheoryResult[]> {
  const plots: readonly string[] = o.plotMetric ?? DEFAULT_PLOT[o.experiment];
  if (o.schemes.length === 0) throw optionError('schemes', 'must list at least one scheme', []);
  if (o.plot) {
    if (!PLOT_EXTENSIONS.some((ext) => o.plot!.toLowerCase().endsWith(ext)))
      throw optionError('plot', 'must end in .png, .svg or .pdf', o.plot);
    if (plots.length === 0) throw optionError('plotMetric', 'must list at least one panel', []);
    panelsFor(o.experiment, plots, o.schemes, []);
  }
  const sim = simulatorOf(o.experiment);
  const results: TheoryResult[] = [];
  for (const scheme of o.schemes) {
    const bar = o.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            stream: o.stderr as NodeJS.WritableStream,
            format: `${o.experiment} ${scheme} [{bar}] {value}/{total} trials · {duration}s`,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    let started = false;
    const r = await sim.simulate({
      ...o.options,
      scheme,
      onProgress: (done: number, total: number) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
    });
    if (started) bar?.stop();
    results.push(r);
    o.stdout.write(o.json ? `${JSON.stringify(theoryJson(r))}\n` : `${formatTheoryTable(r)}\n\n`);
  }
  if (o.plot) {
    const r0 = results[0];
    const panels = panelsFor(o.experiment, plots, o.schemes, results).map((p) => ({ ...p, logY: o.logY }));
    await writeChartTo(
      {
        title: `${sim.title}: ${sim.describe(r0)}, ${r0.trials} trials (seed ${r0.seed})`,
        xLabel: 'generation',
        panels: panels.length === 1 ? [{ ...panels[0], width: 480, height: 300 }] : panels,
        integerX: true,
        dashLegend: panels.some((p) => p.series.some((s) => s.dashed))
          ? ['simulated (±2 SE)', 'closed form']
          : undefined,
      },
      o.plot,
    );
    if (!o.json) o.stdout.write(`figure: ${o.plot}\n`);
  }
  return results;
}
