/** The backends a run may ask for (lib/backend.ts starts them); here without tfjs, for --help. */
export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

/** The routes `auto` tries, in its order; tfjs-node-gpu and tfjs-node are both the 'tensorflow' backend. */
export type BackendRoute = 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'wasm' | 'cpu';
export const BACKEND_ROUTES: readonly BackendRoute[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];
