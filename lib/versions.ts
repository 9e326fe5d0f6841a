/** Versions recorded in run.json, so a run says what produced it. */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';

const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export function versions(): Record<string, string> {
  return { [own.name]: own.version, '@tensorflow/tfjs': tf.version.tfjs, node: process.versions.node };
}
