/**
 * Preloaded into a CLI run by the fault-injection harness (test/helpers/faults.ts):
 *
 *   node --import tsx --import ./test/helpers/kill-at.ts scripts/vae-mnist.ts ...
 *
 * Counts the file-system writes the run makes under FAULT_DIR (mkdir, open for writing, write,
 * fsync, close, rename, rm of a path there) and SIGKILLs its own process at write number FAULT_AT,
 * just before the call or just after it completes (FAULT_PHASE=before|after): a crash at an exact
 * point of the save path. With FAULT_COUNT_FILE set instead, it only counts and writes the total
 * there at exit. Nothing here runs unless FAULT_DIR is set.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const dir = process.env.FAULT_DIR ? resolve(process.env.FAULT_DIR) : undefined;
if (dir) {
  const at = Number(process.env.FAULT_AT ?? 0);
  const after = process.env.FAULT_PHASE === 'after';
  const countFile = process.env.FAULT_COUNT_FILE;
  let count = 0;
  const inside = (p: unknown) => typeof p === 'string' && resolve(p).startsWith(dir);
  const handles = new WeakSet<object>();

  const step = async <T>(run: () => Promise<T>): Promise<T> => {
    count++;
    if (count === at && !after) process.kill(process.pid, 'SIGKILL');
    const result = await run();
    if (count === at && after) process.kill(process.pid, 'SIGKILL');
    return result;
  };

  const p = fs.promises as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ['mkdir', 'rename', 'rm', 'writeFile', 'unlink', 'rmdir']) {
    const original = p[name];
    p[name] = (...args: unknown[]) => (inside(args[0]) ? step(() => original(...args)) : original(...args));
  }
  const open = p.open;
  p.open = async (...args: unknown[]) => {
    const writing = typeof args[1] === 'string' && /[wax+]/.test(args[1]);
    // Folders are opened read-only to fsync them after a rename: that sync is part of the save path too.
    const tracked =
      inside(args[0]) && (writing || fs.statSync(args[0] as string, { throwIfNoEntry: false })?.isDirectory());
    const handle = (await (tracked && writing ? step(() => open(...args)) : open(...args))) as object;
    if (tracked) handles.add(handle);
    return handle;
  };
  const probe = await fs.promises.open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  await probe.close();
  for (const name of ['writeFile', 'write', 'sync', 'datasync', 'close']) {
    const original = proto[name];
    proto[name] = function (this: object, ...args: unknown[]) {
      return handles.has(this) ? step(() => original.apply(this, args)) : original.apply(this, args);
    };
  }
  syncBuiltinESMExports();
  if (countFile) process.on('exit', () => fs.writeFileSync(countFile, String(count)));
}
