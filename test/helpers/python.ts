/**
 * Python tools the read-back tests use: TensorBoard's event reader and pandas (installed in CI by
 * .ci/tensorboard.sh). Without them the tests skip, saying why; COLLAPSE_LAB_REQUIRE_PYTHON_TOOLS=1
 * (set by .ci/run once the script succeeded) turns the skip into a failure.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PYTHON = process.env.PYTHON ?? 'python3';

/** Whether `modules` import in Python here, and if not the sentence the tests skip with. */
export async function pythonWith(...modules: string[]): Promise<{ ok: true } | { ok: false; skip: string }> {
  try {
    await run(PYTHON, ['-c', `import ${modules.join(', ')}`]);
    return { ok: true };
  } catch (err) {
    const skip = `Skipped: ${PYTHON} cannot import ${modules.join(', ')} (${String((err as Error).message)
      .split('\n')
      .filter(Boolean)
      .pop()}); bash .ci/tensorboard.sh installs them.`;
    if (process.env.COLLAPSE_LAB_REQUIRE_PYTHON_TOOLS === '1')
      throw new Error(`COLLAPSE_LAB_REQUIRE_PYTHON_TOOLS is set, but ${skip}`);
    console.warn(skip);
    return { ok: false, skip };
  }
}

/** Runs a Python snippet; its stdout. */
export async function python(code: string, args: string[] = []): Promise<string> {
  return (await run(PYTHON, ['-c', code, ...args], { maxBuffer: 1 << 26 })).stdout;
}

export interface EventFolder {
  /** Tag -> [step, value] pairs. */
  scalars: Record<string, [number, number][]>;
  /** Tag -> [step, width, height]. */
  images: Record<string, [number, number, number][]>;
  /** Tag -> texts. */
  text: Record<string, string[]>;
}

/** What TensorBoard's EventAccumulator reads from each folder. */
export async function readEventFolders(folders: string[]): Promise<Record<string, EventFolder>> {
  const script = fileURLToPath(new URL('read-tensorboard.py', import.meta.url));
  return JSON.parse((await run(PYTHON, [script, ...folders], { maxBuffer: 1 << 26 })).stdout) as Record<
    string,
    EventFolder
  >;
}
