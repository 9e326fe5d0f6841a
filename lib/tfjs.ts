/**
 * tfjs as collapse-lab uses it: the core ops, the layers API and the plain-JavaScript CPU backend.
 * The umbrella package @tensorflow/tfjs adds browser bundles, WebGL, the converter and tf.data
 * (about 190 MB installed) that nothing here uses; every module imports tfjs from here instead.
 */
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
