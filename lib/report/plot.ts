/**
 * Line charts: series of (x, y) points, optionally dashed and with a shaded band, in one panel or
 * in several side by side (each with its own y axis), drawn through a vega-lite spec compiled to
 * vega. vega renders headless to SVG; sharp rasterises that to PNG; for PDF vega draws the same
 * scene onto a Skia PDF page (@napi-rs/canvas), so the PDF is vector with embedded fonts.
 * Used for the theory figures (survey Fig. 6) and the loss curves.
 */
import { extname } from 'node:path';
import type { View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { sharpModule } from '../../data/sharp.ts';
import { importOptional } from '../optional-package.ts';
import { writeFileAtomic } from '../run/atomic.ts';

/** One line of a chart: its name, points, and an optional band around it. */
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
const TABLEAU10 = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];

/** A chart of one panel: lines over generations, with optional dashes and bands. */
export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Logarithmic y axis; points with y <= 0 are left out. Defaults to false. */
  logY?: boolean;
  /** Logarithmic x axis (x must be positive). Defaults to false. */
  logX?: boolean;
  /** Plot width in pixels (the drawing area, without axes and legend). Defaults to 480. */
  width?: number;
  /** Plot height in pixels. Defaults to 300. */
  height?: number;
  /** Legend titles for solid and dashed lines, e.g. ['simulated', 'closed form']. Defaults to none. */
  dashLegend?: readonly [solid: string, dashed: string];
  /**
   * The x values are whole numbers (e.g. generations): ticks only at integers, printed without decimals.
   * Defaults to false.
   */
  integerX?: boolean;
}

/** Several panels side by side, each with its own y axis; colours and dashes mean the same in all. */
export interface PanelChart {
  title: string;
  /** The x axis label of every panel. */
  xLabel: string;
  panels: readonly ChartPanel[];
  /** Legend titles for solid and dashed lines, e.g. ['simulated', 'closed form']. Defaults to none. */
  dashLegend?: readonly [solid: string, dashed: string];
  /**
   * The x values are whole numbers (e.g. generations): ticks only at integers, printed without decimals.
   * Defaults to false.
   */
  integerX?: boolean;
}

/** One panel of a chart with several panels: its title, axes and lines. */
export interface ChartPanel {
  /** Shown above the panel, e.g. '(a) Comparison of aggregation methods'. Defaults to none. */
  title?: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Logarithmic y axis; points with y <= 0 are left out. Defaults to false. */
  logY?: boolean;
  /** Plot width in pixels. Defaults to 360. */
  width?: number;
  /** Plot height in pixels. Defaults to 260. */
  height?: number;
}

/** Where writeChart writes a chart: SVG, PNG and/or PDF paths. */
export interface PlotOutput {
  /** Where to write the SVG. */
  svg?: string;
  /** Where to write the PNG. */
  png?: string;
  /** Where to write the PDF (vector, fonts embedded). */
  pdf?: string;
  /** PNG pixel density relative to the SVG's size. Defaults to 2. */
  scale?: number;
}

/** The formats writeChartTo picks by extension. */
export const PLOT_EXTENSIONS = ['.png', '.svg', '.pdf'] as const;

interface Row {
  group: string;
  name: string;
  x: number;
  y?: number;
  lo?: number;
  hi?: number;
  style: string;
}

function checkSeries(title: string, series: readonly LineSeries[]): void {
  const names = new Set<string>();
  for (const s of series) {
    if (names.has(s.name))
      throw new Error(`Line chart '${title}' has two series named '${s.name}'; names must be unique.`);
    names.add(s.name);
    if (s.y.length !== s.x.length) {
      throw new Error(
        `Series '${s.name}' has ${s.x.length} x values but ${s.y.length} y values; expected the same number.`,
      );
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

/** What every panel of one figure shares: the colour of each group, the dash styles, the x axis. */
interface Shared {
  groups: string[];
  range: string[];
  solid: string;
  dashed: string;
  dashLegend: boolean;
  x: {
    field: 'x';
    type: 'quantitative';
    title: string;
    axis?: { tickMinStep: number; format: string };
    scale?: { type: 'log' };
  };
}

function shared(
  series: readonly LineSeries[],
  o: { xLabel: string; dashLegend?: readonly [string, string]; integerX?: boolean; logX?: boolean },
): Shared {
  const [solid, dashed] = o.dashLegend ?? ['solid', 'dashed'];
  const groups = [...new Set(series.map((s) => s.group ?? s.name))];
  const explicit = new Map(series.filter((s) => s.color).map((s) => [s.group ?? s.name, s.color as string]));
  let next = 0;
  const range = groups.map((g) => explicit.get(g) ?? TABLEAU10[next++ % TABLEAU10.length]);
  const x = {
    field: 'x' as const,
    type: 'quantitative' as const,
    title: o.xLabel,
    ...(o.integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
    ...(o.logX ? { scale: { type: 'log' as const } } : {}),
  };
  return { groups, range, solid, dashed, dashLegend: o.dashLegend !== undefined, x };
}

/** One panel: bands (areas) under lines, colour by group, dash by style. */
function unitSpec(
  p: { yLabel: string; series: readonly LineSeries[]; logY?: boolean; width: number; height: number },
  sh: Shared,
) {
  const ok = (v: number | null | undefined): v is number =>
    typeof v === 'number' && Number.isFinite(v) && (!p.logY || v > 0);
  const rows: Row[] = [];
  for (const s of p.series) {
    const group = s.group ?? s.name;
    const style = s.dashed ? sh.dashed : sh.solid;
    s.x.forEach((x, i) => {
      const y = s.y[i];
      const lo = s.band?.lo[i];
      const hi = s.band?.hi[i];
      if (!Number.isFinite(x)) return;
      if (ok(y)) rows.push({ group, name: s.name, x, y, style });
      if (ok(lo) && ok(hi)) rows.push({ group, name: s.name, x, lo, hi, style });
    });
  }
  const yScale = p.logY ? { type: 'log' as const } : { zero: false };
  const color = {
    field: 'group',
    type: 'nominal' as const,
    title: null,
    scale: { domain: sh.groups, range: sh.range },
    // The band layer's opacity would otherwise fade the legend's strokes.
    legend: { symbolOpacity: 1 },
  };
  return {
    width: p.width,
    height: p.height,
    data: { values: rows as unknown as Record<string, unknown>[] },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.lo)' }],
        mark: { type: 'area' as const, opacity: 0.18 },
        encoding: {
          x: sh.x,
          y: { field: 'lo', type: 'quantitative' as const, scale: yScale, title: p.yLabel },
          y2: { field: 'hi' },
          color,
          detail: { field: 'name', type: 'nominal' as const },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.y)' }],
        mark: { type: 'line' as const, point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x: sh.x,
          y: { field: 'y', type: 'quantitative' as const, scale: yScale, title: p.yLabel },
          color,
          strokeDash: {
            field: 'style',
            type: 'nominal' as const,
            title: null,
            scale: {
              domain: [sh.solid, sh.dashed],
              range: [
                [1, 0],
                [6, 4],
              ],
            },
            legend: sh.dashLegend ? DASH_LEGEND : null,
          },
          detail: { field: 'name', type: 'nominal' as const },
        },
      },
    ],
  };
}

const TOP = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  config: {
    font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
    // Strokes, not the line's point markers, so the legend shows colour and dash pattern.
    legend: { labelLimit: 280, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 300 },
  },
} as const;

/** The vega-lite spec for a one-panel chart. */
export function lineChartSpec(chart: LineChart): TopLevelSpec {
  checkSeries(chart.title, chart.series);
  const sh = shared(chart.series, chart);
  return {
    ...TOP,
    title: chart.title,
    ...unitSpec({ ...chart, width: chart.width ?? 480, height: chart.height ?? 300 }, sh),
  } as TopLevelSpec;
}

/** The vega-lite spec for panels side by side: own y scales, shared colours, dashes and legend. */
export function panelChartSpec(chart: PanelChart): TopLevelSpec {
  if (chart.panels.length === 0) throw new Error(`Chart '${chart.title}' has no panels; expected at least one.`);
  chart.panels.forEach((p, i) => checkSeries(`${chart.title}, panel ${i + 1}`, p.series));
  const sh = shared(
    chart.panels.flatMap((p) => p.series),
    chart,
  );
  return {
    ...TOP,
    title: chart.title,
    hconcat: chart.panels.map((p) => ({
      ...(p.title ? { title: p.title } : {}),
      ...unitSpec({ ...p, width: p.width ?? 360, height: p.height ?? 260 }, sh),
    })),
    resolve: {
      scale: { x: 'independent', y: 'independent', color: 'shared', strokeDash: 'shared' },
      axis: { y: 'independent' },
    },
  } as TopLevelSpec;
}

/** A chart to draw: one panel of lines, or several panels side by side. */
export type Chart = LineChart | PanelChart;

const specOf = (chart: Chart): TopLevelSpec => ('panels' in chart ? panelChartSpec(chart) : lineChartSpec(chart));

/**
 * A headless vega view of the chart; finalize it after use. vega and vega-lite are loaded on the
 * first chart: every CLI imports the library, and most of its commands (and every bad-input exit)
 * draw nothing.
 */
async function viewOf(chart: Chart): Promise<View> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  return new View(parse(compile(specOf(chart)).spec), { renderer: 'none' });
}

/** Renders the chart to an SVG string, headless (no canvas, no browser). */
export async function renderChartSvg(chart: Chart): Promise<string> {
  const view = await viewOf(chart);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a one-panel chart to an SVG string (see renderChartSvg). */
export const renderLineChartSvg = (chart: LineChart): Promise<string> => renderChartSvg(chart);

/** The pixel size an SVG from renderChartSvg declares. */
function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('The rendered SVG declares no width and height.');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Rasterises an SVG to PNG bytes (text through the system's fonts, via librsvg). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const sharp = await sharpModule();
  return sharp(Buffer.from(svg), { density: 72 * scale })
    .png()
    .toBuffer();
}

/**
 * Renders the chart as a one-page vector PDF: vega's canvas renderer draws onto a Skia PDF page
 * (one SVG pixel = one PDF point), fonts from the system, embedded.
 */
export async function renderChartPdf(chart: Chart): Promise<Buffer> {
  // Loaded only here, and installed only by those who want PDFs: a native library of 35 MB.
  const { PDFDocument } = await importOptional('@napi-rs/canvas', 'PDF output', () => import('@napi-rs/canvas'));
  const view = await viewOf(chart);
  try {
    const { width, height } = svgSize(await view.toSVG());
    const doc = new PDFDocument({ title: chart.title, creator: 'collapse-lab' });
    const page = doc.beginPage(width, height);
    await view.toCanvas(1, { externalContext: page } as never);
    doc.endPage();
    return doc.close();
  } finally {
    view.finalize();
  }
}

/** Renders the chart and writes it as SVG, PNG and/or PDF, each file atomically. */
export async function writeChart(chart: Chart, out: PlotOutput): Promise<void> {
  if (!out.svg && !out.png && !out.pdf) throw new Error(`writeChart needs an output path: 'svg', 'png' or 'pdf'.`);
  if (out.svg || out.png) {
    const svg = await renderChartSvg(chart);
    if (out.svg) await writeFileAtomic(out.svg, svg);
    if (out.png) await writeFileAtomic(out.png, await svgToPng(svg, out.scale ?? 2));
  }
  if (out.pdf) await writeFileAtomic(out.pdf, await renderChartPdf(chart));
}

/** Throws unless `path` ends in a format writeChartTo writes; call it before any work. */
export function checkPlotPath(path: string): void {
  const ext = extname(path).toLowerCase();
  if (!(PLOT_EXTENSIONS as readonly string[]).includes(ext))
    throw new Error(`Plot path '${path}' must end in .png, .svg or .pdf.`);
}

/** Writes a chart to `path`, as PNG, SVG or PDF by its extension. */
export async function writeChartTo(chart: Chart, path: string): Promise<void> {
  checkPlotPath(path);
  const ext = extname(path).toLowerCase().slice(1) as 'png' | 'svg' | 'pdf';
  return writeChart(chart, { [ext]: path });
}

/** One-panel forms of writeChart and writeChartTo. */
export const writeLineChart = (chart: LineChart, out: PlotOutput): Promise<void> => writeChart(chart, out);
export const writeLineChartTo = (chart: LineChart, path: string): Promise<void> => writeChartTo(chart, path);
