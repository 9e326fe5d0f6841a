/** Versions recorded in run.json, so a run says what produced it. */
import * as tf from './tfjs.ts';
import { ownPackage } from './own-package.ts';

export { collapseLabVersion, ownPackage, ownPackageDir } from './own-package.ts';
export type { OwnPackage } from './own-package.ts';

export function versions(): Record<string, string> {
  const { name, version } = ownPackage();
  return { [name]: version, '@tensorflow/tfjs-core': tf.version_core, node: process.versions.node };
}
