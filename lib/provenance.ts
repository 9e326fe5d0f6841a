/**
 * Where a run came from, for its run.json: the command line that started it (the caller passes it:
 * lib/ never reads process.argv), the --config file it read, and, when collapse-lab runs from a git
 * checkout of its own, the commit and whether the checkout had uncommitted changes. Recorded, never
 * compared on resume (a resume may be typed differently, or run from a later commit).
 */
import { execFile } from 'node:child_process';
import { access, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ownPackageDir } from './own-package.ts';

const run = promisify(execFile);

/** Where a run came from, as run.json records it: the command line, working folder, --config file and commit. */
export interface Provenance {
  /** The command line, as the process received it: the script, then its arguments. */
  argv: string[];
  /** The working directory it ran in (relative paths on the command line are relative to it). */
  cwd: string;
  /** The --config file read, as given, and its flags as written in it. */
  configFile?: { path: string; flags: Record<string, unknown> };
  /** The collapse-lab git checkout the code ran from: HEAD's commit and whether tracked files differed from it. */
  git?: { commit: string; dirty: boolean };
}

/** Options of describeProvenance: the command line and the --config file. */
export interface ProvenanceOptions {
  /** The command line (e.g. process.argv.slice(1)). */
  argv: readonly string[];
  /** Defaults to process.cwd(). */
  cwd?: string;
  configFile?: Provenance['configFile'];
  /** The folder whose checkout is described. Defaults to the collapse-lab package this code is part of. */
  packageDir?: string;
}

/** The provenance of a run started now with this command line. */
export async function describeProvenance(options: ProvenanceOptions): Promise<Provenance> {
  const git = await gitState(options.packageDir ?? ownPackageDir());
  return {
    argv: [...options.argv],
    cwd: options.cwd ?? process.cwd(),
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(git ? { git } : {}),
  };
}

/**
 * HEAD's commit and whether tracked files differ from it, when `dir` is the top of a git checkout
 * (an installed copy inside someone else's repository is not: that commit would not be ours);
 * undefined without git, outside a checkout, or when git fails.
 */
export async function gitState(dir: string | undefined): Promise<Provenance['git'] | undefined> {
  if (dir === undefined) return undefined;
  const git = (...args: string[]) => run('git', ['-C', dir, ...args], { timeout: 10_000, maxBuffer: 16 << 20 }).then((r) => r.stdout.trim());
  try {
    await access(join(dir, '.git'));
    const top = await git('rev-parse', '--show-toplevel');
    if ((await realpath(top)) !== (await realpath(dir))) return undefined;
    const commit = await git('rev-parse', 'HEAD');
    // Tracked files only: untracked ones (a user's own scripts, outputs) do not change what this code does.
    const changes = await git('status', '--porcelain', '--untracked-files=no');
    return { commit, dirty: changes !== '' };
  } catch {
    return undefined;
  }
}
