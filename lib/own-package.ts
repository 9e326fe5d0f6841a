/** This package's own package.json and version, without tfjs (a CLI's --version and --help stay fast). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface OwnPackage {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

let own: OwnPackage | undefined;
let ownDir: string | undefined;

/**
 * This package's package.json: the nearest one above this module, which is the package's own from
 * the sources (lib/) and compiled (dist/lib/) alike. (A path relative to a module, such as
 * '../package.json', would name dist/package.json in the compiled package, which does not exist.)
 */
export function ownPackage(): OwnPackage {
  if (own) return own;
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      ownDir = fileURLToPath(dir);
      return (own = JSON.parse(readFileSync(file, 'utf8')) as OwnPackage);
    }
    if (dir.pathname === '/') throw new Error(`No package.json above ${import.meta.url}.`);
  }
}

/** The folder of this package's package.json (see ownPackage): the checkout, or the installed package. */
export function ownPackageDir(): string {
  ownPackage();
  return ownDir!;
}

/** collapse-lab's own version (what `--version` prints). */
export function collapseLabVersion(): string {
  return ownPackage().version;
}
