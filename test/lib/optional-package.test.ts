import { describe, expect, it } from 'vitest';
import { importOptional, installCommand, isInstalled } from '../../lib/optional-package.ts';

describe('optional packages', () => {
  it('name the install command at the versions package.json pins', () => {
    expect(installCommand('@napi-rs/canvas')).toBe('npm install @napi-rs/canvas@^1.1.1');
    expect(installCommand('webgpu', '@tensorflow/tfjs-backend-webgpu')).toBe(
      'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0',
    );
  });

  it('tell an installed package (a scoped one too) from one that is not', () => {
    expect(isInstalled('yargs')).toBe(true);
    expect(isInstalled('@tensorflow/tfjs-backend-wasm')).toBe(true);
    expect(isInstalled('collapse-lab-no-such-package')).toBe(false);
    expect(isInstalled('@tensorflow/no-such-package')).toBe(false);
  });

  it('say in one sentence what needs a missing one and how to add it; other load errors pass through', async () => {
    const missing = () => import('collapse-lab-no-such-package' as string);
    await expect(importOptional('@napi-rs/canvas', 'PDF output', missing)).rejects.toThrow(
      "PDF output needs @napi-rs/canvas, an optional package that is not installed; expected it installed: 'npm install @napi-rs/canvas@^1.1.1'.",
    );
    await expect(importOptional('x', 'y', () => Promise.reject(new Error('bad binary')))).rejects.toThrow('bad binary');
    expect(await importOptional('node:path', 'paths', () => import('node:path'))).toHaveProperty('join');
  });
});
