/**
 * Packages collapse-lab uses only for some features, installed only by those who ask for them
 * (optional peer dependencies: PDF charts, the WebGPU backend): the command that installs one, and
 * an import that says so when it is missing.
 */
import { createRequire } from 'node:module';
import { ownPackage } from './own-package.ts';

/** `npm install <pkg>@<the version package.json pins> ...`. */
export function installCommand(...pkgs: string[]): string {
  const pins = ownPackage().peerDependencies;
  return `npm install ${pkgs.map((p) => `${p}${pins?.[p] ? `@${pins[p]}` : ''}`).join(' ')}`;
}

/** Whether `pkg` is installed where collapse-lab can import it (its package.json resolves). */
export function isInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** Whether an import failed because the package is not installed. */
export function isNotInstalled(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** Imports an optional package; when it is not installed, one sentence naming what needs it and the install command. */
export async function importOptional<T>(pkg: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (!isNotInstalled(err)) throw err;
    throw new Error(
      `${purpose} needs ${pkg}, an optional package that is not installed; expected it installed: '${installCommand(pkg)}'.`,
    );
  }
}
