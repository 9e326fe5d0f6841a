import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyRun } from '../../lib/run/run-dir.ts';
import { verifyFolder } from '../../lib/run/sealed.ts';
import { ROOT, runCli, runCommand } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

// Thirty batches per epoch, so that a signal sent at the end of an epoch arrives mid-epoch.
const ARGS = [
  '--train-size',
  '300',
  '--test-size',
  '50',
  '--generations',
  '3',
  '--epochs',
  '4',
  '--hidden',
  '16',
  '--latent-dim',
  '2',
  '--batch-size',
  '10',
  '--seed',
  '8',
  '--scheme',
  'accumulate',
  '--backend',
  'wasm',
  '--no-metrics',
];
let root: string;
let reference: string;
beforeAll(async () => {
  root = await tempDir();
  const r = await runCli('vae-mnist', [...ARGS, '--out', join(root, 'reference')]);
  expect(r.code, r.stderr).toBe(0);
  reference = await readFile(join(root, 'reference', 'accumulate', 'generations.jsonl'), 'utf8');
});

/** The script in one process (as the tests run every CLI), and as the README's command runs it (npm exec -> sh -c -> tsx -> node). */
const DIRECT = [process.execPath, '--import', 'tsx', 'scripts/vae-mnist.ts'];
const NPX = ['npx', 'tsx', 'scripts/vae-mnist.ts'];

/**
 * Runs `command` and sends `signal` to the process it started once stderr matches `when` (for NPX:
 * to the npx process alone, as a process manager or `kill <pid>` does). The result comes when the
 * last process holding the output pipes (the training process) has exited.
 */
function runAndSignal(command: string[], args: string[], when: RegExp, signal: NodeJS.Signals): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], [...command.slice(1), ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout, stderr }));
  });
}

/** Runs a command line through the shell, as a user pasting it would. */
const shell = (command: string): Promise<CliResult> => runCommand(['/bin/sh', '-c', command]);

describe('graceful stop (scripts/vae-mnist.ts)', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} stops after the current batch, leaves nothing half-done, and prints the exact command that resumes`, async () => {
      // A space and a quote in the path: the printed command must survive a shell.
      const out = join(root, `stopped by ${signal} (it's fine)`);
      const args = [...ARGS, '--out', out];
      const r = await runAndSignal(DIRECT, args, /generation 2\/3 epoch 1\/4/, signal);
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toContain(`${signal}: stopping after the current batch`);
      const quoted = `'${out.replace(/'/g, `'\\''`)}'`;
      const command = `npx tsx scripts/vae-mnist.ts ${ARGS.join(' ')} --out ${quoted} --resume`;
      expect(r.stderr).toContain(`Resume with:\n  ${command}\n`);

      // Nothing half-done: no temporary file, no lock, every generation and epoch folder verifies.
      const dir = join(out, 'accumulate');
      const names = await readdir(dir);
      expect(names.filter((n) => n.endsWith('.partial') || n === 'run.lock')).toEqual([]);
      expect(await verifyRun(dir)).toEqual({ completed: 1, found: 1 });
      const epochs = names.filter((n) => n.startsWith('gen-002.epoch-'));
      expect(epochs).toHaveLength(1);
      await verifyFolder(join(dir, epochs[0]));

      const resumed = await shell(command);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/Resuming generation 2 after epoch [1-4] of 4\./);
      expect(await readFile(join(dir, 'generations.jsonl'), 'utf8')).toBe(reference);
    });
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} to the npx wrapper alone stops the training process gracefully too, and the run resumes to the same numbers`, async () => {
      const out = join(root, `npx ${signal}`);
      const r = await runAndSignal(NPX, [...ARGS, '--out', out], /generation 2\/3 epoch 1\/4/, signal);
      // The wrapper died of the signal; the training process noticed and stopped after its batch.
      expect(r.signal, r.stderr).toBe(signal);
      expect(r.stderr).toMatch(
        /npm exec \(process \d+\), which started this process, has ended: stopping after the current batch/,
      );
      expect(r.stderr).toContain('Stopped; every complete generation and epoch is saved. Resume with:');
      const dir = join(out, 'accumulate');
      const names = await readdir(dir);
      expect(names.filter((n) => n.endsWith('.partial') || n === 'run.lock')).toEqual([]);
      // It stopped within about a second (the wrappers are polled once a second): long before the end of the run.
      expect(names).not.toContain('gen-003');
      const v = await verifyRun(dir);
      expect(v.problem).toBeUndefined();
      expect(v.completed).toBeLessThan(3);
      const resumed = await runCli('vae-mnist', [...ARGS, '--out', out, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(await readFile(join(dir, 'generations.jsonl'), 'utf8')).toBe(reference);
    });
  }

  describe('within a long epoch', () => {
    // 200 batches in one epoch: a stop seen only at the epoch's end would leave an epoch checkpoint behind.
    const LONG = [
      '--train-size',
      '1000',
      '--test-size',
      '50',
      '--generations',
      '1',
      '--epochs',
      '2',
      '--scheme',
      'replace',
      '--hidden',
      '16',
      '--latent-dim',
      '2',
      '--batch-size',
      '5',
      '--seed',
      '3',
      '--backend',
      'wasm',
      '--no-metrics',
    ];
    let longReference: string;
    beforeAll(async () => {
      const r = await runCli('vae-mnist', [...LONG, '--out', join(root, 'long reference')]);
      expect(r.code, r.stderr).toBe(0);
      longReference = await readFile(join(root, 'long reference', 'replace', 'generations.jsonl'), 'utf8');
    });

    it('SIGINT early in the first epoch stops after the current batch, before the epoch ends', async () => {
      const out = join(root, 'long first');
      const r = await runAndSignal(
        DIRECT,
        [...LONG, '--out', out],
        /generation 1\/1: training on 1000 images/,
        'SIGINT',
      );
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toContain('SIGINT: stopping after the current batch');
      // No epoch line and no epoch checkpoint: the loop stopped inside epoch 1 (of 200 batches).
      expect(r.stderr).not.toMatch(/epoch 1\/2: train loss/);
      expect((await readdir(join(out, 'replace'))).filter((n) => n.startsWith('gen-'))).toEqual([]);
      const resumed = await runCli('vae-mnist', [...LONG, '--out', out, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(await readFile(join(out, 'replace', 'generations.jsonl'), 'utf8')).toBe(longReference);
    });

    it('a second SIGINT right after the first leaves the epoch finished before them saved, and a resume reaches the same numbers', async () => {
      const out = join(root, 'long twice');
      const r = await new Promise<CliResult>((resolve, reject) => {
        const child = spawn(DIRECT[0], [...DIRECT.slice(1), ...LONG, '--out', out], {
          cwd: ROOT,
          env: { ...process.env, FORCE_COLOR: '0' },
        });
        let stderr = '';
        let sent = 0;
        child.stderr!.on('data', (d) => {
          stderr += d;
          if (sent === 0 && /epoch 1\/2: train loss/.test(stderr)) (child.kill('SIGINT'), (sent = 1));
          else if (sent === 1 && /stopping after the current batch/.test(stderr)) (child.kill('SIGINT'), (sent = 2));
        });
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
      });
      expect(r.code, r.stderr).toBe(130);
      // Epoch 2 never ended (the first stop may finish before the second signal arrives: it takes one batch).
      expect(r.stderr).not.toMatch(/epoch 2\/2: train loss/);
      const dir = join(out, 'replace');
      await verifyFolder(join(dir, 'gen-001.epoch-0001'));
      const resumed = await runCli('vae-mnist', [...LONG, '--out', out, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/Resuming generation 1 after epoch 1 of 2\./);
      expect(await readFile(join(dir, 'generations.jsonl'), 'utf8')).toBe(longReference);
    });
  });
});
