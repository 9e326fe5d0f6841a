/**
 * TensorBoard's event file: a sequence of `Event` protocol buffers (tensorflow/core/util/event.proto),
 * each framed as TFRecord frames them (length, masked CRC-32C of the length, data, masked CRC-32C of
 * the data). The messages are encoded by protobufjs from the subset of the .proto files written out
 * below; the checksums come from @aws-crypto/crc32c.
 */
import { crc32c } from '@aws-crypto/crc32c';
import protobuf from 'protobufjs';
import { appendFile, open } from 'node:fs/promises';

/**
 * The fields of event.proto, summary.proto, tensor.proto and tensor_shape.proto that collapse-lab writes
 * (numbers as in TensorFlow).
 */
const PROTO = {
  nested: {
    Event: {
      oneofs: { what: { oneof: ['fileVersion', 'summary'] } },
      fields: {
        wallTime: { type: 'double', id: 1 },
        step: { type: 'int64', id: 2 },
        fileVersion: { type: 'string', id: 3 },
        summary: { type: 'Summary', id: 5 },
      },
    },
    Summary: {
      fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
      nested: {
        Image: {
          fields: {
            height: { type: 'int32', id: 1 },
            width: { type: 'int32', id: 2 },
            colorspace: { type: 'int32', id: 3 },
            encodedImageString: { type: 'bytes', id: 4 },
          },
        },
        Value: {
          oneofs: { value: { oneof: ['simpleValue', 'image', 'tensor'] } },
          fields: {
            tag: { type: 'string', id: 1 },
            simpleValue: { type: 'float', id: 2 },
            image: { type: 'Image', id: 4 },
            tensor: { type: 'TensorProto', id: 8 },
            metadata: { type: 'SummaryMetadata', id: 9 },
          },
        },
      },
    },
    SummaryMetadata: {
      fields: {
        pluginData: { type: 'PluginData', id: 1 },
        displayName: { type: 'string', id: 2 },
        summaryDescription: { type: 'string', id: 3 },
      },
      nested: { PluginData: { fields: { pluginName: { type: 'string', id: 1 }, content: { type: 'bytes', id: 2 } } } },
    },
    TensorProto: {
      fields: {
        dtype: { type: 'int32', id: 1 },
        tensorShape: { type: 'TensorShapeProto', id: 2 },
        stringVal: { rule: 'repeated', type: 'bytes', id: 8 },
      },
    },
    TensorShapeProto: {
      fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 } },
      nested: { Dim: { fields: { size: { type: 'int64', id: 1 } } } },
    },
  },
};

const EVENT = protobuf.Root.fromJSON(PROTO).lookupType('Event');

/** tensorflow/core/framework/types.proto: DT_STRING. */
const DT_STRING = 7;

/** One value of a summary: a scalar, a PNG, or a text (Markdown) shown by TensorBoard's text plugin. */
export type SummaryValue =
  | { tag: string; scalar: number }
  | { tag: string; png: Uint8Array; width: number; height: number; channels: 1 | 3 | 4 }
  | { tag: string; text: string };

function valueMessage(v: SummaryValue): Record<string, unknown> {
  if ('scalar' in v) return { tag: v.tag, simpleValue: v.scalar };
  if ('png' in v)
    return {
      tag: v.tag,
      image: { height: v.height, width: v.width, colorspace: v.channels, encodedImageString: v.png },
    };
  return {
    tag: v.tag,
    metadata: { pluginData: { pluginName: 'text' } },
    tensor: { dtype: DT_STRING, tensorShape: { dim: [{ size: 1 }] }, stringVal: [Buffer.from(v.text, 'utf8')] },
  };
}

/** Event bytes for a summary at `step` (wall time in seconds since 1970, as TensorBoard expects). */
export function summaryEvent(step: number, values: readonly SummaryValue[], wallTime = Date.now() / 1000): Uint8Array {
  return EVENT.encode(EVENT.fromObject({ wallTime, step, summary: { value: values.map(valueMessage) } })).finish();
}

/** The first event of every file: the format version TensorBoard checks. */
export function versionEvent(wallTime = Date.now() / 1000): Uint8Array {
  return EVENT.encode(EVENT.fromObject({ wallTime, fileVersion: 'brain.Event:2' })).finish();
}

/** TFRecord's checksum: CRC-32C rotated right by 15 bits plus a constant (tensorflow/core/lib/hash/crc32c.h). */
export function maskedCrc(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/**
 * One record as TFRecord frames it: uint64 length, masked CRC of the length, the data, masked CRC of the data
 * (little-endian).
 */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc(data), 12 + data.length);
  return out;
}

/**
 * Appends framed events to one file. Each append is a whole number of records, flushed to disk by
 * `sync()`; a reader (TensorBoard) stops at a torn last record, so a crash loses at most what was not synced.
 */
export class EventFile {
  private constructor(readonly path: string) {}

  /** Creates the file with its version event (refuses to replace an existing file). */
  static async create(path: string): Promise<EventFile> {
    const handle = await open(path, 'wx');
    try {
      await handle.write(frameRecord(versionEvent()));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return new EventFile(path);
  }

  async append(events: readonly Uint8Array[]): Promise<void> {
    if (events.length === 0) return;
    await appendFile(this.path, Buffer.concat(events.map(frameRecord)));
  }

  /** Flushes what was appended to the disk. */
  async sync(): Promise<void> {
    const handle = await open(this.path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
