// WebAssembly kernel (AssemblyScript) for PIL's convert("L") of 8-bit RGB or RGBA pixels:
// L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16, exactly as Pillow's rgb2l. src/image/luma.ts is its oracle.
export { reserve } from './lib/scratch.as';

/** Converts `n` pixels of `step` bytes (3 or 4) at `src` to `n` grey bytes at `out`. */
export function luma(src: usize, n: i32, step: i32, out: usize): void {
  let p = src;
  const end = out + <usize>n;
  for (let o = out; o < end; o++) {
    const v = (<u32>load<u8>(p) * 19595 + <u32>load<u8>(p, 1) * 38470 + <u32>load<u8>(p, 2) * 7471 + 0x8000) >> 16;
    store<u8>(o, <u8>v);
    p += <usize>step;
  }
}
