import { describe, expect, it } from 'vitest';
import { scriptPathForCommand } from '../../scripts/invocation.ts';

describe('scripts/invocation', () => {
  it('prints a script inside the working folder relative to it, and any other by its absolute path', () => {
    expect(scriptPathForCommand('/repo/scripts/vae-mnist.ts', '/repo')).toBe('scripts/vae-mnist.ts');
    expect(scriptPathForCommand('/repo/other/path/scripts/vae-mnist.ts', '/repo')).toBe(
      'other/path/scripts/vae-mnist.ts',
    );
    expect(scriptPathForCommand('/elsewhere/scripts/vae-mnist.ts', '/repo')).toBe('/elsewhere/scripts/vae-mnist.ts');
    // The working folder's name inside another path is not cut out of it (that made the line unrunnable).
    expect(scriptPathForCommand('/home/me/w/repo/scripts/vae-mnist.ts', '/w')).toBe(
      '/home/me/w/repo/scripts/vae-mnist.ts',
    );
    expect(scriptPathForCommand('/w2/scripts/vae-mnist.ts', '/w')).toBe('/w2/scripts/vae-mnist.ts');
  });
});
