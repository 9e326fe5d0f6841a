/**
 * Binding a sealed folder to its place. Every generation's manifest names the run (run.json's id),
 * its generation number and the SHA-256 of the previous generation's manifest.json, so the
 * generations form a chain: a folder moved, swapped, renamed or copied from another run, or one
 * trained after another version of the generation before it, fails verification here and is named.
 * An end-of-epoch folder is bound the same way (plus its epoch).

 */
import { join } from 'node:path';
import { CorruptFolderError } from './sealed.ts';
import type { Binding, Manifest } from './sealed.ts';

export interface RunIdentity {
  /** What bindings name: run.json's id. */
  id: string;
}

/** What the folder at `dir` must be bound to. */
export interface Place {
  generation: number;
  /** For an end-of-epoch folder. */
  epoch?: number;
  /** The previous generation's manifest digest (null for generation 1), and that generation's manifest format. */
  previous: { digest: string; format: string } | null;
}

const short = (hex: string | null | undefined) => (hex ? `${hex.slice(0, 12)}…` : 'none');

/** Throws a CorruptFolderError naming `dir`'s manifest.json when `manifest` does not bind the folder to `place` in the run `identity`. */
export async function checkBinding(dir: string, manifest: Manifest, identity: RunIdentity, place: Place): Promise<void> {
  const path = join(dir, 'manifest.json');
  const what = place.epoch === undefined ? `generation ${place.generation}` : `generation ${place.generation}'s epoch ${place.epoch} checkpoint`;
  const b: Partial<Binding> = manifest.binding ?? {};
  if (manifest.binding === undefined) throw new CorruptFolderError(path, `${path} binds its folder to no run; expected ${what} of this run.`);
  if (b.run !== identity.id) throw new CorruptFolderError(path, `${path} belongs to another run (run ${String(b.run)}, not this run's ${identity.id}); expected ${what} of this run (copied from another run?).`);
  if (b.generation !== place.generation || b.epoch !== place.epoch) {
    const was = b.epoch === undefined ? `generation ${String(b.generation)}` : `generation ${String(b.generation)}'s epoch ${b.epoch} checkpoint`;
    throw new CorruptFolderError(path, `${path} binds its folder to ${was}; expected ${what} in this folder (moved, renamed or swapped).`);
  }
  const previous = place.previous?.digest ?? null;
  if (b.previous !== previous) {
    throw new CorruptFolderError(path, `${path} follows a generation ${place.generation - 1} whose manifest had SHA-256 ${short(b.previous)}, not the one here (${short(previous)}); expected ${what} trained after this run's generation ${place.generation - 1}.`);
  }
}

/** The binding to write for `place` in the run `identity`. */
export function bindingFor(identity: RunIdentity, place: Place): Binding {
  return { run: identity.id, generation: place.generation, ...(place.epoch === undefined ? {} : { epoch: place.epoch }), previous: place.previous?.digest ?? null };
}
