import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from '../../data/idx.ts';

describe('parseIdx', () => {
  it('reads dimensions and data of a well-formed file', () => {
    const buf = encodeIdx(
      [2, 2, 3],
      Uint8Array.from({ length: 12 }, (_, i) => i),
    );
    const { dims, data } = parseIdx(buf, 'x.idx');
    expect(dims).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('rejects a wrong magic number, data type, truncation and excess', () => {
    const good = encodeIdx([2, 3], new Uint8Array(6));
    const badMagic = good.slice();
    badMagic[0] = 1;
    expect(() => parseIdx(badMagic, 'a')).toThrow(/IDX file a has magic number 0x01000802/);
    const badType = good.slice();
    badType[2] = 0x0d;
    expect(() => parseIdx(badType, 'b')).toThrow(/data type 0x0d; expected 0x08/);
    expect(() => parseIdx(good.subarray(0, good.length - 1), 'c')).toThrow(
      /holds 5 data bytes; its dimensions \[2, 3\] need exactly 6/,
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0]), 'd')).toThrow(/header alone needs 12/);
    expect(() => parseIdx(new Uint8Array([0, 0]), 'e')).toThrow(/at least a 4-byte header/);
  });
});
