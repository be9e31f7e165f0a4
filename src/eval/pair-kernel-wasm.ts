// The all-pairs distance histogram on the WebAssembly kernel (src/util/wasm/pair-histogram.as.ts): copies the rows
// a call needs into the module's memory once, counts there with 64-bit popcounts, and reads the histogram back.
import { wasmKernel, type WasmExports } from '../util/wasm.js';
import type { GroupedHashes } from './pair-distances.js';

interface PairKernel extends WasmExports {
  reserve(bytes: number): number;
  pairHistogram(
    hashes: number,
    words: number,
    count: number,
    ends: number,
    from: number,
    to: number,
    hist: number,
  ): void;
}

const MAX_BYTES = 2 ** 31;

/**
 * Histogram of the cross-group pairs whose first row is in [from, to), given each row's group end; null when the
 * kernel is not available or the rows do not fit its 32-bit memory (the caller then uses the JavaScript kernel).
 */
export function wasmAllPairsHistogram(g: GroupedHashes, ends: Int32Array, from: number, to: number): number[] | null {
  const kernel = wasmKernel<PairKernel>('pair-histogram');
  if (kernel === null) return null;
  const { data, words, count, nbits } = g.packed;
  const rows = count - from;
  const hashBytes = rows * words * 4;
  const endBytes = (to - from) * 4;
  const histBytes = (nbits + 1) * 8;
  const total = hashBytes + endBytes + histBytes + 64;
  if (total > MAX_BYTES) return null;
  const base = kernel.reserve(total);
  if (base === 0) return null;
  const hashesAt = base;
  const endsAt = hashesAt + hashBytes;
  const histAt = (endsAt + endBytes + 7) & ~7;
  const memory = kernel.memory.buffer;
  new Int32Array(memory, hashesAt, rows * words).set(data.subarray(from * words, count * words));
  const localEnds = new Int32Array(memory, endsAt, to - from);
  for (let i = from; i < to; i++) localEnds[i - from] = ends[i]! - from;
  const hist = new BigUint64Array(memory, histAt, nbits + 1);
  hist.fill(0n);
  kernel.pairHistogram(hashesAt, words, rows, endsAt, 0, to - from, histAt);
  return Array.from(new BigUint64Array(kernel.memory.buffer, histAt, nbits + 1), Number);
}
