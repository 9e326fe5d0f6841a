/** Every CLI's --help is quick: it prints its flags without loading tfjs (a loader hook refuses @tensorflow/*). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../scripts/commands.ts';
import { ROOT } from '../helpers/cli.ts';

const HOOK = new URL('../helpers/no-tfjs.mjs', import.meta.url).href;

function help(script: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--import', HOOK, `scripts/${script}.ts`, '--help'], { cwd: ROOT, encoding: 'utf8' });
}

describe('--help without tfjs', () => {
  it('the hook refuses tfjs (so a pass below means something)', () => {
    const r = spawnSync(process.execPath, ['--import', HOOK, '--input-type=module', '-e', "await import('@tensorflow/tfjs-core')"], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('tfjs was loaded');
  });

  for (const script of ['collapse-lab', ...Object.keys(COMMANDS)]) {
    it(`${script} --help`, () => {
      const r = help(script);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('Usage:');
      expect(r.status).toBe(0);
    });
  }
});
