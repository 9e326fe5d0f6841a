import { describe, expect, it } from 'vitest';
import { watchWrappers, wrapperChain, wrapperKind } from '../../lib/wrapper-watch.ts';

describe('wrapperKind', () => {
  it('recognises npm / npx, the sh -c npm runs, and the tsx binary by their command lines', () => {
    expect(wrapperKind(['npm exec tsx scripts/vae-mnist.ts --out x'])).toBe('npm');
    expect(wrapperKind(['npm start'])).toBe('npm');
    expect(wrapperKind(['node', '/usr/lib/node_modules/npm/bin/npx-cli.js', 'tsx', 'a.ts'])).toBe('npm');
    expect(wrapperKind(['sh', '-c', 'tsx', 'scripts/vae-mnist.ts'])).toBe('sh -c');
    expect(wrapperKind(['node', '/repo/node_modules/.bin/tsx', 'scripts/vae-mnist.ts'])).toBe('tsx');
    expect(wrapperKind(['node', '/repo/node_modules/tsx/dist/cli.mjs', 'scripts/vae-mnist.ts'])).toBe('tsx');
  });

  it('does not take the training process, a shell or other programs for wrappers', () => {
    expect(
      wrapperKind([
        '/usr/bin/node',
        '--require',
        '/repo/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///repo/node_modules/tsx/dist/loader.mjs',
        'scripts/vae-mnist.ts',
      ]),
    ).toBeNull();
    expect(wrapperKind(['-bash'])).toBeNull();
    expect(wrapperKind(['bash', 'run.sh'])).toBeNull();
    expect(wrapperKind(['node', '/repo/node_modules/.bin/vitest', 'run'])).toBeNull();
    expect(wrapperKind(['timeout', '600', 'npx', 'tsx', 'a.ts'])).toBeNull();
  });

  it('finds no wrapper above a test worker, and then watches nothing', () => {
    expect(wrapperChain()).toEqual([]);
    let called = false;
    watchWrappers(() => (called = true))();
    expect(called).toBe(false);
  });
});
