// PDQ's partial 2-D DCT: coefficients 1..16 along each axis of the 64×64 downsample, in float as the reference.

/** Rows of the DCT basis PDQ keeps (frequencies 1..16; the DC row 0 is skipped). */
export const PDQ_DCT_DIM = 16;
const N = 64;

/**
 * The 16×64 basis, row i = frequency i + 1: float(float(√(2/64)) · cos(π/2/64 · (i+1) · (2j+1))), the scale factor a
 * float and the cosine a double, as `dct_matrix_64` in `pdq/cpp/hashing/pdqhashing.cpp`. Built once.
 */
const DCT_MATRIX: Float32Array = (() => {
  const scale = Math.fround(Math.sqrt(2 / N));
  const m = new Float32Array(PDQ_DCT_DIM * N);
  for (let i = 0; i < PDQ_DCT_DIM; i++) {
    for (let j = 0; j < N; j++) m[i * N + j] = scale * Math.cos((Math.PI / 2 / N) * (i + 1) * (2 * j + 1));
  }
  return m;
})();

/** A copy of the DCT basis (16 rows of 64, row-major), for inspection and tests. */
export function pdqDctMatrix(): Float32Array {
  return DCT_MATRIX.slice();
}

/**
 * B = D · A · Dᵀ for the 64×64 row-major `a`, returning the 16×16 row-major B. Every product is rounded to float and
 * added to a float accumulator in the reference's order (k = 0..63), so the result is bit-identical to `dct64To16`.
 */
export function pdqDct64To16(a: Float32Array): Float32Array {
  const d = DCT_MATRIX;
  const t = new Float32Array(PDQ_DCT_DIM * N);
  for (let i = 0; i < PDQ_DCT_DIM; i++) {
    const tRow = i * N;
    for (let k = 0; k < N; k++) {
      const dik = d[i * N + k]!;
      const aRow = k * N;
      for (let j = 0; j < N; j++) t[tRow + j]! += Math.fround(dik * a[aRow + j]!);
    }
  }
  const b = new Float32Array(PDQ_DCT_DIM * PDQ_DCT_DIM);
  for (let i = 0; i < PDQ_DCT_DIM; i++) {
    const tRow = i * N;
    for (let j = 0; j < PDQ_DCT_DIM; j++) {
      const dRow = j * N;
      let sum = 0;
      for (let k = 0; k < N; k++) sum = Math.fround(sum + Math.fround(t[tRow + k]! * d[dRow + k]!));
      b[i * PDQ_DCT_DIM + j] = sum;
    }
  }
  return b;
}
