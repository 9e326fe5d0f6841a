import { describe, expect, it } from 'vitest';
import { isTypeScript, siblingModule } from '../../lib/own-module.ts';
import { matchingLines } from '../helpers/sources.ts';

describe('own modules in the form the caller runs in (sources or compiled dist/)', () => {
  it("names the sibling entry point with the caller's extension", () => {
    expect(siblingModule('file:///repo/lib/jobs/pool.ts', 'worker').href).toBe('file:///repo/lib/jobs/worker.ts');
    expect(siblingModule('file:///app/node_modules/collapse-lab/dist/lib/jobs/pool.js', 'worker').href).toBe(
      'file:///app/node_modules/collapse-lab/dist/lib/jobs/worker.js',
    );
    expect(isTypeScript('file:///repo/lib/theory/worker.ts')).toBe(true);
    expect(isTypeScript(new URL('file:///x/dist/lib/theory/worker.js'))).toBe(false);
  });

  it('no module names a file by a path relative to itself that the build would break', async () => {
    // The build rewrites import specifiers, not strings: new URL('./worker.ts', import.meta.url)
    // names a file dist/ does not have, and '../package.json' from dist/lib/ names dist/package.json.
    // Use siblingModule (lib/own-module.ts), scriptFile (scripts/invocation.ts) or ownPackage (lib/versions.ts).
    const { files, hits } = await matchingLines(
      ['lib', 'models', 'data', 'scripts'],
      /new URL\(\s*['"`][^'"`]*\.(ts|json)['"`]\s*,\s*import\.meta\.url/,
    );
    expect(files).toBeGreaterThan(50);
    expect(hits).toEqual([]);
  });
});
