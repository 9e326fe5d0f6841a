import { beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CorruptFolderError,
  isSealed,
  readChecked,
  readVerified,
  sealFolder,
  sha256,
  verifyFolder,
} from '../../../lib/run/sealed.ts';
import { tempDir } from '../../helpers/tmp.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir();
});

let n = 0;
async function sealed(): Promise<string> {
  const dir = join(root, `f${n++}`);
  await mkdir(dir);
  await writeFile(join(dir, 'a.bin'), new Uint8Array([1, 2, 3, 4, 5]));
  await writeFile(join(dir, 'b.json'), '{"x":1}\n');
  await sealFolder(dir, { completedAt: new Date(0) });
  return dir;
}

async function flipByte(path: string, at = 0): Promise<void> {
  const data = await readFile(path);
  data[at] ^= 0xff;
  await writeFile(path, data);
}

describe('sealFolder / verifyFolder', () => {
  it('lists each file with its size and SHA-256, and COMPLETE names the manifest hash', async () => {
    const dir = await sealed();
    const manifest = await verifyFolder(dir);
    expect(manifest.files).toEqual({
      'a.bin': { size: 5, sha256: sha256(new Uint8Array([1, 2, 3, 4, 5])) },
      'b.json': { size: 8, sha256: sha256('{"x":1}\n') },
    });
    const complete = JSON.parse(await readFile(join(dir, 'COMPLETE'), 'utf8'));
    expect(complete.manifestSha256).toBe(sha256(await readFile(join(dir, 'manifest.json'))));
    expect(await isSealed(dir)).toBe(true);
  });

  const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
    [
      'a truncated file',
      (d) => truncate(join(d, 'a.bin'), 2),
      /a\.bin is 2 bytes; expected 5 as listed in manifest\.json \(truncated or altered\)/,
    ],
    ['an altered file', (d) => flipByte(join(d, 'b.json'), 3), /b\.json does not match its SHA-256 in manifest\.json/],
    [
      'a deleted file',
      (d) => rm(join(d, 'a.bin')),
      /a\.bin is missing; expected the 5-byte file listed in manifest\.json/,
    ],
    [
      'an altered manifest',
      (d) => flipByte(join(d, 'manifest.json'), 10),
      /manifest\.json does not match the SHA-256 recorded in COMPLETE/,
    ],
    ['a deleted manifest', (d) => rm(join(d, 'manifest.json')), /manifest\.json is missing/],
    ['a damaged COMPLETE', (d) => truncate(join(d, 'COMPLETE'), 5), /COMPLETE is damaged/],
    ['a deleted COMPLETE', (d) => rm(join(d, 'COMPLETE')), /COMPLETE is missing/],
  ];
  for (const [what, damage, message] of cases) {
    it(`names ${what} and refuses to read the folder`, async () => {
      const dir = await sealed();
      await damage(dir);
      const err = await verifyFolder(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptFolderError);
      expect((err as Error).message).toMatch(message);
      expect((err as CorruptFolderError).path.startsWith(dir)).toBe(true);
    });
  }

  it('reads a file only when it matches, and ignores files the manifest does not list', async () => {
    const dir = await sealed();
    await writeFile(join(dir, 'notes.txt'), 'added later');
    await verifyFolder(dir);
    expect(Array.from(await readVerified(dir, 'a.bin'))).toEqual([1, 2, 3, 4, 5]);
    await expect(readVerified(dir, 'notes.txt')).rejects.toThrow(/notes\.txt is not listed in .*manifest\.json/);
    await flipByte(join(dir, 'a.bin'));
    await expect(readVerified(dir, 'a.bin')).rejects.toThrow(/a\.bin does not match its SHA-256/);
    await expect(readChecked(dir, 'a.bin')).rejects.toThrow(/a\.bin does not match its SHA-256/);
  });

  it('reads folders made before manifests as they are, but not a sealed folder whose manifest was deleted', async () => {
    const legacy = join(root, 'legacy');
    await mkdir(legacy);
    await writeFile(join(legacy, 'record.json'), '{}');
    await writeFile(join(legacy, 'COMPLETE'), 'x');
    expect(await isSealed(legacy)).toBe(false);
    expect((await readChecked(legacy, 'record.json')).toString()).toBe('{}');
    const dir = await sealed();
    await rm(join(dir, 'manifest.json'));
    expect(await isSealed(dir)).toBe(true);
    await expect(readChecked(dir, 'a.bin')).rejects.toThrow(/manifest\.json is missing/);
  });
});
