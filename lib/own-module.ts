/**
 * Entry points this package starts in another process or thread (worker.ts beside pool.ts and
 * trials.ts). The package runs either from its TypeScript sources (the repository, under tsx or
 * vitest) or compiled to JavaScript (dist/, what npm installs). The build rewrites import
 * specifiers but not a path built at run time, so an entry point is named without its extension
 * and takes its caller's: a .ts caller starts a .ts entry (with tsx's loader, a devDependency), a
 * compiled one starts the compiled entry with plain node.
 */

/** The module `name` beside the module `base` (an import.meta.url), in the same form: `.ts` or `.js`. */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${isTypeScript(base) ? '.ts' : '.js'}`, base);
}

/** True for a module that needs a TypeScript loader (tsx) to run. */
export function isTypeScript(url: string | URL): boolean {
  return new URL(url).pathname.endsWith('.ts');
}
