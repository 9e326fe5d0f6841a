/** Versions recorded in run.json, so a run says what produced it. */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';

/** This package's own package.json: the nearest one above this module (lib/ in the sources, dist/lib/ compiled). */
function ownPackage(): { name: string; version: string } {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
    if (dir.pathname === '/') throw new Error(`No package.json above ${import.meta.url}.`);
  }
}

const own = ownPackage();

export function versions(): Record<string, string> {
  return { [own.name]: own.version, '@tensorflow/tfjs': tf.version.tfjs, node: process.versions.node };
}
