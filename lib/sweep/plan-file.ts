/**
 * sweep.json is trusted only as far as it is checked: it carries a checksum of itself (like
 * run.json), and every path in it is the one the plan gives a task (tasks/NNN and tasks/NNN/<scheme>),
 * so that an edited plan can never point `plan --force`, `local` or `status` at a folder outside
 * the sweep.
 */
import { join } from 'node:path';
import { checksumOf } from '../run/info.ts';
import { TASKS_DIR } from './layout.ts';
import type { SweepPlan } from './plan.ts';

/** The plan with its checksum, as written. */
export function sealPlan(plan: SweepPlan): SweepPlan & { checksum: string } {
  const { checksum: _old, ...body } = plan as SweepPlan & { checksum?: string };
  return { ...body, checksum: checksumOf(body) };
}

/**
 * Throws one sentence naming `path` when the plan read from it fails its checksum (when `sealed`) or a path in
 * it leaves the sweep folder.
 */
export function checkPlanFile(path: string, plan: SweepPlan & { checksum?: unknown }, sealed: boolean): void {
  if (sealed) {
    const { checksum, ...body } = plan;
    if (checksum !== checksumOf(body))
      throw new Error(
        `Sweep file ${path} does not match its own checksum (damaged or edited); expected the ` +
          `sweep.json 'sweep.ts plan' wrote.`,
      );
  }
  if (!Array.isArray(plan.tasks))
    throw new Error(`Sweep file ${path} has no list of tasks; expected the sweep.json 'sweep.ts plan' wrote.`);
  const width = Math.max(3, String(plan.tasks.length - 1).length);
  for (const [index, task] of plan.tasks.entries()) {
    const dir = join(TASKS_DIR, String(index).padStart(width, '0'));
    const bad = (what: string) =>
      new Error(
        `Sweep file ${path} gives task ${index} ${what}; expected paths inside the sweep folder as ` +
          `planned (${dir} and its run folders).`,
      );
    if (task?.index !== index || task.dir !== dir) throw bad(`the folder ${JSON.stringify(task?.dir)}`);
    for (const run of Array.isArray(task.runs) ? task.runs : [null]) {
      const scheme = run?.scheme;
      if (!(
        typeof scheme === 'string' &&
        /^[\w.-]+$/.test(scheme) &&
        scheme !== '.' &&
        scheme !== '..' &&
        run?.dir === join(dir, scheme)
      ))
        throw bad(`the run folder ${JSON.stringify(run?.dir)}`);
    }
  }
}
