import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS } from '../../scripts/commands.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

/** Modules of scripts/ that other scripts import; every other script is a command (or, soak, check-findings and findings-figures, a tool of this repository). */
const NOT_COMMANDS = [
  'cli',
  'collapse-lab',
  'commands',
  'config-file',
  'experiments',
  'flag-numbers',
  'flag-words',
  'flags',
  'invocation',
  'soak',
  'check-findings',
  'findings-figures',
  'sweep-tasks',
  'task-index',
  'theory-flags',
  'tracking-flags',
];

describe('the collapse-lab command (scripts/collapse-lab.ts)', () => {
  it('has a command for every script, and --help lists each with one line', async () => {
    const scripts = (await readdir(join(ROOT, 'scripts'))).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    const commands = scripts.filter((s) => !NOT_COMMANDS.includes(s));
    expect(Object.keys(COMMANDS)).toEqual(expect.arrayContaining(commands));
    const r = await runCli('collapse-lab', ['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Usage: npx collapse-lab <command> [flags]');
    const lines = r.stdout.split('\n').filter((l) => /^ {2}\S/.test(l));
    // gpu-check is listed once its script is in the tree (it comes with the WebGPU backend).
    const built = Object.keys(COMMANDS).filter((name) => existsSync(join(ROOT, 'scripts', `${name}.ts`)));
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(built);
    for (const line of lines)
      expect(line.trim().split(/\s{2,}/)[1]).toBe(COMMANDS[line.trim().split(/\s+/)[0] as keyof typeof COMMANDS]);
  });

  it('runs a command in its own process with its flags, and names itself in the usage line', async () => {
    const r = await runCli('collapse-lab', ['gaussian', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Usage: npx collapse-lab gaussian [flags]');
    const bad = await runCli('collapse-lab', ['vae-mnist', '--epochs', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('Error: --epochs 0 is not valid; expected an integer of at least 1.');
  });

  it("prints collapse-lab's version, alone and after a command", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['export', '--version']]) {
      const r = await runCli('collapse-lab', args);
      expect(r.stdout, args.join(' ')).toBe(`${version}\n`);
      expect(r.code).toBe(0);
    }
  });

  it('names an unknown command with the nearest one, and exits 1 without a command', async () => {
    const r = await runCli('collapse-lab', ['vae-mnst']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("Error: collapse-lab has no command 'vae-mnst'; did you mean vae-mnist?");
    const far = await runCli('collapse-lab', ['train']);
    expect(far.stderr.trim()).toMatch(
      /^Error: collapse-lab has no command 'train'; expected one of vae-mnist, ae-mnist, /,
    );
    const none = await runCli('collapse-lab', []);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^Usage: npx collapse-lab <command>/);
  });
});
