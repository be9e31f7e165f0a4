// Loading the WebAssembly kernels that `npm run build:wasm` compiles from src/util/wasm/*.as.ts into dist/wasm/:
// one compiled module per kernel per thread, instantiated on first use; absent files mean "use the JavaScript path".
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file is src/util/wasm.ts (from source) or dist/util/wasm.js (built). */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where a kernel's compiled module lives. */
export function wasmPath(name: string): string {
  return join(packageRoot, 'dist', 'wasm', `${name}.wasm`);
}

/** The kernels' exports are functions over numbers and their linear memory. */
export type WasmExports = Record<string, unknown> & { readonly memory: { readonly buffer: ArrayBuffer } };

/** The part of the WebAssembly JavaScript API used here (Node's types do not declare it without the DOM library). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: WasmExports };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const instances = new Map<string, WasmExports | null>();

/**
 * The kernel's exports, or null when its module was not built (e.g. a checkout where `npm run build:wasm` has not
 * run) or `SCANLAB_NO_WASM=1` asks for the JavaScript kernels (used by benchmarks as their baseline).
 */
export function wasmKernel<T extends WasmExports>(name: string): T | null {
  if (process.env.SCANLAB_NO_WASM === '1') return null;
  let exports = instances.get(name);
  if (exports === undefined) {
    const path = wasmPath(name);
    exports = existsSync(path) ? new wasm.Instance(new wasm.Module(readFileSync(path)), {}).exports : null;
    instances.set(name, exports);
  }
  return exports as T | null;
}

/** A kernel built on the shared scratch area (src/util/wasm/lib/scratch.as.ts). */
export interface ScratchKernel extends WasmExports {
  reserve(bytes: number): number;
}

const MAX_SCRATCH_BYTES = 2 ** 31;

/** A byte count rounded up to whole 16-byte groups (the kernels' v128 alignment). */
export const align16 = (n: number): number => (n + 15) & ~15;

/** The bytes `placeViews` takes for `parts`. */
export const placedBytes = (parts: readonly ArrayBufferView[]): number =>
  parts.reduce((s, p) => s + align16(p.byteLength), 0);

/** Copies `parts` to consecutive 16-byte aligned places of `memory` from `at`; returns where each starts. */
export function placeViews(memory: ArrayBuffer, at: number, parts: readonly ArrayBufferView[]): number[] {
  let next = at;
  return parts.map((p) => {
    const where = next;
    new Uint8Array(memory, where, p.byteLength).set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    next += align16(p.byteLength);
    return where;
  });
}

/**
 * Copies `input` to the start of the kernel's scratch area and reserves `extra` bytes after it (16-byte aligned):
 * returns where each starts, or null when memory cannot hold them (the caller then runs its JavaScript path).
 */
export function stageInput(
  kernel: ScratchKernel,
  input: Uint8Array,
  extra: number,
): { readonly input: number; readonly scratch: number } | null {
  const offset = (input.length + 15) & ~15;
  if (offset + extra > MAX_SCRATCH_BYTES) return null;
  const base = kernel.reserve(offset + extra);
  if (base === 0) return null;
  new Uint8Array(kernel.memory.buffer, base, input.length).set(input);
  return { input: base, scratch: base + offset };
}

/** About how many source bytes `streamRows` copies at a time: small enough to stay in the core's L2 cache. */
const RUN_BYTES = 1 << 18;

/**
 * Streams an image of `rows` rows of `rowBytes` bytes through the kernel's memory a run of whole rows at a time
 * (about RUN_BYTES, so each run is read from cache, not memory, and no full-size copy is made): reserves `extra`
 * bytes of scratch (16-byte aligned, after the run's area, which has 16 spare bytes), calls `setup(scratch)`, then
 * `each(src, firstRow, count)` after copying each run to `src`. False when memory cannot hold it (nothing called).
 */
export function streamRows(
  kernel: ScratchKernel,
  input: Uint8Array,
  rowBytes: number,
  rows: number,
  extra: number,
  setup: (scratch: number) => void,
  each: (src: number, firstRow: number, count: number) => void,
): boolean {
  const perRun = Math.max(1, Math.min(rows, Math.floor(RUN_BYTES / Math.max(1, rowBytes))));
  const offset = (perRun * rowBytes + 16 + 15) & ~15;
  if (offset + extra > MAX_SCRATCH_BYTES) return false;
  const base = kernel.reserve(offset + extra);
  if (base === 0) return false;
  setup(base + offset);
  for (let first = 0; first < rows; first += perRun) {
    const count = Math.min(perRun, rows - first);
    new Uint8Array(kernel.memory.buffer, base, count * rowBytes).set(
      input.subarray(first * rowBytes, (first + count) * rowBytes),
    );
    each(base, first, count);
  }
  return true;
}
