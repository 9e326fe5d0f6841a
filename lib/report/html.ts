/**
 * The run report: one self-contained HTML page beside the runs, readable from disk with no server
 * and no network. Pictures are files next to it (relative links), so the page stays small and the
 * PNGs stay usable on their own:
 *
 *   <report>.html
 *   <report>-files/   curves (SVG + PNG), the Figure 9 grids of every run
 *
 * and each generation's own samples.png / fixed-samples.png are linked where they are in the runs.
 * Only a page and pictures this report wrote are ever replaced (ownership.ts).
 */
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { describeWriteError } from '../run/atomic.ts';
import { runsCsv } from '../export/csv.ts';
import {
  ANALYSIS_FILES,
  epochFolderOf,
  EXPORT_FILES,
  GENERATION_FILES,
  generationOf,
  REPORT_FILE,
  RUN_FILE,
} from '../run/layout.ts';
import { opt, OptionError, say } from '../options.ts';
import type { GenerationRecord } from '../record.ts';
import { renderCurves } from './charts.ts';
import { CONFIG_TABLE_CSS, configTable } from './config-table.ts';
import { esc, formatNumber } from './format.ts';
import type { RenderedChart } from './charts.ts';
import { generationGrid } from './grids.ts';
import type { GenerationGrid } from './grids.ts';
import { checkReportTarget, GENERATOR_TAG, writeOwnedReport } from './ownership.ts';
import { loadRuns } from './runs.ts';
import type { RunSummary } from './runs.ts';
import { textPanel } from './text-panel.ts';

/** Options of writeReport: the runs or experiment folders, where the page goes, its title and curves. */
export interface ReportOptions {
  /**
   * Run directories to show side by side; a folder without run.json stands for the runs inside it (an
   * experiment's output folder).
   */
  runs: readonly string[];
  /**
   * Path of the page. Defaults to <run>/report.html for one run, else report.html in the runs' common parent
   * folder.
   */
  out?: string;
  /** Page title. Defaults to "collapse-lab report". */
  title?: string;
  /** Draw the curves (vega-lite; the slowest part). Defaults to true. */
  curves?: boolean;
}

/** What writeReport wrote: the page's path, its picture files, and the runs it shows. */
export interface ReportResult {
  /** Absolute path of the page. */
  path: string;
  /** Every file written (the page last). */
  files: string[];
  runs: RunSummary[];
}

/**
 * The start of every page of the report (the run report, the sweep page): the generator tag that marks it ours
 * (ownership.ts), title and the shared style.
 */
export function pageHead(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${GENERATOR_TAG}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; vertical-align: top; }
table.config td, table.config th { text-align: left; }
/* Charts fit the page: pictures drawn at twice their size are scaled down, never scrolled sideways. */
figure.chart img { max-width: 100%; height: auto; }
</style>`;
}

/**
 * A page written inside a run's generation or epoch folder would add files the folder's manifest
 * does not list: that generation would then fail verification and could not be repaired by a resume.
 */
async function checkOutsideSealedFolders(path: string, given: string | undefined): Promise<void> {
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    const name = basename(folder);
    const sealed = generationOf(name) !== null || epochFolderOf(name) !== null || name.endsWith('.partial');
    if (!sealed || !(await stat(join(dirname(folder), RUN_FILE)).catch(() => null))) continue;
    const sentence = [
      ...say`${opt('out')} ${given ?? path} is inside ${folder}, a folder of a run that collapse-lab seals `,
      ...[
        ...say`(a file added there makes it fail verification); expected a path outside the run's `,
        ...say`generation folders, e.g. ${join(dirname(folder), REPORT_FILE)}.`,
      ],
    ];
    throw new OptionError('out', given ?? path, sentence);
  }
}

/**
 * Builds the report page and its pictures; returns where they are. Files of the user's in the way stop it before
 * anything is written (ownership.ts).
 */
export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  if (options.out === '') {
    throw new OptionError(
      'out',
      '',
      say`${opt('out')} '' is empty; expected the path of an .html page (or none, for report.html beside the runs).`,
    );
  }
  const runs = await loadRuns(options.runs);
  const path = resolve(options.out ?? defaultReportPath(runs.map((r) => r.dir)));
  if (extname(path) !== '.html') throw new Error(`Report path ${path} must end in .html.`);
  await checkOutsideSealedFolders(path, options.out);
  const here = dirname(path);
  const assets = reportFilesFolder(path);
  // Everything is made in memory first, so that a page that cannot be written changes nothing.
  const pictures = new Map<string, Uint8Array | string>();
  const add = (name: string, data: Uint8Array | string) => {
    pictures.set(name, data);
    return link(here, join(assets, name));
  };

  const grids: {
    run: RunSummary;
    recon: (GenerationGrid & { src: string }) | null;
    fixed: (GenerationGrid & { src: string }) | null;
  }[] = [];
  for (const [i, run] of runs.entries()) {
    const slug = `${String(i + 1).padStart(2, '0')}-${slugify(run.label)}`;
    const recon = await generationGrid(run, 'reconstructions');
    const fixed = await generationGrid(run, 'fixed-samples');
    grids.push({
      run,
      recon: recon && { ...recon, src: add(`${slug}-reconstructions.png`, recon.png) },
      fixed: fixed && { ...fixed, src: add(`${slug}-fixed-samples.png`, fixed.png) },
    });
  }
  const charts: (RenderedChart & { svgSrc: string; pngSrc: string })[] = [];
  if (options.curves ?? true) {
    for (const c of await renderCurves(runs))
      charts.push({ ...c, svgSrc: add(`${c.name}.svg`, c.svg), pngSrc: add(`${c.name}.png`, c.png) });
  }
  const text = await textPanel(runs, add);
  // The same tables `collapse-lab export --csv` writes, beside the pictures.
  const tables = await runsCsv(runs.map((r) => r.dir));
  const csv = {
    generations: add(EXPORT_FILES.generations, tables.generations),
    steps: add(EXPORT_FILES.steps, tables.steps),
  };
  const html = page({ title: options.title ?? 'collapse-lab report', here, runs, grids, charts, text, csv });
  const owned = await checkReportTarget('out', path, assets, [...pictures.keys()]);
  try {
    await mkdir(assets, { recursive: true });
  } catch (err) {
    throw describeWriteError(assets, err);
  }
  const files = await writeOwnedReport('out', path, assets, html, pictures, owned);
  return { path, files, runs };
}

/** The pictures folder of the report page at `path`: <name>-files/ beside it. */
export function reportFilesFolder(path: string): string {
  return join(dirname(path), `${basename(path, '.html')}-files`);
}

/**
 * Checks, writing nothing, that a report may later be written at `path` (nothing of the user's in the way);
 * `option` names the path's source.
 */
export async function checkReportPath(option: string, path: string): Promise<void> {
  await checkReportTarget(option, resolve(path), reportFilesFolder(resolve(path)));
}

/** <run>/report.html for one run; report.html in the deepest folder holding all of several. */
export function defaultReportPath(dirs: readonly string[]): string {
  const abs = dirs.map((d) => resolve(d));
  if (abs.length === 1) return join(abs[0], REPORT_FILE);
  const parts = abs.map((d) => d.split(sep));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length - 1 && p[i] === parts[0][i]); i++) common.push(parts[0][i]);
  return join(common.join(sep) || sep, REPORT_FILE);
}

/** A relative URL from the page's folder to a file (each segment escaped). */
function link(from: string, to: string): string {
  return relative(from, to).split(sep).map(encodeURIComponent).join('/');
}

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export { esc } from './format.ts';

function fmt(v: unknown): string {
  if (typeof v !== 'number') return v === undefined || v === null ? '–' : esc(Array.isArray(v) ? v.join(' ') : v);
  return formatNumber(v);
}

/** Record columns in display order; any other numeric field follows. */
const COLUMNS: [field: string, title: string][] = [
  ['generation', 'gen'],
  ['trainSize', 'train size'],
  ['realFraction', 'real share'],
  ['trainLoss', 'train loss'],
  ['trainLossReal', 'train loss, real part'],
  ['trainLossSynthetic', 'train loss, synthetic part'],
  ['testLoss', 'test loss'],
  ['testRecon', 'test recon'],
  ['testKl', 'test KL'],
  ['fid', 'FID'],
  ['classEntropy', 'class entropy'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['latentStd', 'latent std'],
  ['classHistogram', 'class histogram (0-9)'],
  ['seconds', 'seconds'],
  ['samplesPerSecond', 'images/s'],
  ['rssMB', 'RSS MB'],
  ['numTensors', 'tensors'],
];
// A text run's sample text and perplexity histogram are drawn in its own panel (text-panel.ts).
const HIDDEN = new Set(['scheme', 'epochLosses', 'metricSamples', 'sampleText', 'pplHistogram']);

/**
 * Record fields a model family's numbers make meaningless, left out of its table: an autoencoder's
 * loss is its reconstruction loss (testRecon = testLoss) and it has no KL term (testKl = 0).
 */
const NOT_IN_FAMILY: Record<string, readonly string[]> = { ae: ['testRecon', 'testKl'] };

function recordTable(run: RunSummary): string {
  const present = (f: string) => run.records.some((r) => r[f] !== undefined) && !NOT_IN_FAMILY[run.kind]?.includes(f);
  const extra = [...new Set(run.records.flatMap((r) => Object.keys(r)))].filter(
    (k) => !HIDDEN.has(k) && !COLUMNS.some(([f]) => f === k) && present(k),
  );
  const cols = [...COLUMNS.filter(([f]) => present(f)), ...extra.map((k) => [k, k] as [string, string])];
  const head = cols.map(([, t]) => `<th>${esc(t)}</th>`).join('');
  const body = run.records
    .map(
      (r: GenerationRecord) =>
        `<tr data-generation="${r.generation}">${cols.map(([f]) => `<td>${f === 'classHistogram' ? histogram(r[f]) : fmt(r[f])}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="wide"><table class="records" data-run="${esc(run.label)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Ten counts as a tiny inline bar chart (pure CSS) with the numbers in the tooltip. */
function histogram(v: unknown): string {
  if (!Array.isArray(v)) return '–';
  const counts = v as number[];
  const max = Math.max(1, ...counts);
  const bars = counts
    .map((c, i) => `<span class="bar" style="height:${Math.round((20 * c) / max)}px" title="${i}: ${c}"></span>`)
    .join('');
  return `<span class="hist" title="${esc(counts.join(', '))}">${bars}</span>`;
}

/** A grid picture with its row labels lined up beside it (the PNG holds no text). */
function labelledGrid(g: GenerationGrid & { src: string }, alt: string): string {
  const labels = g.rows
    .map((r) => `<div style="height:${g.rowPitch}px;line-height:${g.rowPitch}px">${esc(r)}</div>`)
    .join('');
  return (
    `<div class="grid"><div class="rowlabels" style="padding-top:${g.top / 2}px">${labels}</div><img ` +
    `src="${esc(g.src)}" alt="${esc(alt)}"></div>`
  );
}

function page(p: {
  title: string;
  here: string;
  runs: RunSummary[];
  grids: {
    run: RunSummary;
    recon: (GenerationGrid & { src: string }) | null;
    fixed: (GenerationGrid & { src: string }) | null;
  }[];
  charts: (RenderedChart & { svgSrc: string; pngSrc: string })[];
  /** The language-model panel (text-panel.ts); empty without text runs. */
  text: string;
  /** Links to the CSVs of the records and the logged steps. */
  csv: { generations: string; steps: string };
}): string {
  const { runs, grids, charts, here } = p;
  const kinds = [...new Set(runs.map((r) => r.kind))];
  const figure9 = kinds
    .map((kind) => {
      const cols = grids
        .filter((g) => g.run.kind === kind)
        .map((g) => {
          const none = '<p class="none">no analysis in this run</p>';
          const grid = g.recon ? labelledGrid(g.recon, `reconstructions, ${g.run.label}`) : none;
          return `<figure class="run"><figcaption>${esc(g.run.label)}</figcaption>${grid}</figure>`;
        })
        .join('');
      return `<h3>${esc(kind.toUpperCase())}</h3><div class="side">${cols}</div>`;
    })
    .join('\n');
  const fixed = grids
    .filter((g) => g.fixed)
    .map(
      (g) =>
        `<figure class="run"><figcaption>${esc(g.run.label)}</figcaption>${labelledGrid(g.fixed!, `fixed latent draws, ${g.run.label}`)}</figure>`,
    )
    .join('');
  const maxGen = Math.max(0, ...runs.map((r) => r.records.length));
  const sampleRows: string[] = [];
  for (let g = 1; g <= maxGen; g++) {
    const cells = runs.map((r) => {
      if (g > r.records.length) return '<td></td>';
      const src = link(here, r.run.generationPath(g, GENERATION_FILES.samples));
      const fx = r.analyses[g - 1]?.fixedSamples
        ? `<img src="${esc(link(here, r.run.generationPath(g, ANALYSIS_FILES.fixedSamplesPng)))}" ` +
          `alt="fixed draws, generation ${g}, ${esc(r.label)}">`
        : '';
      // Shown small, each links to its full-size picture.
      return `<td><a href="${esc(src)}"><img src="${esc(src)}" alt="samples, generation ${g}, ${esc(r.label)}"></a>${fx}</td>`;
    });
    sampleRows.push(`<tr><th>gen ${g}</th>${cells.join('')}</tr>`);
  }
  const chartHtml = charts
    .map(
      (c) =>
        `<figure class="chart" id="chart-${esc(c.name)}"><img src="${esc(c.pngSrc)}" alt="${esc(c.title)}" ` +
        `width="${c.width}" height="${c.height}"><figcaption>${esc(c.caption)} <a href="${esc(c.svgSrc)}">SVG</a></figcaption></figure>`,
    )
    .join('\n');
  return `${pageHead(p.title)}
<style>
.side { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 0.3em; }
figure.chart figcaption { font-weight: normal; max-width: 560px; }
.grid { display: flex; } .grid img { image-rendering: pixelated; }
.rowlabels { font-size: 12px; color: #555; padding-right: 6px; text-align: right; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
@media (min-width: 1100px) { .charts figure.chart { flex: 0 1 calc(50% - 0.75em); } }
.samples img { width: 160px; image-rendering: pixelated; display: block; margin-bottom: 2px; }
.hist { display: inline-flex; align-items: flex-end; height: 20px; gap: 1px; }
.hist .bar { display: inline-block; width: 5px; background: #4c78a8; }
.none { color: #999; }
.wide { overflow-x: auto; max-width: 100%; }
${CONFIG_TABLE_CSS}
</style>
</head>
<body>
<h1>${esc(p.title)}</h1>
<p>${runs.length} run${runs.length === 1 ? '' : 's'}: ${runs.map((r) => esc(r.label)).join(', ')}. Written ${esc(new Date().toISOString())}.</p>
<h2 id="config">Configuration</h2>
${configTable(runs, here)}
<h2 id="digits">Fixed test images across generations</h2>
<p>Ten fixed real test images (top row; on MNIST the first test image of each digit) and each generation&#39;s
reconstruction of them (the survey&#39;s Figure 9).</p>
${figure9}
<h2 id="fixed">Fixed latent draws</h2>
<p>The same latent draws decoded by every generation (for an AE, the same standard-normal draws mapped through each generation's latent Gaussian).</p>
<div class="side">${fixed || '<p class="none">none</p>'}</div>
<h2 id="curves">Curves</h2>
<div class="charts">${chartHtml || '<p class="none">none</p>'}</div>
${p.text}
<h2 id="records">Records</h2>
<p>As CSV (one row per generation of every run, for pandas or R):
<a href="${esc(p.csv.generations)}">generations.csv</a>; the training loss every few steps:
<a href="${esc(p.csv.steps)}">steps.csv</a>.</p>
${runs.map((r) => `<h3>${esc(r.label)}</h3>\n${recordTable(r)}`).join('\n')}
<h2 id="samples">Samples per generation</h2>
<p>Each generation's samples.png (first 100 synthetic images) and its fixed latent draws.</p>
<table class="samples"><thead><tr><th></th>${runs.map((r) => `<th>${esc(r.label)}</th>`).join('')}</tr></thead><tbody>
${sampleRows.join('\n')}
</tbody></table>
</body>
</html>
`;
}
