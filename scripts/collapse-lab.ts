#!/usr/bin/env node
/**
 * The collapse-lab command (package.json `bin`): `npx collapse-lab <command> [flags]` runs
 * scripts/<command> in this very process, as `npx tsx scripts/<command>.ts [flags]` would, so that
 * Ctrl-C and SIGTERM reach the training directly (graceful stop, exit 130) and no wrapper process
 * can outlive it. `npx collapse-lab --help` lists the commands.
 */
import { pathToFileURL } from 'node:url';
import { closest, distance } from 'fastest-levenshtein';
import { COMMANDS } from './commands.ts';
import type { CommandName } from './commands.ts';
import { BIN, scriptFile, startedByBin } from './invocation.ts';

const available = Object.keys(COMMANDS) as CommandName[];

function help(): string {
  const width = Math.max(...available.map((n) => n.length));
  return [
    `Usage: npx ${BIN} <command> [flags]`,
    '',
    'Model-collapse experiments: train, sample, replace or accumulate, retrain, and report.',
    '',
    'Commands:',
    ...available.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]}`),
    '',
    `npx ${BIN} <command> --help shows a command's flags.`,
  ].join('\n');
}

const [command, ...rest] = process.argv.slice(2);
if (command === '--version' || command === '-v') {
  // Loaded only here: the library is large, and --help should stay quick.
  process.stdout.write(`${(await import('../lib/index.ts')).collapseLabVersion()}\n`);
  process.exit(0);
}
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(help() + '\n');
  process.exit(command === undefined ? 1 : 0);
}
if (!(available as string[]).includes(command)) {
  const best = closest(command, available);
  const hint =
    distance(command, best) <= Math.max(1, Math.floor(command.length / 3))
      ? `; did you mean ${best}?`
      : `; expected one of ${available.join(', ')}.`;
  process.stderr.write(`Error: ${BIN} has no command '${command}'${hint}\n`);
  process.exit(1);
}

// The script reads its flags from process.argv as if it had been started directly.
startedByBin();
const file = scriptFile(command);
process.argv = [process.argv[0], file, ...rest];
await import(pathToFileURL(file).href);
