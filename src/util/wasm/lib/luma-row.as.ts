// Shared by the WebAssembly kernels (AssemblyScript): PIL's convert("L") of a run of RGB or RGBA pixels, SIMD.

/**
 * Four pixels of `step` bytes (3 or 4) at p to four luma values in i32 lanes (reads 16 bytes), with two 16-bit dot
 * products and no 32-bit multiply: (r, g) · (19595, 19235) + (b, g) · (7471, 19235) is 19595 r + 38470 g + 7471 b
 * (38470 does not fit an i16, so green's weight is shared between the two), exact in i32.
 */
function lumaOf4(p: usize, step: i32): v128 {
  const v = v128.load(p);
  let rg: v128;
  let bg: v128;
  if (step == 4) {
    rg = i8x16.swizzle(v, i8x16(0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1));
    bg = i8x16.swizzle(v, i8x16(2, -1, 1, -1, 6, -1, 5, -1, 10, -1, 9, -1, 14, -1, 13, -1));
  } else {
    rg = i8x16.swizzle(v, i8x16(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1));
    bg = i8x16.swizzle(v, i8x16(2, -1, 1, -1, 5, -1, 4, -1, 8, -1, 7, -1, 11, -1, 10, -1));
  }
  const red = i32x4.dot_i16x8_s(rg, i16x8(19595, 19235, 19595, 19235, 19595, 19235, 19595, 19235));
  const blue = i32x4.dot_i16x8_s(bg, i16x8(7471, 19235, 7471, 19235, 7471, 19235, 7471, 19235));
  return i32x4.shr_u(i32x4.add(i32x4.add(red, blue), i32x4.splat(0x8000)), 16);
}

/**
 * PIL's convert("L") of `n` pixels of `step` bytes (3 or 4) at `src` into `out` as T (u8, or u16 for the dot
 * products of a resampling pass to read without widening), sixteen (eight) at a time (the source needs 4 spare bytes
 * after its end), the rest one by one. The same integer formula as src/image/luma.ts.
 */
export function lumaRow<T>(src: usize, n: i32, step: i32, out: usize): void {
  const stride = <usize>step;
  let x = 0;
  if (sizeof<T>() == 1) {
    for (; x + 16 <= n; x += 16) {
      const p = src + <usize>x * stride;
      const a = i16x8.narrow_i32x4_u(lumaOf4(p, step), lumaOf4(p + 4 * stride, step));
      const b = i16x8.narrow_i32x4_u(lumaOf4(p + 8 * stride, step), lumaOf4(p + 12 * stride, step));
      v128.store(out + <usize>x, i8x16.narrow_i16x8_u(a, b));
    }
  } else {
    for (; x + 8 <= n; x += 8) {
      const p = src + <usize>x * stride;
      v128.store(out + ((<usize>x) << 1), i16x8.narrow_i32x4_u(lumaOf4(p, step), lumaOf4(p + 4 * stride, step)));
    }
  }
  for (; x < n; x++) {
    const p = src + <usize>x * stride;
    const v = (<u32>load<u8>(p) * 19595 + <u32>load<u8>(p, 1) * 38470 + <u32>load<u8>(p, 2) * 7471 + 0x8000) >> 16;
    store<T>(out + <usize>x * sizeof<T>(), <T>v);
  }
}
