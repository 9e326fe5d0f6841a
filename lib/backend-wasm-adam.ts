/**
 * One Adam update per variable on the wasm backend of tfjs 4.22, in place of the 14 elementwise
 * kernels (and their engine overhead) that tfjs's AdamOptimizer runs per variable and step.
 *
 * The kernel does, per element, the same float32 operations in the same order as tfjs's Adam on
 * this backend (whose elementwise kernels are plain IEEE float32: no fused multiply-add), so the
 * weights and moments are bit-identical to it. Each operation is computed in double and rounded to
 * float32 with Math.fround: for +, -, *, / and sqrt of float32 operands that double rounding gives
 * exactly the float32 result (doubles carry more than 2 * 24 + 2 bits).
 *
 * The update writes new tensors (weights, first and second moment) rather than overwriting the old
 * ones: a variable's data may be shared with other tensors (tfjs counts references), and the wasm
 * matrix multiply caches packed weights by tensor.
 */
import * as tf from './tfjs.ts';
import { heapMemory } from './backend-wasm-heap.ts';
import type { WasmBackend } from './backend-wasm-heap.ts';
import { adamSimdFor } from './backend-wasm-adam-simd.ts';

/** The kernel's name in tfjs's registry. */
export const FUSED_ADAM = 'CollapseLabFusedAdam';

interface FusedAdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

interface FusedAdamArgs {
  inputs: {
    value: tf.TensorInfo;
    m: tf.TensorInfo;
    v: tf.TensorInfo;
    gradient: tf.TensorInfo;
    oneMinusAccBeta1: tf.TensorInfo;
    oneMinusAccBeta2: tf.TensorInfo;
  };
  backend: WasmBackend;
  attrs: FusedAdamAttrs;
}

const f = Math.fround;

let useSimd = true;

/** Whether the kernel uses its SIMD function (true) or only its JavaScript loop; for tests comparing the two. */
export function setFusedAdamSimd(on: boolean): void {
  useSimd = on;
}

/** [new value, new m, new v] of one variable: tfjs's AdamOptimizer.applyGradients, line by line. */
function fusedAdam({ inputs, backend, attrs }: FusedAdamArgs): tf.TensorInfo[] {
  const { value, m, v, gradient } = inputs;
  for (const t of [value, m, v, gradient]) {
    if (t.dtype !== 'float32') throw new Error(`${FUSED_ADAM} updates float32 variables; got ${t.dtype}.`);
  }
  const outValue = backend.makeOutput(value.shape, 'float32');
  const outM = backend.makeOutput(value.shape, 'float32');
  const outV = backend.makeOutput(value.shape, 'float32');
  // Views are taken after the allocations: growing the wasm heap detaches earlier views.
  const W = backend.typedArrayFromHeap(value);
  const M = backend.typedArrayFromHeap(m);
  const V = backend.typedArrayFromHeap(v);
  const G = backend.typedArrayFromHeap(gradient);
  const oW = backend.typedArrayFromHeap(outValue);
  const oM = backend.typedArrayFromHeap(outM);
  const oV = backend.typedArrayFromHeap(outV);
  const a1 = backend.typedArrayFromHeap(inputs.oneMinusAccBeta1)[0];
  const a2 = backend.typedArrayFromHeap(inputs.oneMinusAccBeta2)[0];
  // The scalars as tfjs makes them: JavaScript numbers (1 - beta1 in double) turned into float32 tensors.
  const b1 = f(attrs.beta1);
  const c1 = f(1 - attrs.beta1);
  const b2 = f(attrs.beta2);
  const c2 = f(1 - attrs.beta2);
  const eps = f(attrs.epsilon);
  const negLr = f(-attrs.learningRate);
  const memory = heapMemory(backend);
  const simd = memory && useSimd ? adamSimdFor(memory) : null;
  // SIMD does whole groups of 4 floats; this loop does the rest (or everything without SIMD).
  const from = simd ? W.length - (W.length % 4) : 0;
  if (simd && from > 0)
    simd(
      W.byteOffset,
      M.byteOffset,
      V.byteOffset,
      G.byteOffset,
      oW.byteOffset,
      oM.byteOffset,
      oV.byteOffset,
      from,
      a1,
      a2,
      b1,
      c1,
      b2,
      c2,
      eps,
      negLr,
    );
  for (let i = from; i < W.length; i++) {
    const g = G[i];
    // newFirstMoment = add(mul(m, beta1), mul(g, 1 - beta1))
    const mi = f(f(M[i] * b1) + f(g * c1));
    // newSecondMoment = add(mul(v, beta2), mul(square(g), 1 - beta2))
    const vi = f(f(V[i] * b2) + f(f(g * g) * c2));
    oM[i] = mi;
    oV[i] = vi;
    // newValue = add(mul(div(m / (1 - beta1^t), add(sqrt(v / (1 - beta2^t)), epsilon)), -lr), value)
    const denominator = f(f(Math.sqrt(f(vi / a2))) + eps);
    oW[i] = f(f(f(mi / a1) / denominator) * negLr) + W[i];
  }
  return [outValue, outM, outV];
}

/** tfjs AdamOptimizer's fields that applyGradients uses (protected in its typings; tfjs 4.22.0 is pinned). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/** What Optimizer.applyGradients takes. */
type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

type ApplyGradients = (this: tf.AdamOptimizer, grads: Gradients) => void;

let original: ApplyGradients | null = null;

/**
 * Registers the kernel and routes tfjs's AdamOptimizer through it while the wasm backend is active
 * (on any other backend, or with float16 variables, tfjs's own update runs). Idempotent.
 */
export function registerWasmFusedAdam(): void {
  if (original) return;
  if (!tf.getKernel(FUSED_ADAM, 'wasm')) {
    tf.registerKernel({
      kernelName: FUSED_ADAM,
      backendName: 'wasm',
      kernelFunc: fusedAdam as unknown as tf.KernelFunc,
    });
  }
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
  const tfjsAdam = proto.applyGradients;
  original = tfjsAdam;
  proto.applyGradients = function (grads) {
    if (tf.getBackend() !== 'wasm') return tfjsAdam.call(this, grads);
    fusedApplyGradients(this as unknown as AdamInternals, grads);
  };
}

/** tfjs's own Adam update, for comparing the fused one with it. */
export function referenceAdamUpdate(optimizer: tf.AdamOptimizer, grads: Gradients): void {
  const tfjsAdam =
    original ?? (tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients }).applyGradients;
  tfjsAdam.call(optimizer, grads);
}

/** AdamOptimizer.applyGradients (tfjs 4.22.0) with one kernel per variable for the 14 elementwise ops. */
function fusedApplyGradients(o: AdamInternals, grads: Gradients): void {
  const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
  tf.tidy(() => {
    const oneMinusAccBeta1 = tf.sub(1, o.accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, o.accBeta2);
    const attrs = { beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, learningRate: o.learningRate };
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      o.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      o.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      const gradient = Array.isArray(grads) ? grads[i].tensor : grads[name];
      if (gradient == null) return;
      const m = o.accumulatedFirstMoment[i].variable;
      const v = o.accumulatedSecondMoment[i].variable;
      const inputs = { value, m, v, gradient, oneMinusAccBeta1, oneMinusAccBeta2 };
      const [newValue, newM, newV] = tf
        .engine()
        .runKernel(
          FUSED_ADAM,
          inputs as unknown as tf.NamedTensorMap,
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      m.assign(newM);
      v.assign(newV);
      value.assign(newValue);
    });
    o.accBeta1.assign(tf.mul(o.accBeta1, o.beta1));
    o.accBeta2.assign(tf.mul(o.accBeta2, o.beta2));
  });
  o.incrementIterations();
}
