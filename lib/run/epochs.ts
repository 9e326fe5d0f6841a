/**
 * End-of-epoch checkpoints, so that a generation that takes hours resumes mid-way. After epoch E of
 * generation g, gen-NNN.epoch-EEEE/ holds
 *
 *   state.json      epoch, epoch losses, learning rate, seed, the tensor specs below
 *   model.bin       the network's weights (network.getWeights() order)
 *   optimizer.bin   Adam's iteration count and moments; beta1^t, beta2^t are in state.json
 *   manifest.json   COMPLETE   (sealed.ts)
 *
 * written as gen-NNN.epoch-EEEE.partial/ and renamed, after which the folder of epoch E-1 is deleted:
 * a crash leaves at least one sealed epoch folder or none, never a half-written one that is read.
 * The random streams need no saving: epoch e's shuffle and noise are rng(seed, g).child(Stream.shuffle
 * | Stream.noise, e) (lib/rng.ts), so naming the epoch restores the RNG position.
 */
import * as tf from '../tfjs.ts';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochSnapshot, EpochState } from '../epoch-state.ts';
import { writeFileAtomic } from './atomic.ts';
import { bindingFor, checkBinding } from './binding.ts';
import type { Place, RunIdentity } from './binding.ts';
import { EPOCH_FILES, EPOCH_FOLDER_FILES, epochDirName, epochFolderOf } from './layout.ts';
import { CorruptFolderError, readVerified, removeOwnedFolder, verifyFolder, writeSealedFolder } from './sealed.ts';

export const EPOCH_FORMAT = 'collapse-lab-epoch/1';

/** What an epoch checkpoint must agree with to be used. */
export interface EpochCheckpointKey {
  seed: number;
  generation: number;
  epochs: number;
  learningRate: number;
}

interface EpochFile {
  format: string;
  seed: number;
  generation: number;
  epoch: number;
  epochs: number;
  learningRate: number;
  epochLosses: number[];
  trainSeconds: number;
  /** How the next epoch's randomness is found (informational: it is rebuilt from the epoch number). */
  rng: string;
  model: tf.io.WeightsManifestEntry[];
  optimizer: { specs: tf.io.WeightsManifestEntry[]; accBeta1: number; accBeta2: number };
}

export interface EpochCheckpoints {
  /** The latest epoch folder of this generation that verifies and matches the key, or undefined. Tensors are the caller's. */
  load(): Promise<EpochState | undefined>;
  /** Writes the state after an epoch (see the module comment). */
  save(state: EpochSnapshot): Promise<void>;
  /** Deletes every epoch folder of this generation. */
  clear(): Promise<void>;
}

/** Where the checkpoints belong: the run, and the place of each epoch's folder (binding.ts). */
export interface EpochBinding {
  identity: () => Promise<RunIdentity>;
  place: (epoch: number) => Promise<Place>;
}

/** Epoch checkpoints of generation `key.generation` in `runDir`; `log` hears why a folder was passed over. */
export function epochCheckpoints(runDir: string, key: EpochCheckpointKey, bound: EpochBinding, log?: (line: string) => void): EpochCheckpoints {
  const g = key.generation;
  const folders = async (): Promise<{ name: string; epoch: number }[]> =>
    (await readdir(runDir))
      .map((name) => ({ name, at: epochFolderOf(name) }))
      .filter((f) => f.at?.generation === g)
      .map((f) => ({ name: f.name, epoch: f.at!.epoch }))
      .sort((a, b) => b.epoch - a.epoch);

  return {
    async load() {
      for (const { name, epoch } of await folders()) {
        const dir = join(runDir, name);
        try {
          await checkBinding(dir, await verifyFolder(dir), await bound.identity(), await bound.place(epoch));
          const state = JSON.parse((await readVerified(dir, EPOCH_FILES.state)).toString('utf8')) as EpochFile;
          const mismatch = describeMismatch(state, key);
          if (mismatch) {
            log?.(`Epoch checkpoint ${dir} was made with ${mismatch}; it is discarded and generation ${g} starts over.`);
            await removeOwnedFolder(dir, EPOCH_FOLDER_FILES);
            continue;
          }
          const weights = decode(await readVerified(dir, EPOCH_FILES.weights), state.model);
          const optimizer = decode(await readVerified(dir, EPOCH_FILES.optimizer), state.optimizer.specs);
          return {
            epoch: state.epoch,
            epochLosses: state.epochLosses,
            trainSeconds: state.trainSeconds,
            weights: weights.map((w) => w.tensor),
            optimizer: { tensors: optimizer, accBeta1: state.optimizer.accBeta1, accBeta2: state.optimizer.accBeta2 },
          };
        } catch (err) {
          if (!(err instanceof CorruptFolderError)) throw err;
          log?.(`Epoch checkpoint ${dir} failed verification and is discarded: ${err.message}`);
          await removeOwnedFolder(dir, EPOCH_FOLDER_FILES);
        }
      }
      return undefined;
    },

    async save(s) {
      const binding = bindingFor(await bound.identity(), await bound.place(s.epoch));
      await writeSealedFolder(join(runDir, epochDirName(g, s.epoch)), async (temp) => {
        // Names are positional here (weights and moments are restored in order), so plain indices do.
        const model = await tf.io.encodeWeights(s.weights.map((tensor, i) => ({ name: `w${i}`, tensor })));
        const optimizer = await tf.io.encodeWeights(s.optimizer.tensors);
        await writeFileAtomic(join(temp, EPOCH_FILES.weights), new Uint8Array(model.data), { syncFolder: false });
        await writeFileAtomic(join(temp, EPOCH_FILES.optimizer), new Uint8Array(optimizer.data), { syncFolder: false });
        const file: EpochFile = {
          format: EPOCH_FORMAT,
          seed: key.seed,
          generation: g,
          epoch: s.epoch,
          epochs: key.epochs,
          learningRate: key.learningRate,
          epochLosses: s.epochLosses,
          trainSeconds: s.trainSeconds,
          rng: `epoch e draws from createRng(${key.seed}, ${g}).child(Stream.shuffle | Stream.noise, e); next e = ${s.epoch + 1}`,
          model: model.specs,
          optimizer: { specs: optimizer.specs, accBeta1: s.optimizer.accBeta1, accBeta2: s.optimizer.accBeta2 },
        };
        await writeFileAtomic(join(temp, EPOCH_FILES.state), JSON.stringify(file, null, 2) + '\n', { syncFolder: false });
      }, { binding, known: EPOCH_FOLDER_FILES });
      for (const f of await folders()) if (f.epoch < s.epoch) await removeOwnedFolder(join(runDir, f.name), EPOCH_FOLDER_FILES);
    },

    async clear() {
      for (const f of await folders()) await removeOwnedFolder(join(runDir, f.name), EPOCH_FOLDER_FILES);
    },
  };
}

function describeMismatch(s: EpochFile, key: EpochCheckpointKey): string | undefined {
  if (s.format !== EPOCH_FORMAT) return `format '${s.format}', not '${EPOCH_FORMAT}'`;
  for (const k of ['seed', 'generation', 'epochs', 'learningRate'] as const) {
    if (s[k] !== key[k]) return `${k} ${s[k]}, not ${key[k]}`;
  }
  if (!(Number.isInteger(s.epoch) && s.epoch >= 1 && s.epoch <= key.epochs && s.epochLosses.length === s.epoch)) return `epoch ${s.epoch} of ${key.epochs}`;
  return undefined;
}

/** Tensors from a buffer written by tf.io.encodeWeights, in the specs' order. */
function decode(data: Buffer, specs: tf.io.WeightsManifestEntry[]): { name: string; tensor: tf.Tensor }[] {
  const buffer = new Uint8Array(data).buffer;
  const map = tf.io.decodeWeights(buffer, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
