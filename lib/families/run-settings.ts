/**
 * The run settings as a family shows and defaults them: RUN_SETTINGS with the family's overrides
 * (Family.runSettings), so that its CLI's flags, their help and the library's defaults agree.
 */
import type { Setting } from '../declare.ts';
import { RUN_SETTINGS } from '../run-settings.ts';
import type { Family } from './types.ts';

/** RUN_SETTINGS with `family`'s own defaults, help and flags. */
export function runSettingsOf(family: Pick<Family, 'runSettings'>): typeof RUN_SETTINGS {
  const out: Record<string, Setting<unknown>> = { ...RUN_SETTINGS };
  for (const [name, o] of Object.entries(family.runSettings ?? {})) out[name] = { ...out[name], ...o };
  return out as unknown as typeof RUN_SETTINGS;
}

/** `options` with the family's own run-setting defaults where they give none. */
export function withRunDefaults<T extends object>(family: Pick<Family, 'runSettings'>, options: T): T {
  const out: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const [name, o] of Object.entries(family.runSettings ?? {})) {
    if (out[name] === undefined && o.default !== undefined) out[name] = o.default;
  }
  return out as T;
}
