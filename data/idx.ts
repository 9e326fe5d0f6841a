/**
 * The IDX file format of the MNIST distribution: a 4-byte magic (0, 0, type code, number of
 * dimensions), one big-endian uint32 per dimension, then the data. MNIST uses type 0x08 (uint8).
 */

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** Parses an IDX buffer of unsigned bytes; `name` is used in error messages (e.g. the file path). */
export function parseIdx(buf: Uint8Array, name: string): IdxArray {
  if (buf.length < 4)
    throw new Error(`IDX file ${name} is ${buf.length} bytes long; expected at least a 4-byte header.`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new Error(`IDX file ${name} has magic number 0x${hex(buf, 0, 4)}; expected it to start with 0x0000.`);
  }
  if (buf[2] !== UNSIGNED_BYTE) {
    throw new Error(
      `IDX file ${name} has data type 0x${buf[2].toString(16).padStart(2, '0')}; expected 0x08 (unsigned byte).`,
    );
  }
  const rank = buf[3];
  if (rank < 1 || rank > 4) throw new Error(`IDX file ${name} declares ${rank} dimensions; expected 1 to 4.`);
  const headerBytes = 4 + 4 * rank;
  if (buf.length < headerBytes)
    throw new Error(`IDX file ${name} is ${buf.length} bytes long; its header alone needs ${headerBytes}.`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (dims.some((d) => d === 0))
    throw new Error(`IDX file ${name} has dimensions [${dims.join(', ')}]; expected every dimension to be positive.`);
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = buf.length - headerBytes;
  if (actual !== expected) {
    throw new Error(
      `IDX file ${name} holds ${actual} data bytes; its dimensions [${dims.join(', ')}] need ` +
        `exactly ${expected} (truncated or corrupt file).`,
    );
  }
  return { dims, data: buf.subarray(headerBytes) };
}

/** Encodes an IDX buffer of unsigned bytes (used by tests and to write small fixtures). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex(buf: Uint8Array, start: number, end: number): string {
  return Array.from(buf.subarray(start, end), (b) => b.toString(16).padStart(2, '0')).join('');
}
