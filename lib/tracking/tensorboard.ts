/**
 * A TensorBoard writer: scalars, PNG images and text (the run's configuration) into an event file of
 * one folder, which TensorBoard shows as one run. Events are kept in memory until `flush()`, which
 * appends and syncs them; a new process writing to the same folder (a resumed run) starts a new file,
 * as TensorBoard expects.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EventFile, summaryEvent } from './event-file.ts';
import type { SummaryValue } from './event-file.ts';

/** Event files of ours end so (TensorBoard needs only "tfevents" in the name): only these are ever deleted. */
const OUR_SUFFIX = '.collapse-lab';

/** Writes scalars, images and text to one TensorBoard event file (createTensorBoardWriter). */
export interface TensorBoardWriter {
  /** The folder the event file is in. */
  readonly dir: string;
  /** Scalars at `step`, by tag (e.g. 'generation/testLoss'). */
  scalars(step: number, values: Readonly<Record<string, number>>): void;
  /** A PNG at `step`. */
  image(tag: string, step: number, png: Uint8Array): void;
  /** Markdown text at `step` (TensorBoard's Text tab). */
  text(tag: string, step: number, text: string): void;
  /** Appends what was recorded since the last flush and syncs the file. */
  flush(): Promise<void>;
}

/** Where a TensorBoard writer writes its event file, and under which run name. */
export interface TensorBoardOptions {
  /** Delete the event files of ours already in `dir` (a run that starts over). Defaults to false. */
  replace?: boolean;
}

/** Opens a new event file in `dir` (created if needed). */
export async function createTensorBoardWriter(
  dir: string,
  options: TensorBoardOptions = {},
): Promise<TensorBoardWriter> {
  await mkdir(dir, { recursive: true });
  if (options.replace) {
    for (const name of await readdir(dir))
      if (name.startsWith('events.out.tfevents.') && name.endsWith(OUR_SUFFIX))
        await rm(join(dir, name), { force: true });
  }
  const file = await EventFile.create(
    join(dir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}.${process.pid}${OUR_SUFFIX}`),
  );
  let pending: Uint8Array[] = [];
  const add = (step: number, value: SummaryValue) => pending.push(summaryEvent(step, [value]));
  return {
    dir,
    scalars(step, values) {
      const list = Object.entries(values).filter(([, v]) => Number.isFinite(v));
      if (list.length > 0)
        pending.push(
          summaryEvent(
            step,
            list.map(([tag, scalar]) => ({ tag, scalar })),
          ),
        );
    },
    image(tag, step, png) {
      add(step, { tag, png, ...pngSize(png) });
    },
    text(tag, step, text) {
      add(step, { tag, text });
    },
    async flush() {
      const events = pending;
      pending = [];
      await file.append(events);
      await file.sync();
    },
  };
}

/** Width, height and channels of a PNG, from its IHDR chunk (PNG spec 11.2.2). */
export function pngSize(png: Uint8Array): { width: number; height: number; channels: 1 | 3 | 4 } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (png.length < 26 || view.getUint32(12) !== 0x49484452)
    throw new Error(`Image of ${png.length} bytes is not a PNG; expected an IHDR chunk first.`);
  const colorType = png[25];
  // Grey, RGB, palette (drawn as RGB), grey+alpha (TensorBoard has no 2-channel space: RGBA), RGBA.
  const channels = colorType === 0 ? 1 : colorType === 6 || colorType === 4 ? 4 : 3;
  return { width: view.getUint32(16), height: view.getUint32(20), channels };
}
