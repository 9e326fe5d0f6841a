import { beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  checkClassifierDir,
  defaultClassifierDir,
  defaultClassifierDirSource,
} from '../../../lib/metrics/classifier-dir.ts';
import { OptionError } from '../../../lib/options.ts';
import { tempDir } from '../../helpers/tmp.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir();
});

describe('classifier folder', () => {
  it('defaults to the user cache, whatever the working directory', () => {
    expect(defaultClassifierDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe(
      '/var/cache/me/collapse-lab/mnist-classifier',
    );
    expect(defaultClassifierDir({})).toBe(join(homedir(), '.cache', 'collapse-lab', 'mnist-classifier'));
    // The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored.
    expect(defaultClassifierDir({ XDG_CACHE_HOME: 'cache' })).toBe(
      join(homedir(), '.cache', 'collapse-lab', 'mnist-classifier'),
    );
  });

  it('may be new, empty or a classifier collapse-lab cached; a folder of the user is refused naming the option', async () => {
    await expect(checkClassifierDir(join(root, 'new'))).resolves.toBeUndefined();
    await mkdir(join(root, 'empty'));
    await expect(checkClassifierDir(join(root, 'empty'))).resolves.toBeUndefined();
    await mkdir(join(root, 'ours'));
    await writeFile(join(root, 'ours', 'classifier.json'), JSON.stringify({ format: 'collapse-lab-classifier/1' }));
    await expect(checkClassifierDir(join(root, 'ours'))).resolves.toBeUndefined();
    await mkdir(join(root, 'mine'));
    await writeFile(join(root, 'mine', 'thesis.tex'), 'mine');
    const err = await checkClassifierDir(join(root, 'mine'), 'analysis.classifierDir').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionError);
    expect((err as OptionError).option).toBe('analysis.classifierDir');
    expect((err as Error).message).toBe(
      `analysis.classifierDir ${join(root, 'mine')} holds files that are not a collapse-lab classifier (thesis.tex); expected a new or empty folder, or one holding the classifier collapse-lab cached there.`,
    );
    await writeFile(join(root, 'a-file'), 'x');
    await expect(checkClassifierDir(join(root, 'a-file'))).rejects.toThrow(
      `classifierDir ${join(root, 'a-file')} is a file; expected a new or empty folder`,
    );
  });

  it('names the device or the environment variable when no folder can be made there (no raw errno)', async () => {
    await expect(checkClassifierDir('/dev/null')).rejects.toThrow(
      /^classifierDir \/dev\/null is a character device; expected a new or empty folder/,
    );
    await expect(checkClassifierDir(join(root, 'a-file', 'below'))).rejects.toThrow(
      `classifierDir ${join(root, 'a-file', 'below')} cannot be made: ${join(root, 'a-file')} is a file; expected`,
    );
    const env = { XDG_CACHE_HOME: '/dev/null' };
    const err = await checkClassifierDir(
      defaultClassifierDir(env),
      'classifierDir',
      defaultClassifierDirSource(env),
    ).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      "The metrics classifier's folder /dev/null/collapse-lab/mnist-classifier, from XDG_CACHE_HOME=/dev/null, cannot be made: " +
        '/dev/null is a character device; expected XDG_CACHE_HOME to name a writable folder, or classifierDir naming one.',
    );
  });
});
