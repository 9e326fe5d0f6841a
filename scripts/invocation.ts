/**
 * How the scripts were started, so that the commands they print fit: `npx collapse-lab vae-mnist`
 * through the package's command (scripts/collapse-lab.ts), or `npx tsx scripts/vae-mnist.ts` in the
 * repository; and how a script starts another script in a process of its own: from the TypeScript
 * sources under tsx's loader, compiled (dist/, the installed package) with plain node.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's command (package.json `bin`). */
export const BIN = 'collapse-lab';

/** True when these scripts run from their .ts sources; false when compiled. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

let viaBin = false;
let received: readonly string[] = [...process.argv];

/**
 * Called by the collapse-lab command before it hands its arguments to a script (process.argv then
 * reads as if the script had been started directly): the script's messages name `npx collapse-lab <name>`.
 */
export function startedByBin(): void {
  viaBin = true;
  received = [...process.argv];
}

/**
 * The command line as this process received it (the script or the collapse-lab command, then its arguments), for
 * provenance.
 */
export function receivedArgv(): string[] {
  return received.slice(1);
}

/**
 * The command that runs script `name` the way this one was started: `npx collapse-lab <name>` or `npx tsx
 * scripts/<name>.ts`.
 */
export function scriptCommand(name: string): string {
  return viaBin ? `npx ${BIN} ${name}` : `npx tsx scripts/${name}.ts`;
}

/** `Usage: <scriptCommand(name)> <rest>` */
export function usageLine(name: string, rest = '[flags]'): string {
  return `Usage: ${scriptCommand(name)} ${rest}`;
}

/** Absolute path of script `name`: scripts/<name>.ts from the sources, dist/scripts/<name>.js compiled. */
export function scriptFile(name: string): string {
  return fileURLToPath(new URL(`./${name}${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url));
}

/**
 * `node` and its flags that run `file` (one of scriptFile's) in a process of its own: from the sources
 * under tsx's loader (resolved from the child's working directory: run it in the checkout), compiled
 * with plain node.
 */
export function nodeCommand(file: string): string[] {
  return FROM_SOURCE ? [process.execPath, '--import', 'tsx', file] : [process.execPath, file];
}

/** The shell words that start script `file` again the way this process was started (for a printed resume command). */
export function rerunWords(name: string, file: string): string[] {
  if (viaBin) return ['npx', BIN, name];
  return file.endsWith('.ts') ? ['npx', 'tsx', file] : ['node', file];
}

/**
 * The script's path as a printed command should give it: relative to the working folder when the
 * script is inside it, else absolute (never the working folder's name cut out of the middle of another path).
 */
export function scriptPathForCommand(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? rel : file;
}
