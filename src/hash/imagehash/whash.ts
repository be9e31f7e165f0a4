// imagehash.whash with its defaults (mode 'haar', remove_max_haar_ll=True, image_scale from the image): LANCZOS-resize
// the PIL luminance to the largest power of two ≤ min(width, height) (at least hash_size), scale to [0, 1], remove
// the overall mean with a full Haar decomposition, take the Haar approximation at hash_size² and threshold it at
// its median.
import type { Image } from '../../image/types.js';
import { packMsbFirst } from '../bits.js';
import { haarApproximation, haarRemoveMean } from './haar.js';
import { antialiasedGrey, checkHashSize } from './input.js';
import { median } from './median.js';
import type { Hash, Hasher } from '../types.js';
import { defineHasher } from '../define.js';
import { align16, stageInput, wasmKernel, type ScratchKernel } from '../../util/wasm.js';

interface HaarKernel extends ScratchKernel {
  whashLow(grey: number, n: number, levels: number, hashSize: number, work: number, out: number): void;
  whashWorkBytes(n: number, hashSize: number): number;
}

/** The hashSize² approximation on the WebAssembly kernel (src/util/wasm/whash-haar.as.ts), or null without it. */
function wasmLow(grey: Uint8Array, scale: number, levels: number, hashSize: number): Float64Array | null {
  const kernel = wasmKernel<HaarKernel>('whash-haar');
  if (!kernel) return null;
  const workBytes = align16(kernel.whashWorkBytes(scale, hashSize));
  const at = stageInput(kernel, grey, workBytes + 8 * hashSize * hashSize);
  if (!at) return null;
  const out = at.scratch + workBytes;
  kernel.whashLow(at.input, scale, levels, hashSize, at.scratch, out);
  return new Float64Array(kernel.memory.buffer, out, hashSize * hashSize).slice();
}

/** The same approximation in JavaScript (the kernel's oracle): pywt's transforms in src/hash/imagehash/haar.ts. */
function jsLow(grey: Uint8Array, scale: number, levels: number, hashSize: number): Float64Array {
  const unit = new Float64Array(scale * scale);
  for (let i = 0; i < unit.length; i++) unit[i] = grey[i]! / 255;
  let low = haarRemoveMean(unit, scale, levels);
  for (let size = scale; size > hashSize; size >>= 1) low = haarApproximation(low, size);
  return low;
}

/**
 * whash's hashSize² values before the median: the scale × scale grey image in [0, 1] without its overall mean
 * (full Haar decomposition, coarsest approximation zeroed, reconstruction), reduced by Haar approximations.
 */
export function whashLowFrequencies(grey: Uint8Array, scale: number, hashSize: number): Float64Array {
  const levels = log2Floor(scale);
  return wasmLow(grey, scale, levels, hashSize) ?? jsLow(grey, scale, levels, hashSize);
}

/** floor(log2(n)) for a positive integer. */
function log2Floor(n: number): number {
  return 31 - Math.clz32(n);
}

/** whash(image, hash_size): hash_size must be a power of two (imagehash asserts it). */
export function whash(hashSize = 8): Hasher<string> {
  checkHashSize('whash', hashSize);
  if ((hashSize & (hashSize - 1)) !== 0)
    throw new RangeError(`whash hash size must be a power of two, got ${hashSize}`);
  const id = hashSize === 8 ? 'whash' : `whash:${hashSize}`;
  const nbits = hashSize * hashSize;
  return defineHasher({
    id,
    nbits,
    hash(image: Image): Hash<string> {
      const scale = Math.max(2 ** log2Floor(Math.min(image.width, image.height)), hashSize);
      const low = whashLowFrequencies(antialiasedGrey(image, scale, scale).data, scale, hashSize);
      const med = median(low);
      const bits = new Uint8Array(nbits);
      for (let i = 0; i < nbits; i++) bits[i] = low[i]! > med ? 1 : 0;
      return packMsbFirst(id, bits);
    },
  });
}
