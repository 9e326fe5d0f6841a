/**
 * Where the metrics' MNIST classifier is cached. The default does not depend on the working
 * directory: `$XDG_CACHE_HOME/collapse-lab/mnist-classifier`, or `~/.cache/collapse-lab/mnist-classifier`
 * when XDG_CACHE_HOME is unset (the XDG base-directory convention: a cache may be deleted at any
 * time and is rebuilt on use). Every run on the machine shares it, from whatever folder it starts.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CLASSIFIER_FILE } from '../run/layout.ts';
import { OptionError, opt, say } from '../options.ts';
import type { ImageSource } from '../../data/images.ts';

/** The default classifier folder for this environment (a relative XDG_CACHE_HOME is ignored, as the XDG spec asks). */
export function defaultClassifierDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const cache = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(cache, 'collapse-lab', 'mnist-classifier');
}

/**
 * Checks that `dir` may hold the classifier: absent, an empty folder, or a classifier folder this
 * library wrote (it holds classifier.json). Anything else is the user's, and training would replace
 * it: refused with one sentence naming `option`, before anything is trained or written.
 */
export async function checkClassifierDir(dir: string, option = 'classifierDir'): Promise<void> {
  const refuse = (what: string) => new OptionError(option, dir, say`${opt(option)} ${dir} ${what}; expected a new or empty folder, or one holding the classifier collapse-lab cached there.`);
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw refuse('is a file');
    entries = await readdir(dir);
  } catch (err) {
    if (err instanceof OptionError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length === 0) return;
  const info = await readFile(join(dir, CLASSIFIER_FILE), 'utf8').then(
    (text) => (JSON.parse(text) as { format?: unknown }).format,
    () => undefined,
  ).catch(() => undefined);
  if (typeof info === 'string' && info.startsWith('collapse-lab-classifier/')) return;
  throw refuse(`holds files that are not a collapse-lab classifier (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`);
}

/** The labelled images the metrics' default classifier is trained on: MNIST's (loaded only when it must be trained). */
export async function mnistClassifierData(): Promise<{ train: ImageSource; test: ImageSource }> {
  const { loadMnist } = await import('../../data/mnist.ts');
  return loadMnist();
}
