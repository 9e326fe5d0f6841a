/** Dependencies point one way: no module of lib, models, data or scripts imports itself through others (madge). */
import madge from 'madge';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

describe('import cycles', () => {
  it('finds none among the sources (type-only imports aside), and would find one', async () => {
    const skipTypes = { ts: { skipTypeImports: true }, tsx: { skipTypeImports: true }, es6: { skipTypeImports: true } };
    const graph = await madge(['lib', 'models', 'data', 'scripts'], { baseDir: ROOT, fileExtensions: ['ts'], detectiveOptions: skipTypes });
    expect(graph.circular()).toEqual([]);
    // The check itself sees cycles: a graph with one.
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    const cyclic = await madge({ 'a.ts': ['b.ts'], 'b.ts': ['a.ts'] });
    expect(cyclic.circular()).toEqual([['a.ts', 'b.ts']]);
  });

  it('nothing under lib/ names a file under scripts/', async () => {
    const graph = await madge('lib', { baseDir: ROOT, fileExtensions: ['ts'] });
    const reaching = Object.entries(graph.obj()).filter(([, deps]) => deps.some((d) => d.startsWith('scripts/')));
    expect(reaching).toEqual([]);
  });
});
