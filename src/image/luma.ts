// Colour to luminance conversions, each exactly as one reference computes it.
import { stageInput, wasmKernel, type ScratchKernel } from '../util/wasm.js';
import type { GreyImage, Image } from './types.js';

interface LumaKernel extends ScratchKernel {
  luma(src: number, n: number, step: number, out: number): void;
}

/** PIL's luma on the WebAssembly kernel (src/util/wasm/pil-luma.as.ts), or null when it is not built. */
function wasmLuma(data: Uint8Array, n: number, step: number): Uint8Array | null {
  const kernel = wasmKernel<LumaKernel>('pil-luma');
  const at = kernel && stageInput(kernel, data, n);
  if (!kernel || !at) return null;
  kernel.luma(at.input, n, step, at.scratch);
  return new Uint8Array(kernel.memory.buffer, at.scratch, n).slice();
}

/**
 * PIL's `convert("L")`: L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16 (ITU-R 601-2 in 16.16 fixed point).
 * Alpha is ignored, as PIL ignores it. Grey input is returned unchanged.
 */
export function pilLuma(img: Image): GreyImage {
  if (img.channels === 1) return img as GreyImage;
  const n = img.width * img.height;
  const fast = wasmLuma(img.data, n, img.channels);
  if (fast) return { width: img.width, height: img.height, channels: 1, data: fast };
  const out = new Uint8Array(n);
  const src = img.data;
  const step = img.channels;
  for (let i = 0, o = 0; o < n; i += step, o++) {
    out[o] = (src[i]! * 19595 + src[i + 1]! * 38470 + src[i + 2]! * 7471 + 0x8000) >>> 16;
  }
  return { width: img.width, height: img.height, channels: 1, data: out };
}

/** Expands a grey image to RGB, or returns RGB/RGBA input unchanged. */
export function toRgb(img: Image): Image {
  if (img.channels !== 1) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = img.data[i]!;
  return { width: img.width, height: img.height, channels: 3, data: out };
}
