/**
 * One chart per metric of aggregate.csv: a line per setting (the mean over seeds) with its 95%
 * confidence band, drawn with lib/report/plot.ts.
 */
import { join } from 'node:path';
import { CURVE_FIELDS } from '../report/curves.ts';
import { renderLineChartSvg, svgToPng } from '../report/plot.ts';
import type { LineChart, LineSeries } from '../report/plot.ts';
import type { Row, Tables } from './aggregate.ts';

export const PLOTS_DIR = 'plots';

export interface SweepPlot {
  metric: string;
  title: string;
  /** Paths relative to the sweep folder. */
  svg: string;
  png: string;
}

/** The name of a setting's line: its values, e.g. "replace" or "lr=0.001 replace". */
export function settingLabel(row: Row, columns: readonly string[]): string {
  return columns.map((c) => (c === 'scheme' ? String(row[c]) : `${c}=${row[c]}`)).join(' ');
}

/** The chart of one metric (exported for tests). */
export function metricChart(tables: Tables, metric: string): LineChart {
  const rows = tables.aggregate.rows.filter((r) => r.metric === metric);
  const names = [...new Set(rows.map((r) => settingLabel(r, tables.settingColumns)))];
  const series: LineSeries[] = names.map((name) => {
    const mine = rows.filter((r) => settingLabel(r, tables.settingColumns) === name);
    const num = (v: Row[string]) => (typeof v === 'number' ? v : NaN);
    const line: LineSeries = { name, x: mine.map((r) => r.generation as number), y: mine.map((r) => r.mean as number) };
    return mine.some((r) => typeof r.ci95Low === 'number') ? { ...line, band: { lo: mine.map((r) => num(r.ci95Low)), hi: mine.map((r) => num(r.ci95High)) } } : line;
  });
  const known = CURVE_FIELDS.find((f) => f.field === metric);
  const words = metricWords(metric);
  return {
    title: `${known?.title ?? words}: mean and 95% CI over seeds`,
    xLabel: 'generation',
    yLabel: known?.unit ?? words,
    series,
    width: 420,
    height: 240,
    integerX: true,
  };
}

/** A record field as words for an axis: pplMean -> "ppl mean", trainLossReal -> "train loss real". */
export function metricWords(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * Draws plots/<metric>.svg and .png for every metric, in memory: `pictures` (file name in plots/ ->
 * bytes) are written with the sweep page, as its pictures (report/ownership.ts).
 */
export async function renderSweepPlots(tables: Tables): Promise<{ plots: SweepPlot[]; pictures: Map<string, Uint8Array | string> }> {
  const plots: SweepPlot[] = [];
  const pictures = new Map<string, Uint8Array | string>();
  for (const metric of tables.metrics) {
    const chart = metricChart(tables, metric);
    if (chart.series.length === 0) continue;
    const svg = await renderLineChartSvg(chart);
    pictures.set(`${metric}.svg`, svg);
    pictures.set(`${metric}.png`, await svgToPng(svg, 2));
    plots.push({ metric, title: chart.title, svg: join(PLOTS_DIR, `${metric}.svg`), png: join(PLOTS_DIR, `${metric}.png`) });
  }
  return { plots, pictures };
}
