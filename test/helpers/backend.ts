/** Every model test runs on the wasm backend (what CI has), initialised once per file. */
import { initBackend } from '../../lib/backend.ts';

export async function useTestBackend(): Promise<void> {
  await initBackend((process.env.COLLAPSE_LAB_TEST_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
}
