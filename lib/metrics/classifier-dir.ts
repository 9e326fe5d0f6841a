/**
 * Where the metrics' MNIST classifier is cached. The default does not depend on the working
 * directory: `$XDG_CACHE_HOME/collapse-lab/mnist-classifier`, or `~/.cache/collapse-lab/mnist-classifier`
 * when XDG_CACHE_HOME is unset (the XDG base-directory convention: a cache may be deleted at any
 * time and is rebuilt on use). Every run on the machine shares it, from whatever folder it starts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { whyNoFolder } from '../run/folder-check.ts';
import { CLASSIFIER_FILE } from '../run/layout.ts';
import { OptionError, opt, say } from '../options.ts';
import type { ImageSource } from '../../data/images.ts';

/** The default classifier folder for this environment (a relative XDG_CACHE_HOME is ignored, as the XDG spec asks). */
export function defaultClassifierDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const cache = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(cache, 'collapse-lab', 'mnist-classifier');
}

/** Where the default folder comes from, for a message: the environment variable as set, or the home folder. */
export function defaultClassifierDirSource(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return xdg && isAbsolute(xdg) ? `XDG_CACHE_HOME=${xdg}` : `the home folder ${homedir()} (XDG_CACHE_HOME unset)`;
}

/**
 * Checks that `dir` may hold the classifier: absent, an empty folder, or a classifier folder this
 * library wrote (it holds classifier.json). Anything else is the user's, and training would replace
 * it: refused with one sentence naming `option`, before anything is trained or written.
 */
export async function checkClassifierDir(dir: string, option = 'classifierDir', source?: string): Promise<void> {
  const refuse = (what: string) =>
    new OptionError(option, dir, [
      ...say`${opt(option)} ${dir} ${what}; expected a new or empty folder, or one holding the `,
      ...say`classifier collapse-lab cached there.`,
    ]);
  const blocked = await whyNoFolder(dir);
  if (blocked && source) {
    // The default folder: the environment variable that decided it is what the user can fix.
    const sentence = [
      ...say`The metrics classifier's folder ${dir}, from ${source}, ${blocked}; `,
      ...say`expected XDG_CACHE_HOME to name a writable folder, or ${opt(option)} naming one.`,
    ];
    throw new OptionError(option, dir, sentence);
  }
  if (blocked) throw refuse(blocked);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length === 0) return;
  const info = await readFile(join(dir, CLASSIFIER_FILE), 'utf8')
    .then(
      (text) => (JSON.parse(text) as { format?: unknown }).format,
      () => undefined,
    )
    .catch(() => undefined);
  if (typeof info === 'string' && info.startsWith('collapse-lab-classifier/')) return;
  throw refuse(
    `holds files that are not a collapse-lab classifier (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`,
  );
}

/** The labelled images the metrics' default classifier is trained on: MNIST's (loaded only when it must be trained). */
export async function mnistClassifierData(): Promise<{ train: ImageSource; test: ImageSource }> {
  const { loadMnist } = await import('../../data/mnist.ts');
  return loadMnist();
}
