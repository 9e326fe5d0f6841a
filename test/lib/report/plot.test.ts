import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { lineChartSpec, renderLineChartSvg, writeLineChart, writeLineChartTo } from '../../../lib/report/plot.ts';
import type { LineChart } from '../../../lib/report/plot.ts';
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

describe('report/plot', () => {
  it('builds one row per drawn point, dropping nulls, with a colour per group and a dash per style', () => {
    const spec = lineChartSpec(chart) as unknown as { data: { values: Record<string, unknown>[] }; layer: { encoding: Record<string, { scale?: { domain: unknown[] } }> }[] };
    const rows = spec.data.values;
    expect(rows.filter((r) => r.y !== undefined)).toHaveLength(3 + 3 + 2);
    expect(rows.filter((r) => r.lo !== undefined)).toHaveLength(3);
    expect(rows.find((r) => r.name === 'replace (closed form)')).toMatchObject({ group: 'replace', style: 'closed form' });
    expect(spec.layer[1].encoding.color.scale?.domain).toEqual(['replace', 'sub']);
  });

  it('leaves out points a log axis cannot show', () => {
    const spec = lineChartSpec({ ...chart, logY: true, series: [{ name: 's', x, y: [0, -1, 2] }] }) as unknown as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(1);
  });

  it('refuses duplicate names and mismatched lengths, naming the series', () => {
    expect(() => lineChartSpec({ ...chart, series: [chart.series[0], chart.series[0]] })).toThrow("two series named 'replace'");
    expect(() => lineChartSpec({ ...chart, series: [{ name: 'short', x, y: [1] }] })).toThrow("Series 'short' has 3 x values but 1 y values");
  });

  it('renders SVG headless with the title, axis labels and legend entries as text', async () => {
    const svg = await renderLineChartSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Variance ratio', 'generation', 'ratio', 'replace', 'sub', 'closed form']) expect(svg).toContain(`>${text}</text>`);
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
    await expect(writeLineChartTo(chart, join(dir, 'e.jpg'))).rejects.toThrow("must end in .png or .svg");
  });
});
