import { describe, expect, it } from 'vitest';
import { frameRecord, maskedCrc, summaryEvent, versionEvent } from '../../../lib/tracking/event-file.ts';

describe('event-file', () => {
  it('masks CRC-32C as TFRecord does', () => {
    // crc32c("123456789") = 0xe3069283 (RFC 3720's check value), rotated right by 15 and offset by 0xa282ead8.
    const crc = 0xe3069283;
    expect(maskedCrc(Buffer.from('123456789'))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });

  it('frames a record as length, its checksum, the data and its checksum', () => {
    const data = versionEvent(1);
    const framed = frameRecord(data);
    expect(framed.length).toBe(data.length + 16);
    expect(Number(framed.readBigUInt64LE(0))).toBe(data.length);
    expect(framed.readUInt32LE(8)).toBe(maskedCrc(framed.subarray(0, 8)));
    expect(framed.subarray(12, 12 + data.length)).toEqual(Buffer.from(data));
    expect(framed.readUInt32LE(12 + data.length)).toBe(maskedCrc(data));
    expect(Buffer.from(data).toString('latin1')).toContain('brain.Event:2');
  });

  it('encodes a summary with its tag and value', () => {
    const bytes = Buffer.from(summaryEvent(7, [{ tag: 'generation/testLoss', scalar: 1.5 }], 2));
    expect(bytes.toString('latin1')).toContain('generation/testLoss');
    // float 1.5, little-endian, as protobuf writes a float field.
    expect(bytes.includes(Buffer.from([0x00, 0x00, 0xc0, 0x3f]))).toBe(true);
  });
});
