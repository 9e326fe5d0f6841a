/**
 * `npm run gpu-check`: which backends work on this machine and why the others do not, the WebGPU
 * adapter, and a short training run of the dense VAE on each usable backend beside wasm's (images/s
 * and how far its loss is from wasm's). Wall-clock numbers: for people, never for test assertions.
 */
import type { ImageSource } from '../data/images.ts';
import { createVae } from '../models/vae.ts';
import { adapterLabel, BACKEND_ROUTES, describeBackend, surveyBackends, useBackend } from './backend.ts';
import type { BackendEnvironment, BackendInfo, BackendRoute, GpuAdapter, RouteStatus } from './backend.ts';
import { benchTraining } from './bench.ts';
import type { TrainingBench } from './bench.ts';

/** Options of gpuCheck: the training images, which backends to train on, and for how many steps. */
export interface GpuCheckOptions {
  /** Real training images (at least (warmupSteps + steps) * 128). */
  train: ImageSource;
  /** Steps trained on each usable backend, warm-up included. Defaults to 100. */
  steps?: number;
  /** Steps before the clock starts. Defaults to 10. */
  warmupSteps?: number;
  /** Routes to train on (all usable ones when absent). */
  trainOn?: readonly BackendRoute[];
  /** Progress lines. Defaults to none. */
  log?: (line: string) => void;
  /** The machine (tests pass a fake). */
  env?: BackendEnvironment;
}

/** One backend in gpuCheck: usable or not, and why. */
export interface GpuCheckRow {
  route: BackendRoute;
  usable: boolean;
  /** Why not, when not usable. */
  why?: string;
  backend?: BackendInfo;
  adapter?: GpuAdapter;
  training?: TrainingBench & { lossVsWasm?: number };
}

/** What gpuCheck found: a row per backend (with its training run), the backend auto picks, and the steps. */
export interface GpuCheckResult {
  rows: GpuCheckRow[];
  /** The route `auto` takes here. */
  auto: BackendRoute | null;
  steps: number;
}

/** Every backend, usable or why not, and a short training run on each usable one (npm run gpu-check). */
export async function gpuCheck(options: GpuCheckOptions): Promise<GpuCheckResult> {
  const steps = options.steps ?? 100;
  const warmup = Math.min(options.warmupSteps ?? 10, steps - 1);
  if (!(Number.isInteger(steps) && steps >= 2)) throw new Error(`steps ${steps} must be an integer of at least 2.`);
  const survey = await surveyBackends({}, options.env);
  const rows = survey.map(toRow);
  // wasm first: the others are compared with it.
  const order = [...rows].sort((a, b) => Number(b.route === 'wasm') - Number(a.route === 'wasm'));
  for (const row of order) {
    if (!row.backend || (options.trainOn && !options.trainOn.includes(row.route))) continue;
    options.log?.(`training ${steps} steps on ${describeBackend(row.backend)}...`);
    await useBackend(row.backend);
    const model = createVae({ seed: 1 });
    try {
      row.training = await benchTraining({ model, train: options.train, warmupSteps: warmup, steps: steps - warmup });
    } finally {
      model.dispose();
    }
  }
  const wasm = rows.find((r) => r.route === 'wasm')?.training;
  for (const r of rows)
    if (wasm && r.training && r.route !== 'wasm') r.training.lossVsWasm = r.training.loss / wasm.loss - 1;
  return { rows, auto: autoRoute(survey), steps };
}

function toRow(s: RouteStatus): GpuCheckRow {
  return s.usable
    ? { route: s.route, usable: true, backend: s.info, adapter: s.info.adapter }
    : { route: s.route, usable: false, why: s.why, adapter: s.adapter };
}

/** The first route auto would take: usable, and for WebGPU a hardware adapter. */
function autoRoute(survey: RouteStatus[]): BackendRoute | null {
  return survey.find((s) => s.usable && !(s.route === 'webgpu' && s.info.adapter?.software))?.route ?? null;
}

/** The check as text: the backend table, the adapter, the training table. */
export function formatGpuCheck(result: GpuCheckResult): string {
  const lines: string[] = [];
  const w = Math.max(...BACKEND_ROUTES.map((r) => r.length));
  lines.push(`${'backend'.padEnd(w)}  usable  details`);
  for (const r of result.rows) {
    const details =
      r.usable && r.backend
        ? `${describeBackend(r.backend)}${r.route === 'webgpu' && r.adapter?.software ? '; auto skips a software adapter' : ''}`
        : (r.why ?? '');
    lines.push(`${r.route.padEnd(w)}  ${(r.usable ? 'yes' : 'no').padEnd(6)}  ${details}`);
  }
  lines.push(`auto picks: ${result.auto ?? 'nothing'}`);
  const adapter = result.rows.find((r) => r.route === 'webgpu')?.adapter;
  lines.push('');
  lines.push(
    adapter
      ? `WebGPU adapter: ${adapterLabel(adapter)}; vendor '${adapter.vendor}', architecture '${adapter.architecture}', ` +
          `device '${adapter.device}', ${adapter.software ? 'software (the GPU code runs on the CPU: a correctness check, not a GPU speed)' : 'hardware'}`
      : 'WebGPU adapter: none',
  );
  const trained = result.rows.filter((r) => r.training);
  if (trained.length) {
    lines.push('');
    lines.push(`Dense VAE (784-400-20), ${result.steps} Adam steps of 128 real MNIST images from the same seed:`);
    lines.push(`${'backend'.padEnd(w)}  ${'images/s'.padStart(8)}  ${'mean loss'.padStart(10)}  loss vs wasm`);
    for (const r of trained) {
      const t = r.training!;
      const vs =
        r.route === 'wasm'
          ? 'reference'
          : t.lossVsWasm === undefined
            ? '-'
            : `${t.lossVsWasm >= 0 ? '+' : ''}${t.lossVsWasm.toExponential(1)} relative`;
      lines.push(
        `${r.route.padEnd(w)}  ${t.imagesPerSecond.toFixed(0).padStart(8)}  ${t.loss.toFixed(4).padStart(10)}  ${vs}`,
      );
    }
  }
  return lines.join('\n');
}
