/**
 * A tfjs LayersModel on disk: model.json + weights.bin, the tfjs layers format (loadable with
 * tf.loadLayersModel('file://.../model.json') under tfjs-node). Our own handlers: the plain tfjs
 * package has no file:// saver, and tfjs-node's writes in place. Used for every generation's
 * network and for the metrics classifier's cache.
 */
import * as tf from '../tfjs.ts';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import type { AtomicWriteOptions } from './atomic.ts';
import { NETWORK_FILES } from './layout.ts';
import { readChecked } from './sealed.ts';

/** Writes `network` into folder `dir` (each file atomically). */
export async function saveNetwork(network: tf.LayersModel, dir: string, options: AtomicWriteOptions = {}): Promise<void> {
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [NETWORK_FILES.weights], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileAtomic(join(dir, NETWORK_FILES.weights), new Uint8Array(weightData), options);
      await writeFileAtomic(join(dir, NETWORK_FILES.model), JSON.stringify(modelJson), options);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

/**
 * Reads the network saved in folder `dir` with the plain tfjs package (any backend), checked
 * against the folder's manifest when it has one (every sealed folder does).
 */
export async function loadNetworkFrom(dir: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse((await readChecked(dir, NETWORK_FILES.model)).toString('utf8')) as tf.io.ModelJSON;
  const weights = new Uint8Array(await readChecked(dir, NETWORK_FILES.weights));
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: weights.slice().buffer }));
}

/** Copies the weights of the network saved in `dir` into `network` (same architecture). */
export async function loadWeightsFrom(dir: string, network: tf.LayersModel): Promise<void> {
  const saved = await loadNetworkFrom(dir);
  try {
    const weights = saved.getWeights();
    const ours = network.getWeights();
    if (weights.length !== ours.length || weights.some((w, i) => w.shape.join('x') !== ours[i].shape.join('x'))) {
      throw new Error(`The model saved in ${dir} has another architecture; expected the same layers and shapes.`);
    }
    network.setWeights(weights);
  } finally {
    saved.dispose();
  }
}
