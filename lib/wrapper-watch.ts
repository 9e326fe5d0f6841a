/**
 * Noticing that the wrapper processes which started this one are gone. `npx tsx script.ts` runs the
 * script three or four processes down (npm exec -> sh -c -> tsx -> node): a signal sent only to the
 * npx process (a process manager, `kill <pid>`, `timeout`) ends npm and the shell at once, and tsx,
 * which would relay it, never hears it; the training process would run on to the end. So a CLI
 * watches the chain of wrappers above it and treats the loss of any of them like SIGTERM.
 *
 * Wrappers are recognised by their command line: npm / npx (npm exec, npm run), the `sh -c` npm
 * runs a command in, and the tsx binary. The chain stops at the first other process (a shell, a
 * process manager, nohup...), whose end does not stop the run. Linux reads /proc; elsewhere `ps`
 * gives the chain once and the wrappers are polled by pid; without either nothing is watched.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAlive } from './run/atomic.ts';

/** An npm / npx / tsx process above this one, which watchWrappers follows. */
export interface WrapperProcess {
  pid: number;
  /** What it is: 'npm', 'sh -c' or 'tsx'. */
  kind: string;
  /** How to call it in a message: 'npm exec' (what npx runs as), 'npm start', 'sh -c', 'tsx'. */
  name: string;
}

interface ProcessInfo {
  ppid: number;
  args: string[];
}

/** The parent pid and command line of process `pid`, or null when it is gone or cannot be read. */
function processInfo(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '');
    return { ppid, args };
  } catch {
    // No /proc (macOS, BSD): ask ps, once per process.
  }
  try {
    const line = execFileSync('ps', ['-o', 'ppid=', '-o', 'args=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const m = /^(\d+)\s+(.*)$/.exec(line);
    return m ? { ppid: Number(m[1]), args: m[2].split(/\s+/) } : null;
  } catch {
    return null;
  }
}

/** Which wrapper a command line is, or null. */
export function wrapperKind(args: readonly string[]): string | null {
  const [first = '', second = ''] = args;
  // npm and npx set their process title ("npm exec tsx ...", "npm run start").
  if (/^np[mx](\s|$)/.test(first) || /[\\/]np[mx]-cli\.js$/.test(second) || /(^|[\\/])np[mx]$/.test(second))
    return 'npm';
  if (/(^|[\\/])tsx$/.test(first) || /(^|[\\/])(\.bin[\\/]tsx|tsx[\\/]dist[\\/]cli\.[cm]?js)$/.test(second))
    return 'tsx';
  if (/(^|[\\/])(ba|da|z)?sh$/.test(first) && second === '-c') return 'sh -c';
  return null;
}

/** The wrappers above this process, nearest first (empty when it was not started through one). */
export function wrapperChain(start = process.ppid): WrapperProcess[] {
  const chain: WrapperProcess[] = [];
  let pid = start;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const info = processInfo(pid);
    const kind = info && wrapperKind(info.args);
    if (!info || !kind) break;
    // A shell counts only as npm's: `sh -c` under anything else is the user's own.
    if (kind === 'sh -c' && wrapperKind(processInfo(info.ppid)?.args ?? []) !== 'npm') break;
    chain.push({
      pid,
      kind,
      name: kind === 'npm' && /^np[mx]\s/.test(info.args[0]) ? info.args[0].split(/\s+/).slice(0, 2).join(' ') : kind,
    });
    pid = info.ppid;
  }
  return chain;
}

/**
 * Calls `onGone` once when a wrapper of this process exits (or this process is handed to another
 * parent); returns the function that stops watching. Polls every `intervalMs` (1 s), never keeping
 * the process alive by itself.
 */
export function watchWrappers(onGone: (wrapper: WrapperProcess) => void, intervalMs = 1000): () => void {
  const chain = wrapperChain();
  if (chain.length === 0) return () => {};
  const proc = hasProc();
  const timer = setInterval(() => {
    const gone = findGone(chain, proc);
    if (gone) {
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** True where /proc describes processes (Linux): parent links can then be re-read every poll. */
function hasProc(): boolean {
  try {
    readFileSync(`/proc/${process.pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/** The outermost wrapper that is gone: it no longer exists, or the process below it has another parent now. */
function findGone(chain: readonly WrapperProcess[], proc: boolean): WrapperProcess | null {
  let gone: WrapperProcess | null = process.ppid !== chain[0].pid ? chain[0] : null;
  for (let i = 0; i < chain.length; i++) {
    if (!isAlive(chain[i].pid)) gone = chain[i];
    else if (proc && i + 1 < chain.length && processInfo(chain[i].pid)?.ppid !== chain[i + 1].pid) gone = chain[i + 1];
  }
  return gone;
}
