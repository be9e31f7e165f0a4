// Shared by the WebAssembly kernels (AssemblyScript): PIL's convert("L") of a run of RGB or RGBA pixels, SIMD.

/** PIL's luma (19595 R + 38470 G + 7471 B + 0x8000) >> 16 of the four pixels whose channels are in r, g, b lanes. */
function luma4(r: v128, g: v128, b: v128): v128 {
  const sum = i32x4.add(
    i32x4.add(i32x4.mul(r, i32x4.splat(19595)), i32x4.mul(g, i32x4.splat(38470))),
    i32x4.add(i32x4.mul(b, i32x4.splat(7471)), i32x4.splat(0x8000)),
  );
  return i32x4.shr_u(sum, 16);
}

/** Four pixels of `step` bytes (3 or 4) at p to four luma values in i32 lanes (reads 16 bytes). */
function lumaOf4(p: usize, step: i32): v128 {
  const v = v128.load(p);
  const byte = i32x4.splat(0xff);
  if (step == 4) {
    return luma4(v128.and(v, byte), v128.and(i32x4.shr_u(v, 8), byte), v128.and(i32x4.shr_u(v, 16), byte));
  }
  const r = i8x16.swizzle(v, i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1));
  const g = i8x16.swizzle(v, i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1));
  const b = i8x16.swizzle(v, i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1));
  return luma4(r, g, b);
}

/**
 * PIL's convert("L") of `n` pixels of `step` bytes (3 or 4) at `src` into `out`, sixteen at a time (the source
 * needs 4 spare bytes after its end), the rest one by one. The same integer formula as src/image/luma.ts.
 */
export function lumaRow(src: usize, n: i32, step: i32, out: usize): void {
  const stride = <usize>step;
  let x = 0;
  for (; x + 16 <= n; x += 16) {
    const p = src + <usize>x * stride;
    const a = i16x8.narrow_i32x4_u(lumaOf4(p, step), lumaOf4(p + 4 * stride, step));
    const b = i16x8.narrow_i32x4_u(lumaOf4(p + 8 * stride, step), lumaOf4(p + 12 * stride, step));
    v128.store(out + <usize>x, i8x16.narrow_i16x8_u(a, b));
  }
  for (; x < n; x++) {
    const p = src + <usize>x * stride;
    const v = (<u32>load<u8>(p) * 19595 + <u32>load<u8>(p, 1) * 38470 + <u32>load<u8>(p, 2) * 7471 + 0x8000) >> 16;
    store<u8>(out + <usize>x, <u8>v);
  }
}
