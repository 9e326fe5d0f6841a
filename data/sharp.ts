/**
 * sharp (libvips), loaded on first use: every CLI imports the library, and a native module this size
 * costs every start, --help and bad-input exit included, that never encodes an image.
 */
import type Sharp from 'sharp';

let loaded: Promise<typeof Sharp> | undefined;

/** The sharp function, imported once. */
export function sharpModule(): Promise<typeof Sharp> {
  loaded ??= import('sharp').then((m) => m.default);
  return loaded;
}
