/**
 * Binding a sealed folder to its place. Every generation's manifest names the run (run.json's id),
 * its generation number and the SHA-256 of the previous generation's manifest.json, so the
 * generations form a chain: a folder moved, swapped, renamed or copied from another run, or one
 * trained after another version of the generation before it, fails verification here and is named.
 * An end-of-epoch folder is bound the same way (plus its epoch).
 *
 * Legacy runs (run.json format 1, manifests format 1, from before bindings) are verified by the old
 * rules: each folder against its own manifest, and its record.json's generation against its name.
 * Generations a resume adds to such a run are written in format 2, bound to the run's legacy
 * identity (runIdentity) and chained from its last legacy generation; a format-1 folder after a
 * format-2 one, or in a format-2 run, is refused.
 */
import { join } from 'node:path';
import { GENERATION_FILES } from './layout.ts';
import { CorruptFolderError, LEGACY_MANIFEST_FORMAT, readVerified } from './sealed.ts';
import type { Binding, Manifest } from './sealed.ts';

export interface RunIdentity {
  /** What bindings name (runIdentity in info.ts). */
  id: string;
  /** A format-1 run: its legacy generations carry no binding. */
  legacy: boolean;
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
  if (manifest.format === LEGACY_MANIFEST_FORMAT) {
    if (!identity.legacy || (place.previous && place.previous.format !== LEGACY_MANIFEST_FORMAT)) {
      throw new CorruptFolderError(path, `${path} has format '${LEGACY_MANIFEST_FORMAT}' (written before generations were bound to their run)${identity.legacy ? ` after a bound generation` : ` in a run whose generations are bound`}; expected ${what} of this run (copied from another run?).`);
    }
    if (place.epoch === undefined && GENERATION_FILES.record in manifest.files) {
      const record = JSON.parse((await readVerified(dir, GENERATION_FILES.record, manifest)).toString('utf8')) as { generation?: unknown };
      if (record.generation !== place.generation) {
        throw new CorruptFolderError(join(dir, GENERATION_FILES.record), `${join(dir, GENERATION_FILES.record)} is the record of generation ${String(record.generation)}; expected ${what} in this folder (moved, renamed or swapped).`);
      }
    }
    return;
  }
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
