/**
 * The report's panel for language-model runs (model kind 'gpt', lib/text-analysis.ts): each
 * generation's sample text side by side, the survey's Figure 3 (the density of the synthetic
 * windows' perplexity under generation 1's model, one curve per generation, log x axis, the real
 * test windows dashed), and curves of the perplexity mean and tail (p99) over generations.
 */
import type { PerplexityStats } from '../text-analysis.ts';
import { TEXT_ANALYSIS_FILES } from '../run/layout.ts';
import { curveChart } from './charts.ts';
import { curvePoints, seriesNamer } from './curves.ts';
import { esc } from './format.ts';
import { renderLineChartSvg, svgToPng } from './plot.ts';
import type { LineChart, LineSeries } from './plot.ts';
import type { RunSummary } from './runs.ts';

interface TextAnalysisFile {
  pplEdges: number[];
  synthetic: PerplexityStats & { windows: number };
  realTest: PerplexityStats & { windows: number };
}

/** A picture the panel adds: `add` stores it and returns its link. */
export type AddPicture = (name: string, data: Uint8Array | string) => string;

/** The panel's HTML (empty when no run is a language-model run). */
export async function textPanel(runs: readonly RunSummary[], add: AddPicture): Promise<string> {
  const text = runs.filter((r) => r.kind === 'gpt');
  if (text.length === 0) return '';
  const figures: string[] = [];
  for (const [i, run] of text.entries()) {
    const chart = await figure3(run);
    if (chart)
      figures.push(
        await picture(
          chart,
          `text-${i + 1}-perplexity`,
          add,
          `Share of synthetic windows per perplexity bin (20 bins a decade) under generation 1's ` +
            `model, one curve per generation; dashed: the real test windows.`,
        ),
      );
  }
  const names = seriesNamer(text, false);
  for (const [field, title, unit] of [
    ['pplMean', 'Perplexity of the synthetic text (mean)', 'mean window perplexity, generation 1 model'],
    ['pplP99', 'Perplexity tail of the synthetic text (p99)', 'p99 of window perplexity, generation 1 model'],
  ] as const) {
    const points = curvePoints(text, field, names);
    if (points.length > 0)
      figures.push(
        await picture(
          curveChart({ title, yLabel: unit, points }),
          `text-${field}`,
          add,
          `${title} under the model trained on real text, per generation.`,
        ),
      );
  }
  const maxGen = Math.max(0, ...text.map((r) => r.records.length));
  const rows: string[] = [];
  for (let g = 1; g <= maxGen; g++) {
    const cells = text.map((r) => `<td><pre>${esc(String(r.records[g - 1]?.sampleText ?? ''))}</pre></td>`);
    rows.push(`<tr><th>gen ${g}</th>${cells.join('')}</tr>`);
  }
  return `<h2 id="text">Text</h2>
<p>The perplexity of every synthetic window under generation 1's model (trained on real text): Shumailov et
al.'s Figure 3, where later generations grow a tail of windows the first model finds improbable.</p>
<div class="charts">${figures.join('\n')}</div>
<h3>Sample text per generation</h3>
<p>The first characters each generation wrote (each stream starts from a newline).</p>
<div class="wide"><table class="text-samples"><thead><tr><th></th>${text.map((r) => `<th>${esc(r.label)}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>
<style>.text-samples pre { white-space: pre-wrap; max-width: 28em; font-size: 12px; }</style>`;
}

/** One run's perplexity densities, or null when its generations have no text analysis. */
async function figure3(run: RunSummary): Promise<LineChart | null> {
  const files: (TextAnalysisFile | null)[] = [];
  for (const { generation } of run.generations) {
    const bytes = await run.run.readOptional(generation, TEXT_ANALYSIS_FILES.info);
    files.push(bytes ? (JSON.parse(bytes.toString('utf8')) as TextAnalysisFile) : null);
  }
  const first = files.find((f) => f);
  if (!first) return null;
  const edges = first.pplEdges;
  // Bin i's geometric centre; the last bin (everything above the last edge) sits one bin further.
  const step = edges[1] / edges[0];
  const centres = edges.map((e) => e * Math.sqrt(step));
  const density = (h: number[], windows: number) => h.map((c) => (windows > 0 && c > 0 ? c / windows : null));
  const series: LineSeries[] = [];
  files.forEach((f, i) => {
    if (f) series.push({ name: `gen ${i + 1}`, x: centres, y: density(f.synthetic.histogram, f.synthetic.windows) });
  });
  series.push({
    name: 'real test text',
    x: centres,
    y: density(first.realTest.histogram, first.realTest.windows),
    dashed: true,
    color: '#888888',
  });
  return {
    title: `Perplexity under generation 1's model: ${run.label}`,
    xLabel: 'window perplexity (log scale)',
    yLabel: 'share of windows',
    series,
    logX: true,
    width: 420,
    height: 240,
  };
}

async function picture(chart: LineChart, name: string, add: AddPicture, caption: string): Promise<string> {
  const svg = await renderLineChartSvg(chart);
  const png = add(`${name}.png`, new Uint8Array(await svgToPng(svg, 2)));
  const svgLink = add(`${name}.svg`, svg);
  return (
    `<figure class="chart"><img src="${esc(png)}" alt="${esc(chart.title)}"><figcaption>${esc(caption)} ` +
    `<a href="${esc(svgLink)}">SVG</a></figcaption></figure>`
  );
}
