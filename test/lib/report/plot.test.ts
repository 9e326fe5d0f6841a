import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  lineChartSpec,
  panelChartSpec,
  renderChartPdf,
  renderChartSvg,
  renderLineChartSvg,
  writeChartTo,
  writeLineChart,
  writeLineChartTo,
} from '../../../lib/report/plot.ts';
import type { LineChart, PanelChart } from '../../../lib/report/plot.ts';
import { tempDir } from '../../helpers/tmp.ts';

const x = [1, 2, 3];
const chart: LineChart = {
  title: 'Variance ratio',
  xLabel: 'generation',
  yLabel: 'ratio',
  dashLegend: ['simulated', 'closed form'],
  series: [
    { name: 'replace', x, y: [1, 2.1, 2.9], band: { lo: [1, 1.9, 2.7], hi: [1, 2.3, 3.1] } },
    { name: 'replace (closed form)', group: 'replace', x, y: [1, 2, 3], dashed: true },
    { name: 'sub', x, y: [1, null, 2] },
  ],
};

/** The text from each x or y axis group of a vega SVG on (tick labels, then the title, then what follows), in panel order. */
function axisLabels(svg: string, axis: 'X' | 'Y'): string[][] {
  return svg
    .split('aria-roledescription="axis"')
    .slice(1)
    .filter((part) => part.startsWith(` aria-label="${axis}-axis`))
    .map((part) =>
      [...part.split('class="mark-group role-axis"')[0].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]),
    );
}

describe('report/plot', () => {
  it('builds one row per drawn point, dropping nulls, with a colour per group and a dash per style', () => {
    const spec = lineChartSpec(chart) as unknown as {
      data: { values: Record<string, unknown>[] };
      layer: { encoding: Record<string, { scale?: { domain: unknown[] } }> }[];
    };
    const rows = spec.data.values;
    expect(rows.filter((r) => r.y !== undefined)).toHaveLength(3 + 3 + 2);
    expect(rows.filter((r) => r.lo !== undefined)).toHaveLength(3);
    expect(rows.find((r) => r.name === 'replace (closed form)')).toMatchObject({
      group: 'replace',
      style: 'closed form',
    });
    expect(spec.layer[1].encoding.color.scale?.domain).toEqual(['replace', 'sub']);
  });

  it('leaves out points a log axis cannot show', () => {
    const spec = lineChartSpec({ ...chart, logY: true, series: [{ name: 's', x, y: [0, -1, 2] }] }) as unknown as {
      data: { values: unknown[] };
    };
    expect(spec.data.values).toHaveLength(1);
  });

  it('refuses duplicate names and mismatched lengths, naming the series', () => {
    expect(() => lineChartSpec({ ...chart, series: [chart.series[0], chart.series[0]] })).toThrow(
      "two series named 'replace'",
    );
    expect(() => lineChartSpec({ ...chart, series: [{ name: 'short', x, y: [1] }] })).toThrow(
      "Series 'short' has 3 x values but 1 y values",
    );
  });

  it('renders SVG headless with the title, axis labels and legend entries as text', async () => {
    const svg = await renderLineChartSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Variance ratio', 'generation', 'ratio', 'replace', 'sub', 'closed form'])
      expect(svg).toContain(`>${text}</text>`);
    expect(svg).toContain('stroke-dasharray="6,4"');
  });

  it('writes SVG and a PNG at twice its size, atomically (no temporary files left)', async () => {
    const dir = await tempDir();
    await writeLineChart(chart, { svg: join(dir, 'c.svg'), png: join(dir, 'c.png') });
    const svg = await readFile(join(dir, 'c.svg'), 'utf8');
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    const meta = await sharp(join(dir, 'c.png')).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(2 * width);
    await writeLineChartTo(chart, join(dir, 'd.png'));
    expect((await readdir(dir)).sort()).toEqual(['c.png', 'c.svg', 'd.png']);
    await expect(writeLineChartTo(chart, join(dir, 'e.jpg'))).rejects.toThrow(
      "Plot path '" + join(dir, 'e.jpg') + "' must end in .png, .svg or .pdf.",
    );
  });

  const panels: PanelChart = {
    title: 'Two metrics',
    xLabel: 'generation',
    integerX: true,
    dashLegend: ['simulated', 'closed form'],
    panels: [
      {
        title: '(a) small',
        yLabel: 'test error',
        series: [
          { name: 'replace', x, y: [0.01, 0.02, 0.03] },
          { name: 'sub', x, y: [0.01, 0.015, 0.018] },
        ],
      },
      {
        title: '(b) large',
        yLabel: 'variance ratio',
        series: [
          { name: 'replace', x, y: [1, 2, 3] },
          { name: 'bound', x, y: [1.64, 1.64, 1.64], dashed: true, color: '#888' },
        ],
      },
    ],
  };

  it('puts panels side by side with their own y scales and one colour per group across all of them', () => {
    const spec = panelChartSpec(panels) as unknown as {
      hconcat: {
        title?: string;
        layer: { encoding: { color: { scale: { domain: string[]; range: string[] } }; x: { axis?: unknown } } }[];
      }[];
      resolve: { scale: Record<string, string> };
    };
    expect(spec.hconcat.map((p) => p.title)).toEqual(['(a) small', '(b) large']);
    expect(spec.resolve.scale).toMatchObject({ y: 'independent', color: 'shared' });
    const [a, b] = spec.hconcat.map((p) => p.layer[1].encoding.color.scale);
    expect(a).toEqual(b);
    expect(a.domain).toEqual(['replace', 'sub', 'bound']);
    expect(a.range[2]).toBe('#888');
    expect(spec.hconcat[0].layer[1].encoding.x.axis).toEqual({ tickMinStep: 1, format: 'd' });
  });

  it('draws integer generation ticks only, and each panel its own y axis', async () => {
    const svg = await renderChartSvg(panels);
    for (const text of ['(a) small', '(b) large', 'test error', 'variance ratio'])
      expect(svg).toContain(`>${text}</text>`);
    const xAxes = axisLabels(svg, 'X');
    expect(xAxes).toEqual([
      ['1', '2', '3', 'generation'],
      ['1', '2', '3', 'generation'],
    ]);
    const [small, large] = axisLabels(svg, 'Y');
    // Each panel's axis spans its own data: the small one is not stretched to the large one's range.
    expect(small.slice(0, 12)).toEqual([
      '0.010',
      '0.012',
      '0.014',
      '0.016',
      '0.018',
      '0.020',
      '0.022',
      '0.024',
      '0.026',
      '0.028',
      '0.030',
      'test error',
    ]);
    expect(large.slice(0, 12)).toEqual([
      '1.0',
      '1.2',
      '1.4',
      '1.6',
      '1.8',
      '2.0',
      '2.2',
      '2.4',
      '2.6',
      '2.8',
      '3.0',
      'variance ratio',
    ]);
  });

  it('writes a one-page vector PDF of the same chart, fonts embedded, atomically', async () => {
    const pdf = await renderChartPdf(panels);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2|\/FontFile3/);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    const dir = await tempDir();
    await writeChartTo(panels, join(dir, 'fig.pdf'));
    expect((await readFile(join(dir, 'fig.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await readdir(dir)).toEqual(['fig.pdf']);
  });

  it('refuses a chart without panels', () => {
    expect(() => panelChartSpec({ ...panels, panels: [] })).toThrow(
      "Chart 'Two metrics' has no panels; expected at least one.",
    );
  });
});
