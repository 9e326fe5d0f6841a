/**
 * The sweep's page, <sweep>/report.html: the grid, every task's status with a link to its own run
 * report, one chart per metric (mean and 95% band per setting) and the test-loss table. Readable
 * from disk: every picture and link is a relative path inside the sweep folder.
 */
import { esc, pageHead } from '../report/html.ts';
import type { Tables } from './aggregate.ts';
import { describeSettings } from './plan.ts';
import type { SweepPlan } from './plan.ts';
import { settingLabel } from './plots.ts';
import type { SweepPlot } from './plots.ts';
import type { TaskStatus } from './status.ts';

export interface SweepPageInput {
  title: string;
  plan: SweepPlan;
  statuses: readonly TaskStatus[];
  tables: Tables;
  plots: readonly SweepPlot[];
  /** Task index -> its run report, relative to the sweep folder, where one exists. */
  taskReports: ReadonlyMap<number, string>;
  /** The report of every run side by side (relative path), when written. */
  runsReport?: string;
}

const href = (p: string) => esc(p.split('/').map(encodeURIComponent).join('/'));

export function sweepPage(p: SweepPageInput): string {
  const { plan, tables } = p;
  const grid = `<table class="config"><tr><th>script</th><td>${esc(plan.grid.script)}</td></tr>
<tr><th>fixed flags</th><td>${esc(Object.entries(plan.grid.flags).map(([k, v]) => `--${k} ${v}`).join(' ') || '–')}</td></tr>
${Object.entries(plan.grid.grid).map(([k, v]) => `<tr><th>axis ${esc(k)}</th><td>${esc(v.join(', '))}</td></tr>`).join('\n')}
<tr><th>tasks</th><td>${plan.tasks.length}</td></tr></table>`;
  const tasks = p.statuses
    .map((s) => {
      const report = p.taskReports.get(s.index);
      return `<tr data-task="${s.index}" data-state="${s.state}"><td>${s.index}</td><td>${esc(describeSettings(s.settings) || '–')}</td><td>${s.state}${s.problem ? `: ${esc(s.problem)}` : ''}</td><td>${s.generations.done}/${s.generations.total}</td><td>${report ? `<a href="${href(report)}">report</a>` : '–'}</td></tr>`;
    })
    .join('\n');
  const charts = p.plots
    .map((c) => `<figure class="chart" id="chart-${esc(c.metric)}"><img src="${href(c.png)}" alt="${esc(c.title)}"><figcaption>${esc(c.title)}. <a href="${href(c.svg)}">SVG</a></figcaption></figure>`)
    .join('\n');
  const metric = tables.metrics.includes('testLoss') ? 'testLoss' : tables.metrics[0];
  const rows = tables.aggregate.rows.filter((r) => r.metric === metric);
  const f = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : '–');
  const aggregate = metric
    ? `<table class="aggregate" data-metric="${esc(metric)}"><thead><tr><th>setting</th><th>gen</th><th>n</th><th>mean</th><th>sd</th><th>95% CI</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${esc(settingLabel(r, tables.settingColumns))}</td><td>${r.generation}</td><td>${r.n}</td><td>${f(r.mean)}</td><td>${f(r.sd)}</td><td>${typeof r.ci95Low === 'number' ? `${f(r.ci95Low)} – ${f(r.ci95High)}` : '–'}</td></tr>`).join('\n')}
</tbody></table>`
    : '<p class="none">No complete generation yet.</p>';
  return `${pageHead(p.title)}
<style>
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; }
/* Charts scale with the page: two a row on a wide screen, one on a narrow one; never wider than it. */
figure.chart { flex: 1 1 420px; max-width: 640px; min-width: 0; }
figure.chart img { width: 100%; height: auto; }
table { max-width: 100%; } td { overflow-wrap: anywhere; }
.none { color: #999; }
</style>
</head>
<body>
<h1>${esc(p.title)}</h1>
<p>Each line is the mean over seeds of one setting; the band is the 95% confidence interval of that mean (Student's t with n − 1 degrees of freedom; none where only one seed reached a generation). Tables: <a href="summary.csv">summary.csv</a> (one row per run and generation), <a href="aggregate.csv">aggregate.csv</a> (n, mean, sd and the interval per setting, generation and metric)${p.runsReport ? `; every run side by side: <a href="${href(p.runsReport)}">${esc(p.runsReport)}</a>` : ''}.</p>
<h2 id="grid">Grid</h2>
${grid}
<h2 id="curves">Curves</h2>
<div class="charts">${charts || '<p class="none">none</p>'}</div>
<h2 id="aggregate">${esc(metric ?? 'Aggregate')} per setting and generation</h2>
${aggregate}
<h2 id="tasks">Tasks</h2>
<table class="tasks"><thead><tr><th>task</th><th>settings</th><th>state</th><th>generations</th><th>run report</th></tr></thead><tbody>
${tasks}
</tbody></table>
</body>
</html>
`;
}
