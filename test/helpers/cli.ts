/** Runs the project's CLIs as a user would: npx tsx scripts/<name>.ts ... */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment of a child CLI. Dawn (the WebGPU backend) warns when XDG_RUNTIME_DIR is unset, as
 * it is under CI and sudo: children get the caller's or a private folder of their own (mode 0700,
 * as the XDG spec asks).
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  let runtime = process.env.XDG_RUNTIME_DIR;
  if (!runtime) {
    runtime = join(tmpdir(), `collapse-lab-runtime-${userInfo().uid}`);
    mkdirSync(runtime, { recursive: true, mode: 0o700 });
  }
  return { ...process.env, FORCE_COLOR: '0', XDG_RUNTIME_DIR: runtime, ...extra };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts a script. `until`, when given, is called with stderr as it grows; returning true kills
 * the process with SIGKILL (to simulate a crash at that point). `env` adds to the environment.
 */
export function runCli(
  script: string,
  args: string[],
  until?: (stderr: string) => boolean,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // node --import tsx runs the script in this one process; the tsx binary would start a second,
    // which a SIGKILL of the first leaves running.
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: childEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (until?.(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * `base` with the flags of `over` put in: a flag `over` gives replaces the same flag in `base`
 * (--x and --no-x count as one), the others are appended. The CLIs refuse a flag given twice, so a
 * test that varies one setting of a shared command line builds it with this.
 */
export function withFlags(base: readonly string[], over: readonly string[]): string[] {
  const name = (flag: string) => flag.replace(/^--(no-)?/, '').replace(/=.*$/, '');
  const groups = (args: readonly string[]) => {
    const out: string[][] = [];
    for (const a of args) {
      if (a.startsWith('--') || out.length === 0) out.push([a]);
      else out.at(-1)!.push(a);
    }
    return out;
  };
  const given = new Set(groups(over).map((g) => name(g[0])));
  return [
    ...groups(base)
      .filter((g) => !given.has(name(g[0])))
      .flat(),
    ...over,
  ];
}

/** Runs any command from the repository root, in the children's environment, and collects its output. */
export function runCommand(command: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { cwd: ROOT, env: childEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
