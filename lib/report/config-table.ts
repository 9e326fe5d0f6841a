/**
 * The report's configuration table: a column per run, a row per setting, every value written as a
 * reader would write it (`mnist`, `28×28×1`, `yes`; never JSON). A setting all runs share is one
 * cell across them, and long values wrap, so that five runs side by side still fit the page.
 */
import { describeBackend } from '../backend.ts';
import { reportRows } from '../declare.ts';
import { RUN_SETTINGS } from '../run-settings.ts';
import { relative } from 'node:path';
import { esc, words } from './format.ts';
import type { RunSummary } from './runs.ts';

type Get = (r: RunSummary) => unknown;

/** The table's own style (the page includes it). */
export const CONFIG_TABLE_CSS = `table.config { max-width: 100%; }
table.config td, table.config th { overflow-wrap: anywhere; }
table.config td.shared { color: #555; }`;

const FAMILY: Record<string, string> = { vae: 'VAE', ae: 'autoencoder' };

/** Model settings in the order a reader expects them, with their row names; any other model setting follows. */
const MODEL_ROWS: [key: string, name: string][] = [
  ['kind', 'model'],
  ['arch', 'architecture'],
  ['imageShape', 'image shape'],
  ['hidden', 'hidden layers'],
  ['channels', 'convolution channels'],
  ['kernelSize', 'kernel size'],
  ['latentDim', 'latent dimension'],
  ['sampling', 'sampling'],
];

/** Run settings (run.json's config) in order: the declared ones as RUN_SETTINGS names them; the rest follow under their own names. */
const CONFIG_ROWS: [key: string, name: string][] = [
  ['dataset', 'dataset'],
  ['trainSize', 'real training images'],
  ['testSize', 'test images'],
  ...reportRows(RUN_SETTINGS),
  ['freshPoolSize', 'fresh pool images'],
  ['analysis', 'analysis'],
];

/** run.json's data digests (config.data), one row each: enough of the SHA-256 to tell two data sets apart. */
const DATA_ROWS: [key: string, name: string][] = [
  ['train', 'training images, SHA-256'],
  ['test', 'test images, SHA-256'],
  ['freshPool', 'fresh pool, SHA-256'],
];

const shortDigest = (v: unknown) => (typeof v === 'string' ? v.replace(/^sha256:([0-9a-f]{12})[0-9a-f]+$/, '$1…') : v);

/** A setting's value as text: strings and numbers as given (0.001, not 0.0010), yes/no, lists with commas, objects as "key value" pairs. */
export function readable(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map(readable).join(', ');
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${words(k)} ${readable(x)}`).join(', ');
  return String(v);
}

function modelValue(key: string, v: unknown): unknown {
  if (key === 'kind' && typeof v === 'string') return FAMILY[v] ?? v;
  if (key === 'imageShape' && Array.isArray(v)) return v.join('×');
  return v;
}

/** Rows: [name, value per run]. */
function rows(runs: readonly RunSummary[], here: string): [string, Get][] {
  const model = (r: RunSummary) => (r.info.config.model ?? {}) as Record<string, unknown>;
  const out: [string, Get][] = [['run folder', (r) => relative(here, r.dir) || '.']];
  const modelKeys = [...new Set(runs.flatMap((r) => Object.keys(model(r))))];
  for (const [key, name] of MODEL_ROWS) if (modelKeys.includes(key)) out.push([name, (r) => modelValue(key, model(r)[key])]);
  for (const key of modelKeys.filter((k) => !MODEL_ROWS.some(([m]) => m === k))) out.push([`model ${words(key)}`, (r) => model(r)[key]]);
  out.push(['scheme', (r) => r.scheme], ['seed', (r) => r.seed], ['generations done', (r) => r.records.length]);
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.info.config)))].filter((k) => k !== 'model' && k !== 'scheme' && k !== 'data');
  for (const [key, name] of CONFIG_ROWS) if (keys.includes(key)) out.push([name, (r) => r.info.config[key]]);
  const data = (r: RunSummary) => (r.info.config.data ?? {}) as Record<string, unknown>;
  const dataKeys = [...new Set(runs.flatMap((r) => Object.keys(data(r))))];
  for (const [key, name] of DATA_ROWS) if (dataKeys.includes(key)) out.push([name, (r) => shortDigest(data(r)[key])]);
  for (const key of dataKeys.filter((k) => !DATA_ROWS.some(([d]) => d === k))) out.push([`${words(key)}, SHA-256`, (r) => shortDigest(data(r)[key])]);
  for (const key of keys.filter((k) => !CONFIG_ROWS.some(([c]) => c === k))) out.push([words(key), (r) => r.info.config[key]]);
  out.push(
    ['backend', (r) => describeBackend(r.info.backend)],
    ['metrics classifier', (r) => {
      const m = r.analyses.find((a) => a?.metrics)?.metrics;
      if (!m) return 'no metrics';
      const real = m.real ? ` (against ${m.real.fid} real test images for FID, ${m.real.manifold} for precision and recall)` : '';
      const classifier = `test accuracy ${(m.classifier.testAccuracy * 100).toFixed(2)}%, ${m.classifier.featureDim} features`;
      return `${classifier}, ${m.samples} synthetic images measured per generation${real}, k = ${m.k}`;
    }],
    ['started', (r) => r.info.createdAt],
  );
  return out;
}

/** The configuration table of `runs` for a page in the folder `here` (run folders are shown relative to it). */
export function configTable(runs: readonly RunSummary[], here: string): string {
  const head = `<tr><th></th>${runs.map((r) => `<th>${esc(r.label)}</th>`).join('')}</tr>`;
  const body = rows(runs, here)
    .map(([name, get]) => {
      const cells = runs.map((r) => readable(get(r)));
      const row = cells.every((c) => c === cells[0]) && runs.length > 1 ? `<td class="shared" colspan="${runs.length}">${esc(cells[0])}</td>` : cells.map((c) => `<td>${esc(c)}</td>`).join('');
      return `<tr><th>${esc(name)}</th>${row}</tr>`;
    })
    .join('\n');
  return `<table class="config">${head}\n${body}</table>`;
}
