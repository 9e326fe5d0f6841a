/**
 * Seed and setting grids: npx tsx scripts/sweep.ts plan|run|local|slurm|status|aggregate (see --help
 * and the README, "Sweeps"). Parses flags and calls lib/sweep/; scripts/sweep-tasks.ts ties it to
 * the experiment scripts.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import {
  aggregateSweep,
  countStates,
  describeSettings,
  formatAggregate,
  formatStatus,
  OptionError,
  parseGrid,
  placementFrom,
  planSweep,
  readSubmissions,
  readSweep,
  runLocalSweep,
  runTask,
  squeue,
  stopWhenParentEnds,
  submitSbatch,
  sweepStatus,
  SWEEP_CHILD_ENV,
  SWEEP_LOG_ENV,
  waitForArrays,
  watchWrappers,
  writeSbatch,
} from '../lib/index.ts';
import type { QueueEntry, TaskStatus } from '../lib/index.ts';
import { BIN, FROM_SOURCE, isStartedByBin, nodeCommand, scriptCommand, usageLine } from './invocation.ts';
import { prepareTasks, runExperimentTask, sweepExperiments } from './sweep-tasks.ts';

const SELF = fileURLToPath(import.meta.url);
/**
 * The tasks' working directory, locally and on Slurm: from the sources, the repository checkout
 * (where tsx resolves); compiled (the installed package), the folder the sweep command runs in.
 */
const ROOT = FROM_SOURCE ? resolve(SELF, '..', '..') : process.cwd();
/** How a task runs in a process of its own: this script's `run`. */
const taskCommand = (dir: string) => [...nodeCommand(SELF), 'run', '--dir', dir];

const log = (line: string) => process.stderr.write(line + '\n');

function fail(message: string): never {
  process.stderr.write(`Error: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
}

/** A repeated flag takes its last value, as in the other scripts. */
const last = <T>(v: T | T[]): T => (Array.isArray(v) ? v[v.length - 1] : v);

const dirOption = { type: 'string', demandOption: true, describe: 'the sweep folder' } as const;

async function queueOf(dir: string): Promise<QueueEntry[] | null> {
  const submissions = await readSubmissions(dir);
  return submissions.length ? squeue(submissions.map((s) => s.arrayJobId)) : null;
}

function positiveInt(flag: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = last(v as number);
  if (!(Number.isInteger(n) && n > 0)) fail(`--${flag} ${String(n)} is not valid; expected a positive integer.`);
  return n;
}

function failedLines(statuses: readonly TaskStatus[]): string {
  return statuses
    .filter((s) => s.state !== 'done')
    .map((s) => `  task ${s.index} (${describeSettings(s.settings)}): ${s.state}${s.last?.exitCode !== undefined ? `, exit ${s.last.exitCode}` : ''}${s.last?.log ? `, log ${s.last.log}` : ''}`)
    .join('\n');
}

/** Ctrl-C / SIGTERM, or the end of the npx / tsx wrapper that started this process: one graceful stop (tasks finish their batch); later signals only say so. */
function stopSignal(what: string): AbortSignal {
  const controller = new AbortController();
  const on = (sig: string) => {
    if (controller.signal.aborted) return log(`${sig}: already stopping; ${what}.`);
    log(`\n${sig}: stopping; ${what}.`);
    controller.abort();
  };
  process.on('SIGINT', () => on('SIGINT'));
  process.on('SIGTERM', () => on('SIGTERM'));
  // A signal sent to the wrapper alone never reaches this process (lib/wrapper-watch.ts).
  watchWrappers((w) => on(`${w.name} (process ${w.pid}), which started this process, has ended`));
  return controller.signal;
}

await yargs(hideBin(process.argv))
  .scriptName(isStartedByBin() ? `${BIN} sweep` : 'sweep.ts')
  .usage(usageLine('sweep', '<command> [flags]') + '\n\nSeed and setting grids of an experiment script, on this machine or as a Slurm job array, aggregated with 95% confidence intervals.')
  .strict()
  .parserConfiguration({ 'duplicate-arguments-array': false })
  .command(
    'plan <grid>',
    'expand a grid file (JSON or YAML) into numbered tasks (sweep.json); checks every task\'s flags first',
    (y) =>
      y
        .positional('grid', { type: 'string', demandOption: true, describe: 'the grid file: { "script", "flags", "grid" }' })
        .option('dir', dirOption)
        .option('force', { type: 'boolean', default: false, describe: 'replace a sweep planned from another grid, with its tasks and results (default: false)' }),
    async (a) => {
      const file = a.grid as string;
      const text = await readFile(file, 'utf8').catch((err: Error) => fail(`Grid file ${file} could not be read (${err.message}); expected a JSON or YAML file.`));
      const grid = parseGrid(text, file);
      const { plan, written } = await planSweep({ dir: resolve(a.dir), grid, gridFile: file, experiments: sweepExperiments, force: a.force });
      log(written ? `Planned ${plan.tasks.length} tasks of ${grid.script} in ${join(a.dir, 'sweep.json')}:` : `${join(a.dir, 'sweep.json')} already holds this grid (${plan.tasks.length} tasks); nothing changed.`);
      for (const t of plan.tasks) process.stdout.write(`${t.index}\t${describeSettings(t.settings) || '-'}\t${t.dir}\n`);
    },
  )
  .command(
    'run',
    'run one task in this process (skipped when done, resumed when interrupted)',
    (y) => y.option('dir', dirOption).option('task', { type: 'number', describe: 'task index (default: $SLURM_ARRAY_TASK_ID)' }),
    async (a) => {
      const fromSlurm = a.task === undefined;
      const raw = fromSlurm ? process.env.SLURM_ARRAY_TASK_ID : String(last(a.task as number));
      if (raw === undefined) fail('No task given; expected --task N, or SLURM_ARRAY_TASK_ID set by a Slurm job array.');
      const index = Number(raw);
      const env = process.env;
      if (env[SWEEP_CHILD_ENV]) stopWhenParentEnds();
      const logFile = env[SWEEP_LOG_ENV] ?? (env.SLURM_ARRAY_JOB_ID ? join('logs', `slurm-${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}.out`) : undefined);
      await runTask({ dir: resolve(a.dir), index, indexSource: fromSlurm ? 'SLURM_ARRAY_TASK_ID' : '--task', placement: placementFrom(env), log: logFile, run: runExperimentTask });
      // The parent watch (stdin) would keep the process alive.
      process.exit(0);
    },
  )
  .command(
    'local',
    'run every unfinished task on this machine, P processes at once',
    (y) => y.option('dir', dirOption).option('parallel', { type: 'number', describe: `tasks at once, one process each (wasm uses one core per process) (default: ${availableParallelism()}, the CPU cores)` }),
    async (a) => {
      const dir = resolve(a.dir);
      const parallel = positiveInt('parallel', a.parallel) ?? availableParallelism();
      const plan = await readSweep(dir);
      await prepareTasks(dir, plan, ROOT, log);
      const signal = stopSignal('running tasks finish their current batch and save');
      const cmd = taskCommand(dir);
      const result = await runLocalSweep({ dir, parallel, signal, command: (i) => ({ file: cmd[0], args: [...cmd.slice(1), '--task', String(i)], cwd: ROOT }) });
      const c = countStates(result.statuses);
      if (result.stopped) {
        log(`Stopped: ${c.done} of ${result.statuses.length} tasks done; the rest are saved where they stopped. Continue with:\n  ${scriptCommand('sweep')} local --dir ${a.dir}`);
        process.exit(130);
      }
      if (c.done < result.statuses.length) {
        log(`${result.statuses.length - c.done} of ${result.statuses.length} tasks did not finish:\n${failedLines(result.statuses)}`);
        fail(`${result.statuses.length - c.done} of ${result.statuses.length} tasks did not finish; run 'local' again to retry them (finished tasks are skipped).`);
      }
      log(`All ${c.done} tasks done. Aggregate with: ${scriptCommand('sweep')} aggregate --dir ${a.dir}`);
    },
  )
  .command(
    'slurm',
    'write sweep.sbatch, a Slurm job array of the unfinished tasks; --submit runs sbatch, --wait follows it to the end',
    (y) =>
      y
        .option('dir', dirOption)
        .option('submit', { type: 'boolean', default: false, describe: 'submit it with sbatch (default: false: only write it)' })
        .option('wait', { type: 'boolean', default: false, describe: 'with --submit: wait until the array has ended; exit 1 if a task failed (default: false)' })
        .option('partition', { type: 'string', describe: 'Slurm partition (default: the cluster\'s default)' })
        .option('cpus-per-task', { type: 'number', describe: 'CPUs per task (default: 1)' })
        .option('gpus-per-task', { type: 'number', describe: 'GPUs per task (default: none)' })
        .option('mem', { type: 'string', describe: 'memory per task, e.g. 8G (default: the cluster\'s default)' })
        .option('time', { type: 'string', describe: 'time limit per task, e.g. 04:00:00 (default: the partition\'s)' })
        .option('max-running', { type: 'number', describe: 'at most this many tasks at once (%K of --array) (default: no limit)' })
        .option('job-name', { type: 'string', describe: 'the job\'s name (default: collapse-lab-<sweep folder name>)' })
        .option('sbatch-option', { type: 'string', array: true, describe: 'another sbatch option for the script, e.g. --sbatch-option=--qos=long (repeatable) (default: none)' })
        .option('poll', { type: 'number', default: 5, describe: 'seconds between looks at the queue with --wait (default: 5)' })
        .check((a) => {
          if (a.wait && !a.submit) throw new Error('--wait needs --submit; expected both (or neither).');
          return true;
        }),
    async (a) => {
      const dir = resolve(a.dir);
      const plan = await readSweep(dir);
      const before = await sweepStatus(dir, plan, { queue: await queueOf(dir) });
      const todo = before.filter((s) => s.state === 'pending' || s.state === 'failed').map((s) => s.index);
      const busy = before.filter((s) => s.state === 'running' || s.state === 'queued').map((s) => s.index);
      if (busy.length) log(`Tasks ${busy.join(', ')} are queued or running already; not submitted again.`);
      if (todo.length === 0) {
        log(`Nothing to submit: ${countStates(before).done} of ${plan.tasks.length} tasks are done${busy.length ? `, ${busy.length} queued or running` : ''}.`);
        if (!a.wait || busy.length === 0) return;
      } else {
        const extra = (a['sbatch-option'] as string[] | undefined) ?? [];
        const path = await writeSbatch({
          dir,
          tasks: todo,
          workdir: ROOT,
          command: taskCommand(dir),
          partition: a.partition && last(a.partition),
          cpusPerTask: positiveInt('cpus-per-task', a['cpus-per-task']),
          gpusPerTask: positiveInt('gpus-per-task', a['gpus-per-task']),
          mem: a.mem && last(a.mem),
          time: a.time && last(a.time),
          maxRunning: positiveInt('max-running', a['max-running']),
          jobName: a['job-name'] && last(a['job-name']),
          extra,
        });
        if (!a.submit) {
          log(`Wrote ${path} (${todo.length} tasks: ${todo.join(', ')}). Submit it with:\n  sbatch ${path}\nor: ${scriptCommand('sweep')} slurm --dir ${a.dir} --submit`);
          return;
        }
        await prepareTasks(dir, plan, ROOT, log);
        const s = await submitSbatch(dir, todo);
        log(`Submitted array job ${s.arrayJobId}: tasks ${todo.join(', ')}; logs in ${join(a.dir, 'logs')}/slurm-${s.arrayJobId}_<task>.out.`);
        if (!a.wait) return;
      }
      const signal = stopSignal('the jobs go on; check on them with status');
      const ids = (await readSubmissions(dir)).map((s) => s.arrayJobId);
      const poll = last(a.poll);
      if (!(poll > 0)) fail(`--poll ${poll} is not valid; expected a positive number of seconds.`);
      const statuses = await waitForArrays({ dir, plan, arrayJobIds: ids, intervalMs: poll * 1000, signal });
      if (signal.aborted) process.exit(130);
      const c = countStates(statuses);
      if (c.done < statuses.length) {
        log(`${statuses.length - c.done} of ${statuses.length} tasks are not done:\n${failedLines(statuses)}`);
        fail(`The job array ended with ${statuses.length - c.done} of ${statuses.length} tasks not done; submit again to retry them (finished tasks are not resubmitted).`);
      }
      log(`All ${c.done} tasks done. Aggregate with: ${scriptCommand('sweep')} aggregate --dir ${a.dir}`);
    },
  )
  .command(
    'status',
    'done / running / queued / failed / pending per task, from the run directories (and squeue)',
    (y) => y.option('dir', dirOption).option('json', { type: 'boolean', default: false, describe: 'one JSON array of task statuses on stdout (default: false)' }),
    async (a) => {
      const dir = resolve(a.dir);
      const statuses = await sweepStatus(dir, await readSweep(dir), { queue: await queueOf(dir) });
      process.stdout.write(a.json ? JSON.stringify(statuses) + '\n' : formatStatus(statuses));
    },
  )
  .command(
    'aggregate',
    'summary.csv, aggregate.csv (mean, sd, 95% CI per setting and generation), a chart per metric and report.html',
    (y) =>
      y
        .option('dir', dirOption)
        .option('metric', { type: 'string', default: 'testLoss', describe: 'the metric whose table is printed (default: testLoss)' })
        .option('plots', { type: 'boolean', default: true, describe: 'draw the charts; --no-plots skips them (default: true)' })
        .option('runs-report', { type: 'boolean', default: true, describe: 'write runs.html, every run side by side; --no-runs-report skips it (default: true)' }),
    async (a) => {
      const dir = resolve(a.dir);
      const result = await aggregateSweep({ dir, plots: a.plots, runsReport: a['runs-report'], queue: await queueOf(dir) });
      const metric = last(a.metric);
      if (!result.tables.metrics.includes(metric)) fail(`--metric ${metric} is not a metric of this sweep; expected one of ${result.tables.metrics.join(', ')}.`);
      process.stdout.write(formatAggregate(result.tables, metric));
      for (const m of result.missing) log(`Note: task ${m.task.index} (${describeSettings(m.task.settings)}) has no complete generation in ${m.run.dir} yet; left out.`);
      log(`Wrote ${result.files.length} files; the sweep page: ${result.page}`);
    },
  )
  .demandCommand(1, 'Name a command: plan, run, local, slurm, status or aggregate.')
  // The library names its options (dir); this script's flags have the same names.
  .fail((msg, err) => fail(msg ?? (err instanceof OptionError ? err.render((option) => `--${option}`) : err?.message) ?? 'Bad flags.'))
  .help()
  .parseAsync();
