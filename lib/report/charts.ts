/**
 * The report's curves drawn with lib/report/plot.ts: a line per scheme, a 95% band across seeds, and
 * the real-data value of a metric as a dashed line.
 */
import { describeCurves } from './captions.ts';
import { formatNumber } from './format.ts';
import { baselineValue, CURVE_FIELDS, curvePoints, seriesNamer } from './curves.ts';
import type { CurveField, CurvePoint } from './curves.ts';
import { renderLineChartSvg, svgToPng } from './plot.ts';
import type { LineChart, LineSeries } from './plot.ts';
import type { RunSummary } from './runs.ts';

export interface RenderedChart {
  /** File-name stem, e.g. 'vae-test-loss'. */
  name: string;
  title: string;
  caption: string;
  svg: string;
  png: Uint8Array;
  /** CSS pixel size of the chart (the PNG is drawn at twice this). */
  width: number;
  height: number;
}

/** One chart per curve field that any run has (per model family for the losses). */
export async function renderCurves(
  runs: readonly RunSummary[],
  fields: readonly CurveField[] = CURVE_FIELDS,
): Promise<RenderedChart[]> {
  const kinds = [...new Set(runs.map((r) => r.kind))];
  const out: RenderedChart[] = [];
  for (const f of fields) {
    const groups = f.perKind
      ? kinds.map((k) => ({ kind: k as string | null, runs: runs.filter((r) => r.kind === k) }))
      : [{ kind: null, runs: [...runs] }];
    for (const g of groups) {
      const points = curvePoints(g.runs, f.field, seriesNamer(g.runs, g.kind === null && kinds.length > 1));
      if (points.length === 0) continue;
      const title = g.kind ? `${g.kind.toUpperCase()}: ${f.title}` : f.title;
      const baseline = f.baseline ? baselineValue(g.runs, f.baseline) : null;
      const chart = curveChart({ title, yLabel: f.unit, points, baseline });
      const svg = await renderLineChartSvg(chart);
      const size = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
      out.push({
        name: `${g.kind ? `${g.kind}-` : ''}${kebab(f.field)}`,
        title,
        caption: `${f.caption} ${describeCurves(points)}${baselineNote(baseline)}${seedNote(points)}`,
        svg,
        png: new Uint8Array(await svgToPng(svg, 2)),
        width: size ? Math.round(Number(size[1])) : 0,
        height: size ? Math.round(Number(size[2])) : 0,
      });
    }
  }
  return out;
}

/** " Line: mean over seeds (replace: 2 seeds); band: ..." when some line averages several seeds. */
function seedNote(points: readonly CurvePoint[]): string {
  const seeds = new Map<string, number>();
  for (const p of points) seeds.set(p.series, Math.max(seeds.get(p.series) ?? 0, p.seeds));
  const several = [...seeds].filter(([, n]) => n > 1);
  if (several.length === 0) return '';
  return (
    ` Line: mean over seeds (${several.map(([s, n]) => `${s}: ${n} seeds`).join(', ')}); band: ` +
    `95% confidence interval of the mean (Student's t).`
  );
}

export interface CurveChartInput {
  title: string;
  yLabel: string;
  points: readonly CurvePoint[];
  /** Drawn as a dashed line named "real data". */
  baseline?: number | null;
}

/** The plot.ts chart of one curve field (exported for tests). */
export function curveChart(input: CurveChartInput): LineChart {
  const { points, baseline } = input;
  // Series keep the order they first appear in (the runs' order: replace before accumulate).
  const names = [...new Set(points.map((p) => p.series))];
  const series: LineSeries[] = names.map((name) => {
    const mine = points.filter((p) => p.series === name).sort((a, b) => a.generation - b.generation);
    const line: LineSeries = { name, x: mine.map((p) => p.generation), y: mine.map((p) => p.mean) };
    return mine.some((p) => p.seeds > 1)
      ? { ...line, band: { lo: mine.map((p) => p.lo), hi: mine.map((p) => p.hi) } }
      : line;
  });
  if (baseline !== undefined && baseline !== null && Number.isFinite(baseline)) {
    const maxGen = Math.max(2, ...points.map((p) => p.generation));
    series.push({ name: 'real data', x: [1, maxGen], y: [baseline, baseline], dashed: true, color: '#888888' });
  }
  return {
    title: input.title,
    xLabel: 'generation',
    yLabel: input.yLabel,
    series,
    width: 420,
    height: 240,
    integerX: true,
  };
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** " Dashed: real training images, 12.3." when the chart has a baseline. */
function baselineNote(baseline: number | null): string {
  return baseline !== null ? ` Dashed: real training images, ${formatNumber(baseline)}.` : '';
}
