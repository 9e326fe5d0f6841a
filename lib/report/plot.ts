/**
 * Line charts: series of (x, y) points, optionally dashed and with a shaded band, drawn through a
 * vega-lite spec, compiled to vega, rendered headless to SVG and, for PNG, rasterised by sharp.
 * Used for the theory figures (survey Fig. 6) and the loss curves.
 */
import { extname } from 'node:path';
import sharp from 'sharp';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../run/atomic.ts';

export interface LineSeries {
  /** Legend label; unique within a chart. */
  name: string;
  x: readonly number[];
  /** Same length as `x`; null (or non-finite) points are left out. */
  y: readonly (number | null)[];
  /** Drawn dashed, e.g. a closed form beside a simulation. Defaults to false. */
  dashed?: boolean;
  /** A shaded band around the line, e.g. ±2 standard errors; same length as `x`. */
  band?: { lo: readonly number[]; hi: readonly number[] };
  /** Series with the same group share a colour (a simulation and its closed form). Defaults to `name`. */
  group?: string;
  /** CSS colour of the series' group. Defaults to the next colour of vega's 'tableau10' scheme. */
  color?: string;
}

/** vega's 'tableau10' scheme, so that groups without a colour of their own keep the default look. */
const TABLEAU10 = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Logarithmic y axis; points with y <= 0 are left out. Defaults to false. */
  logY?: boolean;
  /** Plot width in pixels (the drawing area, without axes and legend). Defaults to 480. */
  width?: number;
  /** Plot height in pixels. Defaults to 300. */
  height?: number;
  /** Legend titles for solid and dashed lines, e.g. ['simulated', 'closed form']. Defaults to none. */
  dashLegend?: readonly [solid: string, dashed: string];
  /** The x values are whole numbers (e.g. generations): ticks only at integers, printed without decimals. Defaults to false. */
  integerX?: boolean;
}

export interface PlotOutput {
  /** Where to write the SVG. */
  svg?: string;
  /** Where to write the PNG. */
  png?: string;
  /** PNG pixel density relative to the SVG's size. Defaults to 2. */
  scale?: number;
}

interface Row {
  group: string;
  name: string;
  x: number;
  y?: number;
  lo?: number;
  hi?: number;
  style: string;
}

function checkChart(chart: LineChart): void {
  const names = new Set<string>();
  for (const s of chart.series) {
    if (names.has(s.name)) throw new Error(`Line chart '${chart.title}' has two series named '${s.name}'; names must be unique.`);
    names.add(s.name);
    if (s.y.length !== s.x.length) {
      throw new Error(`Series '${s.name}' has ${s.x.length} x values but ${s.y.length} y values; expected the same number.`);
    }
    if (s.band && (s.band.lo.length !== s.x.length || s.band.hi.length !== s.x.length)) {
      throw new Error(`Series '${s.name}' has a band whose lo/hi lengths differ from its ${s.x.length} x values.`);
    }
  }
}

/**
 * vega-lite draws strokeDash legend symbols with a transparent stroke, which hides the dash. Its
 * legend `encode` block reaches vega unchanged and fixes that, but vega-lite's types omit `encode`,
 * hence the cast to an empty legend type.
 */
const DASH_LEGEND = { encode: { symbols: { update: { stroke: { value: '#444' } } } } } as {};

/** The vega-lite spec for a chart: bands (areas) under lines, colour by group, dash by style. */
export function lineChartSpec(chart: LineChart): TopLevelSpec {
  checkChart(chart);
  const [solid, dashed] = chart.dashLegend ?? ['solid', 'dashed'];
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && (!chart.logY || v > 0);
  const rows: Row[] = [];
  for (const s of chart.series) {
    const group = s.group ?? s.name;
    const style = s.dashed ? dashed : solid;
    s.x.forEach((x, i) => {
      const y = s.y[i];
      const lo = s.band?.lo[i];
      const hi = s.band?.hi[i];
      if (!Number.isFinite(x)) return;
      if (ok(y)) rows.push({ group, name: s.name, x, y, style });
      if (ok(lo) && ok(hi)) rows.push({ group, name: s.name, x, lo, hi, style });
    });
  }
  const groups = [...new Set(chart.series.map((s) => s.group ?? s.name))];
  const x = { field: 'x', type: 'quantitative' as const, title: chart.xLabel, ...(chart.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}) };
  const explicit = new Map(chart.series.filter((s) => s.color).map((s) => [s.group ?? s.name, s.color as string]));
  let next = 0;
  const range = groups.map((g) => explicit.get(g) ?? TABLEAU10[next++ % TABLEAU10.length]);
  const yScale = chart.logY ? { type: 'log' as const } : { zero: false };
  const color = {
    field: 'group',
    type: 'nominal' as const,
    title: null,
    scale: { domain: groups, range },
    // The band layer's opacity would otherwise fade the legend's strokes.
    legend: { symbolOpacity: 1 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: chart.width ?? 480,
    height: chart.height ?? 300,
    background: 'white',
    data: { values: rows as unknown as Record<string, unknown>[] },
    config: {
      font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
      // Strokes, not the line's point markers, so the legend shows colour and dash pattern.
      legend: { labelLimit: 280, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 300 },
    },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.lo)' }],
        mark: { type: 'area', opacity: 0.18 },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', scale: yScale, title: chart.yLabel },
          y2: { field: 'hi' },
          color,
          detail: { field: 'name', type: 'nominal' },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.y)' }],
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'y', type: 'quantitative', scale: yScale, title: chart.yLabel },
          color,
          strokeDash: {
            field: 'style',
            type: 'nominal',
            title: null,
            scale: { domain: [solid, dashed], range: [[1, 0], [6, 4]] },
            legend: chart.dashLegend ? DASH_LEGEND : null,
          },
          detail: { field: 'name', type: 'nominal' },
        },
      },
    ],
  };
}

/** Renders the chart to an SVG string, headless (no canvas, no browser). */
export async function renderLineChartSvg(chart: LineChart): Promise<string> {
  const { spec } = compile(lineChartSpec(chart));
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG bytes (text through the system's fonts, via librsvg). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 * scale }).png().toBuffer();
}

/** Renders the chart and writes it as SVG and/or PNG, each file atomically. */
export async function writeLineChart(chart: LineChart, out: PlotOutput): Promise<void> {
  if (!out.svg && !out.png) throw new Error(`writeLineChart needs an output path: 'svg', 'png' or both.`);
  const svg = await renderLineChartSvg(chart);
  if (out.svg) await writeFileAtomic(out.svg, svg);
  if (out.png) await writeFileAtomic(out.png, await svgToPng(svg, out.scale ?? 2));
}

/** Writes a chart to `path`, as PNG or SVG by its extension. */
export async function writeLineChartTo(chart: LineChart, path: string): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return writeLineChart(chart, { png: path });
  if (ext === '.svg') return writeLineChart(chart, { svg: path });
  throw new Error(`Plot path '${path}' must end in .png or .svg.`);
}
