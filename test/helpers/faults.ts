/**
 * Fault injection for the fault-injection test and scripts/soak.ts: SIGKILL a CLI run at a random
 * moment, resume it with --resume until it finishes, and check that it ends with the
 * generations.jsonl of an uninterrupted run and nothing left to clean up.
 *
 * Two kinds of kill, both a real SIGKILL of the process doing the work (node --import tsx runs the
 * script in one process):
 *  - 'write': at the k-th file-system write into the output folder (test/helpers/kill-at.ts), just
 *    before or just after it; k is uniform over the writes an uninterrupted run makes, so these land
 *    on the save path by construction.
 *  - 'time': after a uniform random delay counted from the end of start-up (the 'Backend:' line)
 *    over the rest of an uninterrupted run's length: the unbiased control. (Kills during start-up,
 *    before anything is written, would test nothing.)
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyRun } from '../../lib/run/run-dir.ts';
import { createRng } from '../../lib/rng.ts';
import type { Rng } from '../../lib/rng.ts';
import { ROOT } from './cli.ts';

const KILL_AT = join(ROOT, 'test', 'helpers', 'kill-at.ts');

export interface FaultSetup {
  /** Script name under scripts/, e.g. 'vae-mnist'. */
  script: string;
  /** Flags for every run except --out and --resume; one scheme, so there is one run directory. */
  args: string[];
  /** The run directory's name under --out (the scheme). */
  scheme: string;
}

export interface Reference {
  jsonl: string;
  /** File-system writes an uninterrupted run makes into its output folder. */
  writes: number;
  /** Wall-clock milliseconds of an uninterrupted run. */
  ms: number;
  /** Milliseconds from its start to its 'Backend:' line (start-up: imports, backend, data). */
  startupMs: number;
}

export interface TrialPlan {
  kind: 'write' | 'time';
  /** Write number (kind 'write') or milliseconds after start-up (kind 'time'). */
  at: number;
  phase: 'before' | 'after';
  /** Kill the first resume too (at a random time), so that a crash during a resume is covered. */
  killResume: boolean;
  resumeDelayMs: number;
}

export interface TrialResult {
  plan: TrialPlan;
  /** The first run was SIGKILLed (not finished before the kill came). */
  killed: boolean;
  /** The kill left a .partial file or folder behind: it landed inside a save. */
  insideSave: boolean;
  /** What the kill left in the run directory, for the record. */
  leftovers: string[];
  /** Runs started in all (first run + resumes). */
  runs: number;
  ok: boolean;
  problem?: string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Milliseconds from the start to the 'Backend:' line, if it came. */
  startupMs?: number;
}

const STARTED = /^Backend: /m;

/** Runs the script once; `killAfterMs` counts from the end of start-up. */
function run(
  setup: FaultSetup,
  out: string,
  extra: string[],
  opts: { env?: Record<string, string>; killAfterMs?: number; preload?: boolean } = {},
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const imports = ['--import', 'tsx', ...(opts.preload ? ['--import', KILL_AT] : [])];
    const child = spawn(
      process.execPath,
      [...imports, `scripts/${setup.script}.ts`, ...setup.args, '--out', out, ...extra],
      {
        cwd: ROOT,
        env: { ...process.env, FORCE_COLOR: '0', ...opts.env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const began = performance.now();
    let stderr = '';
    let startupMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (startupMs === undefined && STARTED.test(stderr)) {
        startupMs = performance.now() - began;
        if (opts.killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, startupMs });
    });
  });
}

/** One uninterrupted run, counting its writes. */
export async function referenceRun(setup: FaultSetup, out: string): Promise<Reference> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const countFile = `${out}.writes`;
  const started = performance.now();
  const r = await run(setup, out, [], { preload: true, env: { FAULT_DIR: out, FAULT_COUNT_FILE: countFile } });
  const ms = performance.now() - started;
  if (r.code !== 0) throw new Error(`The reference run failed (exit ${r.code}): ${r.stderr.slice(-500)}`);
  const writes = Number(await readFile(countFile, 'utf8'));
  await rm(countFile, { force: true });
  return {
    jsonl: await readFile(join(out, setup.scheme, 'generations.jsonl'), 'utf8'),
    writes,
    ms,
    startupMs: r.startupMs ?? 0,
  };
}

/** Draws a trial: two in three kill at a write (the save path), one in three at a random time; a share `killResume` also kills the first resume. */
export function planTrial(rng: Rng, ref: Reference, killResume = 0.25): TrialPlan {
  const write = rng.uniform() < 2 / 3;
  return {
    kind: write ? 'write' : 'time',
    at: write ? 1 + rng.int(ref.writes) : Math.round(rng.uniform() * (ref.ms - ref.startupMs)),
    phase: rng.uniform() < 0.5 ? 'before' : 'after',
    killResume: rng.uniform() < killResume,
    resumeDelayMs: Math.round(rng.uniform() * (ref.ms - ref.startupMs)),
  };
}

/** Runs one trial in `out` (emptied first). */
export async function runTrial(setup: FaultSetup, out: string, ref: Reference, plan: TrialPlan): Promise<TrialResult> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const first =
    plan.kind === 'write'
      ? await run(setup, out, [], {
          preload: true,
          env: { FAULT_DIR: out, FAULT_AT: String(plan.at), FAULT_PHASE: plan.phase },
        })
      : await run(setup, out, [], { killAfterMs: plan.at });
  const result: TrialResult = {
    plan,
    killed: first.signal === 'SIGKILL',
    insideSave: false,
    leftovers: [],
    runs: 1,
    ok: false,
  };
  if (!result.killed && first.code !== 0)
    return { ...result, problem: `the first run failed (exit ${first.code}): ${lastLines(first.stderr)}` };
  result.leftovers = await partials(out);
  result.insideSave = result.leftovers.length > 0;
  if (plan.killResume && result.killed) {
    const r = await run(setup, out, ['--resume'], { killAfterMs: plan.resumeDelayMs });
    result.runs++;
    if (r.signal !== 'SIGKILL' && r.code !== 0)
      return { ...result, problem: `a resume failed (exit ${r.code}): ${lastLines(r.stderr)}` };
  }
  const last = await run(setup, out, ['--resume']);
  result.runs++;
  if (last.code !== 0)
    return { ...result, problem: `the final resume failed (exit ${last.code}): ${lastLines(last.stderr)}` };
  const dir = join(out, setup.scheme);
  const jsonl = await readFile(join(dir, 'generations.jsonl'), 'utf8');
  if (jsonl !== ref.jsonl)
    return {
      ...result,
      problem: `generations.jsonl differs from the uninterrupted run:\n${jsonl}\nexpected\n${ref.jsonl}`,
    };
  const left = (await readdir(dir)).filter((n) => n.includes('.partial') || n.includes('.epoch-') || n === 'run.lock');
  if (left.length > 0) return { ...result, problem: `left behind after the resume: ${left.join(', ')}` };
  // Outside the run directory too (the report and its pictures): rewriting a file removes what a killed write of it left.
  const litter = await partials(out);
  if (litter.length > 0)
    return { ...result, problem: `temporary files left in the output folder: ${litter.join(', ')}` };
  const verified = await verifyRun(dir);
  if (verified.problem || verified.completed !== verified.found)
    return {
      ...result,
      problem: `the finished run does not verify: ${verified.problem?.message ?? `${verified.completed} of ${verified.found}`}`,
    };
  return { ...result, ok: true };
}

export interface SoakOptions {
  setup: FaultSetup;
  trials: number;
  /** Seed of the kill points. */
  seed: number;
  /** Trials run side by side. */
  concurrency: number;
  /** Share of trials that also kill their first resume. Defaults to 0.25. */
  killResume?: number;
  /** Scratch folder. */
  root: string;
  onTrial?: (index: number, result: TrialResult) => void;
}

export interface SoakSummary {
  reference: Reference;
  results: TrialResult[];
}

/** The reference run, then `trials` trials with kill points drawn from `seed`. */
export async function soak(o: SoakOptions): Promise<SoakSummary> {
  const reference = await referenceRun(o.setup, join(o.root, 'reference'));
  const rng = createRng(o.seed);
  const plans = Array.from({ length: o.trials }, () => planTrial(rng, reference, o.killResume));
  const results: TrialResult[] = new Array(o.trials);
  let next = 0;
  const worker = async (slot: number) => {
    while (next < plans.length) {
      const i = next++;
      results[i] = await runTrial(o.setup, join(o.root, `slot-${slot}`), reference, plans[i]);
      o.onTrial?.(i, results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, (_, s) => worker(s)));
  return { reference, results };
}

/** Names (relative to the output folder) of the temporary files and folders a kill left. */
async function partials(out: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.name.endsWith('.partial')) found.push(name);
      else if (e.isDirectory()) await walk(join(dir, e.name), name);
    }
  };
  await walk(out, '');
  return found.sort();
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

/** The configuration of the fault-injection test and of scripts/soak.ts: three generations of two epochs on 100 images, about a second of training. */
export const SOAK_ARGS = [
  '--train-size',
  '100',
  '--test-size',
  '50',
  '--generations',
  '3',
  '--epochs',
  '2',
  '--hidden',
  '16',
  '--latent-dim',
  '2',
  '--batch-size',
  '50',
  '--seed',
  '5',
  '--scheme',
  'accumulate',
  '--backend',
  'wasm',
  '--no-metrics',
];
