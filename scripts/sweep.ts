/**
 * Seed and setting grids: npx tsx scripts/sweep.ts plan|run|local|slurm|status|aggregate (see --help
 * and docs/sweeps.md). Parses flags and calls lib/sweep/; scripts/sweep-tasks.ts ties it to
 * the experiment scripts.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { OptionError } from '../lib/declaration.ts';
import type { QueueEntry, TaskStatus } from '../lib/index.ts';
import { configOption, exitWithError, flagMessage, flagNames, intOption, numberOption, parseFlagsOrExit, repeatableOption, suggestFlag, usage, withDefault, withDefaults } from './flags.ts';
import type { ParseOptions } from './flags.ts';
import { FROM_SOURCE, nodeCommand, scriptCommand } from './invocation.ts';
import { typed } from './flag-numbers.ts';
import { prepareTasks, runExperimentTask, sweepExperiments } from './sweep-tasks.ts';
import { parseTaskIndex } from './task-index.ts';

// The library (and tfjs) loads only once a command's flags are read: --help stays fast.
let lib: typeof import('../lib/index.ts');

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
  return exitWithError(message);
}

const dirOption = { type: 'string', demandOption: 'the sweep folder (--dir D)', describe: 'the sweep folder' } as const;

async function queueOf(dir: string): Promise<QueueEntry[] | null> {
  const submissions = await lib.readSubmissions(dir);
  return submissions.length ? lib.squeue(submissions.map((s) => s.arrayJobId)) : null;
}

function failedLines(statuses: readonly TaskStatus[]): string {
  return statuses
    .filter((s) => s.state !== 'done')
    .map((s) => `  task ${s.index} (${lib.describeSettings(s.settings)}): ${s.state}${s.last?.exitCode !== undefined ? `, exit ${s.last.exitCode}` : ''}${s.last?.log ? `, log ${s.last.log}` : ''}`)
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
  lib.watchWrappers((w) => on(`${w.name} (process ${w.pid}), which started this process, has ended`));
  return controller.signal;
}

/** One command of this script: its flags (and operands), and what it does with them. */
interface Command {
  describe: string;
  operands?: ParseOptions['operands'] & { usage: string };
  flags: (y: Argv) => Argv;
  run: (a: Record<string, unknown>) => Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  plan: {
    describe: "expand a grid file (JSON or YAML) into numbered tasks (sweep.json); checks every task's flags first",
    operands: { name: 'grid', min: 1, max: 1, describe: 'grid file', usage: '<grid>' },
    flags: (y) => y.option('dir', dirOption).option('force', { type: 'boolean', describe: withDefault('replace a sweep planned from another grid, with its tasks and results', false) }),
    async run(a) {
      const file = (a.grid as string[])[0];
      const dir = a.dir as string;
      const text = await readFile(file, 'utf8').catch((err: Error) => fail(`Grid file ${file} could not be read (${err.message}); expected a JSON or YAML file.`));
      const grid = lib.parseGrid(text, file);
      const { plan, written } = await lib.planSweep({ dir: resolve(dir), grid, gridFile: file, experiments: sweepExperiments, force: a.force === true });
      log(written ? `Planned ${plan.tasks.length} tasks of ${grid.script} in ${join(dir, 'sweep.json')}:` : `${join(dir, 'sweep.json')} already holds this grid (${plan.tasks.length} tasks); nothing changed.`);
      for (const t of plan.tasks) process.stdout.write(`${t.index}\t${lib.describeSettings(t.settings) || '-'}\t${t.dir}\n`);
    },
  },
  run: {
    describe: 'run one task in this process (skipped when done, resumed when interrupted)',
    flags: (y) => y.option('dir', dirOption).option('task', intOption('task', { describe: 'task index', default: '$SLURM_ARRAY_TASK_ID', min: 0 })),
    async run(a) {
      const fromSlurm = a.task === undefined;
      const raw = fromSlurm ? process.env.SLURM_ARRAY_TASK_ID : String(a.task);
      if (raw === undefined) fail('No task given; expected --task N, or SLURM_ARRAY_TASK_ID set by a Slurm job array.');
      const parsed = fromSlurm ? parseTaskIndex('SLURM_ARRAY_TASK_ID', raw) : Number(raw);
      if (typeof parsed !== 'number') fail(parsed.problem);
      const index = parsed as number;
      const { logFile, placement } = lib.taskEnvironment();
      const indexSource = fromSlurm ? 'SLURM_ARRAY_TASK_ID' : '--task';
      await lib.runTask({ dir: resolve(a.dir as string), index, indexSource, placement, log: logFile, run: runExperimentTask });
      // The parent watch (stdin) would keep the process alive.
      process.exit(0);
    },
  },
  local: {
    describe: 'run every unfinished task on this machine, P processes at once',
    flags: (y) => y.option('dir', dirOption).option('parallel', intOption('parallel', { describe: 'tasks at once, one process each (wasm uses one core per process)', default: `${availableParallelism()}, the CPU cores`, min: 1 })),
    async run(a) {
      const given = a.dir as string;
      const dir = resolve(given);
      const parallel = (a.parallel as number | undefined) ?? availableParallelism();
      const plan = await lib.readSweep(dir);
      await prepareTasks(dir, plan, ROOT, log);
      const signal = stopSignal('running tasks finish their current batch and save');
      const cmd = taskCommand(dir);
      const result = await lib.runLocalSweep({ dir, parallel, signal, command: (i) => ({ file: cmd[0], args: [...cmd.slice(1), '--task', String(i)], cwd: ROOT }) });
      const c = lib.countStates(result.statuses);
      if (result.stopped) {
        log(`Stopped: ${c.done} of ${result.statuses.length} tasks done; the rest are saved where they stopped. Continue with:\n  ${scriptCommand('sweep')} local --dir ${typed(given)}`);
        process.exit(130);
      }
      if (c.done < result.statuses.length) {
        log(`${result.statuses.length - c.done} of ${result.statuses.length} tasks did not finish:\n${failedLines(result.statuses)}`);
        fail(`${result.statuses.length - c.done} of ${result.statuses.length} tasks did not finish; run 'local' again to retry them (finished tasks are skipped).`);
      }
      log(`All ${c.done} tasks done. Aggregate with: ${scriptCommand('sweep')} aggregate --dir ${typed(given)}`);
    },
  },
  slurm: {
    describe: 'write sweep.sbatch, a Slurm job array of the unfinished tasks; --submit runs sbatch, --wait follows it to the end',
    flags: (y) =>
      y
        .option('dir', dirOption)
        .option('submit', { type: 'boolean', describe: withDefault('submit it with sbatch', 'false, only write it') })
        .option('wait', { type: 'boolean', describe: withDefault('with --submit: wait until the array has ended; exit 1 if a task failed', false) })
        .option('partition', { type: 'string', describe: withDefault('Slurm partition', "the cluster's default") })
        .option('cpus-per-task', intOption('cpus-per-task', { describe: 'CPUs per task', default: 1, min: 1 }))
        .option('gpus-per-task', intOption('gpus-per-task', { describe: 'GPUs per task', default: 'none', min: 1 }))
        .option('mem', { type: 'string', describe: withDefault('memory per task, e.g. 8G', "the cluster's default") })
        .option('time', { type: 'string', describe: withDefault('time limit per task, e.g. 04:00:00', "the partition's") })
        .option('max-running', intOption('max-running', { describe: 'at most this many tasks at once (%K of --array)', default: 'no limit', min: 1 }))
        .option('job-name', { type: 'string', describe: withDefault("the job's name", 'collapse-lab-<sweep folder name>') })
        .option('sbatch-option', repeatableOption({ describe: withDefault('another sbatch option for the script, e.g. --sbatch-option=--qos=long', 'none') }))
        .option('poll', numberOption('poll', { describe: 'seconds between looks at the queue with --wait', default: 5, above: 0 })),
    async run(flags) {
      const a = withDefaults(flags, { submit: false, wait: false, poll: 5 });
      if (a.wait && !a.submit) fail('--wait needs --submit; expected both (or neither).');
      const given = a.dir as string;
      const dir = resolve(given);
      const plan = await lib.readSweep(dir);
      const before = await lib.sweepStatus(dir, plan, { queue: await queueOf(dir) });
      const todo = before.filter((s) => s.state === 'pending' || s.state === 'failed').map((s) => s.index);
      const busy = before.filter((s) => s.state === 'running' || s.state === 'queued').map((s) => s.index);
      if (busy.length) log(`Tasks ${busy.join(', ')} are queued or running already; not submitted again.`);
      if (todo.length === 0) {
        log(`Nothing to submit: ${lib.countStates(before).done} of ${plan.tasks.length} tasks are done${busy.length ? `, ${busy.length} queued or running` : ''}.`);
        if (!a.wait || busy.length === 0) return;
      } else {
        const path = await lib.writeSbatch({
          dir,
          tasks: todo,
          workdir: ROOT,
          command: taskCommand(dir),
          partition: a.partition as string | undefined,
          cpusPerTask: a['cpus-per-task'] as number | undefined,
          gpusPerTask: a['gpus-per-task'] as number | undefined,
          mem: a.mem as string | undefined,
          time: a.time as string | undefined,
          maxRunning: a['max-running'] as number | undefined,
          jobName: a['job-name'] as string | undefined,
          extra: (a['sbatch-option'] as string[] | undefined) ?? [],
        });
        if (!a.submit) {
          log(`Wrote ${path} (${todo.length} tasks: ${todo.join(', ')}). Submit it with:\n  sbatch ${typed(path)}\nor: ${scriptCommand('sweep')} slurm --dir ${typed(given)} --submit`);
          return;
        }
        await prepareTasks(dir, plan, ROOT, log);
        const s = await lib.submitSbatch(dir, todo);
        log(`Submitted array job ${s.arrayJobId}: tasks ${todo.join(', ')}; logs in ${join(given, lib.slurmLogPath(s.arrayJobId, '<task>'))}.`);
        if (!a.wait) return;
      }
      const signal = stopSignal('the jobs go on; check on them with status');
      const ids = (await lib.readSubmissions(dir)).map((s) => s.arrayJobId);
      const statuses = await lib.waitForArrays({ dir, plan, arrayJobIds: ids, intervalMs: a.poll * 1000, signal });
      if (signal.aborted) process.exit(130);
      const c = lib.countStates(statuses);
      if (c.done < statuses.length) {
        log(`${statuses.length - c.done} of ${statuses.length} tasks are not done:\n${failedLines(statuses)}`);
        fail(`The job array ended with ${statuses.length - c.done} of ${statuses.length} tasks not done; submit again to retry them (finished tasks are not resubmitted).`);
      }
      log(`All ${c.done} tasks done. Aggregate with: ${scriptCommand('sweep')} aggregate --dir ${typed(given)}`);
    },
  },
  status: {
    describe: 'done / running / queued / failed / pending per task, from the run directories (and lib.squeue)',
    flags: (y) => y.option('dir', dirOption).option('json', { type: 'boolean', describe: withDefault('one JSON array of task statuses on stdout', false) }),
    async run(a) {
      const dir = resolve(a.dir as string);
      const statuses = await lib.sweepStatus(dir, await lib.readSweep(dir), { queue: await queueOf(dir) });
      process.stdout.write(a.json === true ? JSON.stringify(statuses) + '\n' : lib.formatStatus(statuses));
    },
  },
  aggregate: {
    describe: 'summary.csv, aggregate.csv (mean, sd, 95% CI per setting and generation), a chart per metric and report.html',
    flags: (y) =>
      y
        .option('dir', dirOption)
        .option('metric', { type: 'string', describe: withDefault('the metric whose table is printed', 'testLoss') })
        .option('plots', { type: 'boolean', describe: withDefault('draw the charts; --no-plots skips them', true) })
        .option('runs-report', { type: 'boolean', describe: withDefault('write runs.html, every run side by side; --no-runs-report skips it', true) }),
    async run(flags) {
      const a = withDefaults(flags, { metric: 'testLoss', plots: true, 'runs-report': true });
      const dir = resolve(a.dir as string);
      const result = await lib.aggregateSweep({ dir, plots: a.plots, runsReport: a['runs-report'], queue: await queueOf(dir) });
      if (!result.tables.metrics.includes(a.metric)) fail(`--metric ${a.metric} is not a metric of this sweep; expected one of ${result.tables.metrics.join(', ')}.`);
      process.stdout.write(lib.formatAggregate(result.tables, a.metric));
      for (const m of result.missing) {
        const why = m.why ? `is left out: ${m.why}` : `has no complete generation in ${m.run.dir} yet; left out.`;
        log(`Note: task ${m.task.index} (${lib.describeSettings(m.task.settings)}) ${why}`);
      }
      for (const m of result.partial) {
        log(`Note: task ${m.task.index} (${lib.describeSettings(m.task.settings)}) counts only its generations before the one that fails: ${m.why}.`);
      }
      log(`Wrote ${result.files.length} files; the sweep page: ${result.page}`);
    },
  },
};

const SUMMARY = 'Seed and setting grids of an experiment script, on this machine or as a Slurm job array, aggregated with 95% confidence intervals.';

/** The help of the script itself: its commands. */
function commandsHelp(): string {
  const width = Math.max(...Object.entries(COMMANDS).map(([n, c]) => `${n} ${c.operands?.usage ?? ''}`.trim().length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${`${n} ${c.operands?.usage ?? ''}`.trim().padEnd(width)}  ${c.describe}`);
  return `${usage('sweep', SUMMARY, '<command>')}\n\nCommands:\n${lines.join('\n')}\n\nRun ${scriptCommand('sweep')} <command> --help for the flags of each.\n`;
}

const [name, ...rest] = hideBin(process.argv);
if (name === '--help' || name === '-h') {
  process.stdout.write(commandsHelp());
  process.exit(0);
}
if (name === undefined || name.startsWith('-')) fail(`Name a command first: ${Object.keys(COMMANDS).join(', ')} (e.g. ${scriptCommand('sweep')} plan grid.json --dir D; see --help).`);
const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
if (!command) {
  const near = suggestFlag(name, Object.keys(COMMANDS));
  fail(`Unknown command '${name}'; ${near ? `did you mean ${near}?` : `expected one of ${Object.keys(COMMANDS).join(', ')}.`}`);
}
const parser = command.flags(yargs().usage(usage('sweep', command.describe, `${name}${command.operands ? ` ${command.operands.usage}` : ''}`))).option('config', configOption()).help();
const flags = (await parseFlagsOrExit(parser, rest, command.operands ? { operands: command.operands } : {})) as Record<string, unknown>;
lib = await import('../lib/index.ts');
try {
  await command.run(flags);
} catch (err) {
  exitWithError(flagMessage(err, flagNames(parser)));
}
