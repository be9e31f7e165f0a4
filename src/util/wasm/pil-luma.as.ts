// WebAssembly kernel (AssemblyScript) for PIL's convert("L") of 8-bit RGB or RGBA pixels:
// L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16, exactly as Pillow's rgb2l. src/image/luma.ts is its oracle.
export { reserve } from './lib/scratch.as';
import { lumaRow } from './lib/luma-row.as';

/** Converts `n` pixels of `step` bytes (3 or 4) at `src` to `n` grey bytes at `out` (4 spare bytes after `src`). */
export function luma(src: usize, n: i32, step: i32, out: usize): void {
  lumaRow<u8>(src, n, step, out);
}
