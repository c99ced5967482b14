/**
 * The WebAssembly SIMD nonce loop (sha256-simd.wat): four nonces per
 * instruction. Instantiated synchronously on first use, which Node and Web
 * Workers allow at any module size, so the miner's API stays synchronous.
 */
import { SHA256_SIMD_WASM } from "./generated/sha256-simd.wasm.ts";
import type { Segment } from "./preimage.ts";

/** What the miner uses of the WebAssembly global (kept local: src/miner compiles without DOM or Node types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { readonly exports: Record<string, unknown> };
}

const WASM = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** A module of one function returning i32x4.splat(0): valid only where SIMD is supported. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);

export function wasmSimdSupported(): boolean {
  try {
    return WASM !== undefined && WASM.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

type Search = (blocks: number, digitEnd: number, fastLen: number, count: number, mask0: number, firstRound: number) => number;
interface Kernel {
  readonly search: Search;
  /** Memory as words: IN at 64, ROUND at 72, TEMPLATE at 80 (see the map in sha256-simd.wat). */
  readonly memory: Int32Array;
}

let kernel: Kernel | null = null;

function load(): Kernel {
  if (kernel !== null) return kernel;
  if (WASM === undefined || !wasmSimdSupported()) throw new Error("WebAssembly SIMD is not supported here");
  const exports = new WASM.Instance(new WASM.Module(SHA256_SIMD_WASM)).exports;
  const memory = exports.memory as { buffer: ArrayBuffer };
  // The memory never grows, so this view stays valid.
  kernel = { search: exports.search as Search, memory: new Int32Array(memory.buffer) };
  return kernel;
}

/** Index in the segment of the first nonce whose first state word has no bit of `mask0` set, or -1. */
export function searchSegmentWasm(seg: Segment, mask0: number): number {
  const k = kernel ?? load();
  k.memory.set(seg.state, 64);
  k.memory.set(seg.roundState, 72);
  k.memory.set(seg.words, 80);
  return k.search(seg.blocks, seg.digitEnd, seg.fastLen, seg.count, mask0, seg.firstRound);
}

/** Loads the module now, so that a failure shows at start and not in the first slice. */
export function loadWasmKernel(): void {
  load();
}
