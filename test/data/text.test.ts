import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeText, encodeText, loadText } from '../../data/text.ts';
import { tempDir } from '../helpers/tmp.ts';

async function textFile(contents: string | Uint8Array): Promise<string> {
  const path = join(await tempDir(), 'text.txt');
  await writeFile(path, contents);
  return path;
}

describe('loadText', () => {
  it('reads Moby Dick offline: 1,190,317 characters, 83 distinct, split 90/10 into windows of block+1', async () => {
    const t = await loadText({ block: 64 });
    expect(t.source).toBe('moby-dick');
    expect(t.chars).toEqual({ total: 1190317, train: 1071285, test: 119032 });
    expect(t.vocab).toHaveLength(83);
    expect(t.vocab).toEqual([...t.vocab].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
    expect(t.train.shape).toEqual([1, 65, 1]);
    expect(t.train.count).toBe(Math.floor(1071285 / 65));
    expect(t.test.count).toBe(Math.floor(119032 / 65));
    // Window 0 is the first 65 characters of the book; window 1 the next 65 (no overlap).
    expect(decodeText(t.train.gather([0, 1]), t.vocab)).toBe(t.trainText.slice(0, 130));
  });

  it('reads the State of the Union addresses in date order', async () => {
    const t = await loadText({ corpus: 'sotu', block: 32, trainChars: 1000 });
    expect(t.trainText.startsWith('Fellow-Citizens of the Senate and House of Representatives')).toBe(true);
    expect(t.vocab.length).toBeLessThanOrEqual(256);
    expect(t.train.count).toBe(Math.floor(1000 / 33));
  });

  it('takes the first trainChars of the training text and gives the rest as the fresh pool', async () => {
    const file = await textFile('abcdefghij'.repeat(20));
    const t = await loadText({ file, block: 4, trainChars: 100, rest: true });
    expect(t.chars).toEqual({ total: 200, train: 180, test: 20 });
    expect(t.vocab.join('')).toBe('abcdefghij');
    expect(t.train.count).toBe(20);
    expect(t.test.count).toBe(4);
    expect(t.rest!.count).toBe(16);
    expect(decodeText(t.rest!.gather([0]), t.vocab)).toBe('abcde');
    expect(decodeText(encodeText('jab', t.vocab), t.vocab)).toBe('jab');
    expect(() => encodeText('z', t.vocab)).toThrow(/Character "z" is not in the vocabulary/);
  });

  it('refuses every bad input with one sentence naming it', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'folder'));
    const missing = join(dir, 'missing.txt');
    await expect(loadText({ file: missing })).rejects.toThrow(
      `file "${missing}" does not exist; expected a UTF-8 text file.`,
    );
    await expect(loadText({ file: join(dir, 'folder') })).rejects.toThrow(/is a folder; expected a UTF-8 text file\.$/);
    const empty = await textFile('');
    await expect(loadText({ file: empty })).rejects.toThrow(`file "${empty}" is empty; expected a UTF-8 text file.`);
    const latin1 = await textFile(Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x61]));
    await expect(loadText({ file: latin1 })).rejects.toThrow(
      `file "${latin1}" is not valid UTF-8; expected a UTF-8 text file.`,
    );
    const one = await textFile('a'.repeat(500));
    await expect(loadText({ file: one })).rejects.toThrow(
      `The text of file "${one}" has 1 distinct character; expected at least 2.`,
    );
    const wide = await textFile(
      Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i))
        .join('')
        .repeat(3),
    );
    await expect(loadText({ file: wide })).rejects.toThrow(
      /has 300 distinct characters; expected at most 256 \(a character id is one byte\)\.$/,
    );
    const small = await textFile('abcdefghij'.repeat(20));
    await expect(loadText({ file: small, block: 4, trainChars: 181 })).rejects.toThrow(
      `trainChars 181 is beyond the training text of "${small}" (180 characters, the first 90%); expected at most 180.`,
    );
    await expect(loadText({ file: small, block: 20 })).rejects.toThrow(
      `block 20 is longer than the test text of "${small}" allows (20 characters, the last 10%); expected at most 19.`,
    );
    await expect(loadText({ file: small, block: 4, trainChars: 3 })).rejects.toThrow(
      'trainChars 3 holds no window of block + 1 = 5 characters; expected at least 5.',
    );
    await expect(loadText({ corpus: 'dickens' as 'sotu' })).rejects.toThrow(
      'corpus "dickens" is not valid; expected one of moby-dick, sotu.',
    );
    await expect(loadText({ block: 0 })).rejects.toThrow('block 0 is not valid; expected a positive integer.');
  });
});
