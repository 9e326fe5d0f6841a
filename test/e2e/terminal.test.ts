/**
 * A run watched in a real terminal: the CLI on a pseudo-terminal (util-linux `script`), its bytes
 * rendered by a terminal emulator (@xterm/headless), then the screen read as a user sees it. The
 * progress bars must leave no blank lines and lose no final line.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import { childEnv, ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;
const SKIP = 'util-linux script (a pseudo-terminal) not found';
if (!hasScript) console.warn(`test/e2e/terminal.test.ts skipped: ${SKIP}.`);

/** The command's output on a pseudo-terminal of `cols` x 50, as raw bytes. */
function onTerminal(command: string, cols: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `stty cols ${cols} rows 50; exec ${command}`, '/dev/null'], { cwd: ROOT, env: childEnv({ TERM: 'xterm' }) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out.slice(-2000)}`))));
  });
}

/** The screen and scroll-back after `bytes`, one string per line, trailing blanks dropped. */
function render(bytes: string, cols: number): Promise<string[]> {
  const term = new xterm.Terminal({ cols, rows: 50, scrollback: 1000, allowProposedApi: true, convertEol: false });
  return new Promise((resolve) => {
    term.write(bytes, () => {
      const b = term.buffer.active;
      const lines = Array.from({ length: b.length }, (_, i) => b.getLine(i)?.translateToString(true) ?? '');
      while (lines.length && lines.at(-1) === '') lines.pop();
      term.dispose();
      resolve(lines);
    });
  });
}

describe.skipIf(!hasScript)(`a run in a terminal${hasScript ? '' : ` (skipped: ${SKIP})`}`, () => {
  it('keeps every generation line of both schemes, with no blank line among the log lines', async () => {
    const out = join(await tempDir(), 'run');
    const args = '--train-size 300 --test-size 100 --generations 2 --epochs 2 --batch-size 50 --no-metrics --jobs 1 --backend wasm';
    const bytes = await onTerminal(`${process.execPath} --import tsx scripts/vae-mnist.ts ${args} --out ${out}`, 100);
    // The bars were drawn (this is the terminal path, not plain lines)...
    expect(bytes).toMatch(/\|[█░]+\| \d+%/);
    const lines = await render(bytes, 100);
    for (const scheme of ['replace', 'accumulate']) {
      for (const g of [1, 2]) expect(lines.filter((l) => l.startsWith(`[${scheme}] generation ${g}: train loss`))).toHaveLength(1);
    }
    // From the first log line to the closing table, no line is blank and no bar is left behind.
    const first = lines.findIndex((l) => l.startsWith('[replace]'));
    const last = lines.findIndex((l) => l.startsWith('[accumulate] generation 2: train loss'));
    expect(first).toBeGreaterThanOrEqual(0);
    const log = lines.slice(first, last + 1);
    expect(log.filter((l) => l.trim() === '')).toEqual([]);
    // ...and none is left among the log lines.
    expect(log.filter((l) => /\|[█░]+\|/.test(l))).toEqual([]);
    expect(lines.some((l) => /^gen\s+replace train/.test(l))).toBe(true);
  });
});
