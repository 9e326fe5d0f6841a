/**
 * What a forced re-plan deletes: the old sweep's own outputs, nothing else. Every part is shown to
 * be ours before the first is deleted: run directories by lib/run/'s rules (a run.json of ours, our
 * entries only, no live lock), report pages and their pictures by their marks (report/ownership.ts),
 * and the sweep's other files by their names in the sweep's own folder. The user's files stay where
 * they are; one where an output of ours should be (a folder named summary.csv, a page without the
 * generator tag) stops the re-plan with one sentence, before anything is deleted.
 */
import { lstat, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { reportFilesFolder } from '../report/html.ts';
import { checkOwnedReport, removeOwnedReport } from '../report/ownership.ts';
import { REPORT_FILE } from '../run/layout.ts';
import { checkRemovableRun, removeRun } from '../run/open.ts';
import { ForeignEntryError } from '../run/sealed.ts';
import { isLogName, LOGS_DIR, RUNS_REPORT, SWEEP_FILES, TASKS_DIR } from './layout.ts';
import type { SweepPlan } from './plan.ts';
import { PLOTS_DIR } from './plots.ts';
import { TASK_FILE } from './task-state.ts';

/** One thing to delete: checked first (all of them), then removed. */
interface Part {
  check: () => Promise<void>;
  remove: () => Promise<void>;
}

/** Deletes `plan`'s outputs in the sweep folder `dir` (not sweep.json), after checking every one of them is ours. */
export async function removeSweepOutputs(dir: string, plan: SweepPlan): Promise<void> {
  const parts: Part[] = [];
  for (const task of plan.tasks) {
    const taskDir = join(dir, task.dir);
    parts.push({ check: () => checkFolder(taskDir), remove: async () => {} });
    for (const run of task.runs)
      parts.push({ check: () => checkRemovableRun(join(dir, run.dir)), remove: () => removeRun(join(dir, run.dir)) });
    parts.push(
      ownFile(join(taskDir, TASK_FILE)),
      report(join(taskDir, REPORT_FILE), reportFilesFolder(join(taskDir, REPORT_FILE))),
    );
    parts.push({ check: async () => {}, remove: () => removeIfEmpty(taskDir) });
  }
  parts.push({ check: async () => {}, remove: () => removeIfEmpty(join(dir, TASKS_DIR)) });
  parts.push(logs(join(dir, LOGS_DIR)));
  parts.push(...SWEEP_FILES.map((name) => ownFile(join(dir, name))));
  parts.push(
    report(join(dir, REPORT_FILE), join(dir, PLOTS_DIR)),
    report(join(dir, RUNS_REPORT), reportFilesFolder(join(dir, RUNS_REPORT))),
  );
  for (const p of parts) await p.check();
  for (const p of parts) await p.remove();
}

const inTheWay = (path: string, what: string) =>
  new ForeignEntryError(
    path,
    `${path} is ${what}, which the sweep does not make there; expected the sweep's own output ` +
      `(move it away, then try again).`,
  );

/** Absent, or a real folder (not a symbolic link). */
async function checkFolder(path: string): Promise<void> {
  const info = await lstat(path).catch(() => null);
  if (info && !info.isDirectory()) throw inTheWay(path, info.isSymbolicLink() ? 'a symbolic link' : 'a file');
}

/** A file the sweep writes under this name: absent or a regular file. */
function ownFile(path: string): Part {
  return {
    check: async () => {
      const info = await lstat(path).catch(() => null);
      if (info && !info.isFile()) throw inTheWay(path, info.isDirectory() ? 'a folder' : 'a symbolic link');
    },
    remove: () => rm(path, { force: true }),
  };
}

function report(page: string, pictures: string): Part {
  return {
    check: () => checkOwnedReport('dir', page, pictures),
    remove: () => removeOwnedReport('dir', page, pictures),
  };
}

/** logs/: the files named like the sweep's logs go; anything else stays. */
function logs(folder: string): Part {
  const ours = async () => ((await lstat(folder).catch(() => null)) ? (await readdir(folder)).filter(isLogName) : []);
  return {
    check: async () => {
      await checkFolder(folder);
      for (const name of await ours()) await ownFile(join(folder, name)).check();
    },
    remove: async () => {
      for (const name of await ours()) await rm(join(folder, name), { force: true });
      await removeIfEmpty(folder);
    },
  };
}

async function removeIfEmpty(folder: string): Promise<void> {
  await rmdir(folder).catch(() => {});
}
