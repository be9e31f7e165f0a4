// WebAssembly kernel (AssemblyScript, f64x2 SIMD) for imagehash whash's Haar stage as PyWavelets computes it: scale
// the n × n grey image to [0, 1], wavedec2 to 1 × 1, zero that approximation, waverec2, then Haar approximations down
// to hash_size². Every value takes the f64 operations of src/hash/imagehash/haar.ts in the same order (its oracle):
// SIMD lanes are neighbouring columns, each computed as the scalar code computes it.
export { reserve } from './lib/scratch.as';

const S: f64 = 0.7071067811865476; // Math.SQRT1_2, pywt's Haar tap
const NEG_S: f64 = -0.7071067811865476;

/** `S·b + S·a` per lane (pywt's low-pass output for the pair (a, b)). */
function low(a: v128, b: v128): v128 {
  const s = f64x2.splat(S);
  return f64x2.add(f64x2.mul(s, b), f64x2.mul(s, a));
}

/** `−S·b + S·a` per lane (the high-pass output). */
function high(a: v128, b: v128): v128 {
  return f64x2.add(f64x2.mul(f64x2.splat(NEG_S), b), f64x2.mul(f64x2.splat(S), a));
}

/** `S·a + S·d` per lane (synthesis, even output). */
function even(a: v128, d: v128): v128 {
  const s = f64x2.splat(S);
  return f64x2.add(f64x2.mul(s, a), f64x2.mul(s, d));
}

/** `S·a + −S·d` per lane (synthesis, odd output). */
function odd(a: v128, d: v128): v128 {
  return f64x2.add(f64x2.mul(f64x2.splat(S), a), f64x2.mul(f64x2.splat(NEG_S), d));
}

/**
 * Row pair i of the m × m `x` (m ≥ 2) filtered along axis 0 into `lowRow` and `highRow` (m each), then each of those
 * along axis 1 into (approx, ad) and (da, dd) row i (m/2 each). `approx` and `ad`, `da`, `dd` are (m/2)² arrays.
 */
function analyzeRow(
  x: usize,
  m: i32,
  i: i32,
  lowRow: usize,
  highRow: usize,
  approx: usize,
  ad: usize,
  da: usize,
  dd: usize,
): void {
  const rowBytes = (<usize>m) << 3;
  const e = x + <usize>(2 * i) * rowBytes;
  const o = e + rowBytes;
  if (m == 2) {
    // One pair of columns: scalar, the same expressions.
    for (let c: usize = 0; c < 16; c += 8) {
      store<f64>(lowRow + c, S * load<f64>(o + c) + S * load<f64>(e + c));
      store<f64>(highRow + c, NEG_S * load<f64>(o + c) + S * load<f64>(e + c));
    }
    store<f64>(approx + ((<usize>i) << 3), S * load<f64>(lowRow, 8) + S * load<f64>(lowRow));
    store<f64>(ad + ((<usize>i) << 3), NEG_S * load<f64>(lowRow, 8) + S * load<f64>(lowRow));
    store<f64>(da + ((<usize>i) << 3), S * load<f64>(highRow, 8) + S * load<f64>(highRow));
    store<f64>(dd + ((<usize>i) << 3), NEG_S * load<f64>(highRow, 8) + S * load<f64>(highRow));
    return;
  }
  for (let c: usize = 0; c < rowBytes; c += 16) {
    const ev = v128.load(e + c);
    const ov = v128.load(o + c);
    v128.store(lowRow + c, low(ev, ov));
    v128.store(highRow + c, high(ev, ov));
  }
  const h = m >> 1;
  const outRow = (<usize>(i * h)) << 3;
  for (let j: usize = 0; j < <usize>h; j += 2) {
    // Columns 2j..2j+3 → outputs j, j+1: evens [2j, 2j+2], odds [2j+1, 2j+3].
    const l0 = v128.load(lowRow + (j << 4));
    const l1 = v128.load(lowRow + (j << 4), 16);
    const h0 = v128.load(highRow + (j << 4));
    const h1 = v128.load(highRow + (j << 4), 16);
    const le = i64x2.shuffle(l0, l1, 0, 2);
    const lo = i64x2.shuffle(l0, l1, 1, 3);
    const he = i64x2.shuffle(h0, h1, 0, 2);
    const ho = i64x2.shuffle(h0, h1, 1, 3);
    const at = outRow + (j << 3);
    v128.store(approx + at, low(le, lo));
    v128.store(ad + at, high(le, lo));
    v128.store(da + at, low(he, ho));
    v128.store(dd + at, high(he, ho));
  }
}

/**
 * Row i of one synthesis level: from row i of the h × h `approx`, `ad`, `da`, `dd`, the two 2h-long rows 2i and 2i+1
 * of `out` (2h × 2h), through the merged rows `a` and `d` (2h each).
 */
function synthesizeRow(
  approx: usize,
  ad: usize,
  da: usize,
  dd: usize,
  h: i32,
  i: i32,
  a: usize,
  d: usize,
  out: usize,
): void {
  const inRow = (<usize>(i * h)) << 3;
  const n = 2 * h;
  const outRowBytes = (<usize>n) << 3;
  if (h == 1) {
    const r = load<f64>(approx + inRow);
    const v = load<f64>(ad + inRow);
    const p = load<f64>(da + inRow);
    const q = load<f64>(dd + inRow);
    store<f64>(a, S * r + S * v);
    store<f64>(a, S * r + NEG_S * v, 8);
    store<f64>(d, S * p + S * q);
    store<f64>(d, S * p + NEG_S * q, 8);
  } else {
    for (let j: usize = 0; j < <usize>h; j += 2) {
      const r = v128.load(approx + inRow + (j << 3));
      const v = v128.load(ad + inRow + (j << 3));
      const p = v128.load(da + inRow + (j << 3));
      const q = v128.load(dd + inRow + (j << 3));
      const ae = even(r, v);
      const ao = odd(r, v);
      const de = even(p, q);
      const dO = odd(p, q);
      // Interleave: outputs 2j, 2j+1, 2j+2, 2j+3.
      v128.store(a + (j << 4), i64x2.shuffle(ae, ao, 0, 2));
      v128.store(a + (j << 4), i64x2.shuffle(ae, ao, 1, 3), 16);
      v128.store(d + (j << 4), i64x2.shuffle(de, dO, 0, 2));
      v128.store(d + (j << 4), i64x2.shuffle(de, dO, 1, 3), 16);
    }
  }
  const top = out + <usize>(2 * i) * outRowBytes;
  const bottom = top + outRowBytes;
  for (let c: usize = 0; c < outRowBytes; c += 16) {
    const av = v128.load(a + c);
    const dv = v128.load(d + c);
    v128.store(top + c, even(av, dv));
    v128.store(bottom + c, odd(av, dv));
  }
}

/** One Haar approximation level of the m × m `x` into the (m/2)² `out` (haarApproximation), `row` m long. */
function approximate(x: usize, m: i32, row: usize, out: usize): void {
  const h = m >> 1;
  const rowBytes = (<usize>m) << 3;
  for (let i = 0; i < h; i++) {
    const e = x + <usize>(2 * i) * rowBytes;
    const o = e + rowBytes;
    const outRow = out + ((<usize>(i * h)) << 3);
    if (m == 2) {
      const r0 = S * load<f64>(o) + S * load<f64>(e);
      const r1 = S * load<f64>(o, 8) + S * load<f64>(e, 8);
      store<f64>(outRow, S * r1 + S * r0);
      continue;
    }
    for (let c: usize = 0; c < rowBytes; c += 16) v128.store(row + c, low(v128.load(e + c), v128.load(o + c)));
    for (let j: usize = 0; j < <usize>h; j += 2) {
      const l0 = v128.load(row + (j << 4));
      const l1 = v128.load(row + (j << 4), 16);
      v128.store(outRow + (j << 3), low(i64x2.shuffle(l0, l1, 0, 2), i64x2.shuffle(l0, l1, 1, 3)));
    }
  }
}

/**
 * whash's Haar stage for the n × n grey bytes at `grey` (n a power of two ≥ 2, `levels` = log2 n): writes the
 * hashSize² f64 approximation to `out`. `work` must hold 3.5 n² + 2 n f64 (28 n² + 16 n bytes).
 */
export function whashLow(grey: usize, n: i32, levels: i32, hashSize: i32, work: usize, out: usize): void {
  const count = <usize>n * <usize>n;
  const x = work; // the image, later a synthesis buffer
  const details = x + (count << 3); // each level's (da, ad, dd), finest first
  const approx = details + (count << 3); // each level's approximation, finest first (< n²/3)
  const z = approx + ((count >> 1) << 3); // the other synthesis buffer
  const rowA = z + (count << 3);
  const rowB = rowA + ((<usize>n) << 3);
  const div = f64x2.splat(255.0);
  for (let i: usize = 0; i < count; i += 2) {
    const pair = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(grey + i)));
    v128.store(x + (i << 3), f64x2.div(f64x2.convert_low_i32x4_u(pair), div));
  }

  // wavedec2: level k takes the m × m approximation to (m/2)² approximation and details.
  let src = x;
  let detail = details;
  let next = approx;
  let m = n;
  for (let level = 0; level < levels; level++) {
    const h = m >> 1;
    const quarter = (<usize>h * <usize>h) << 3;
    const da = detail;
    const ad = da + quarter;
    const dd = ad + quarter;
    for (let i = 0; i < h; i++) analyzeRow(src, m, i, rowA, rowB, next, ad, da, dd);
    detail += 3 * quarter;
    src = next;
    next += quarter;
    m = h;
  }

  // waverec2 with the 1 × 1 approximation zeroed: rebuild from the coarsest details up, alternating x and z.
  let rebuilt = z;
  store<f64>(rebuilt, 0.0);
  let h = 1;
  for (let level = levels - 1; level >= 0; level--) {
    const quarter = (<usize>h * <usize>h) << 3;
    detail -= 3 * quarter;
    const target = rebuilt == z ? x : z;
    for (let i = 0; i < h; i++) {
      synthesizeRow(rebuilt, detail + quarter, detail, detail + 2 * quarter, h, i, rowA, rowB, target);
    }
    rebuilt = target;
    h <<= 1;
  }

  // Approximations down to hashSize², alternating between two slots of `approx` (free again; n²/4 and n²/16 f64).
  let size = n;
  let from = rebuilt;
  let toFirst = true;
  while (size > hashSize) {
    const into = toFirst ? approx : approx + ((count >> 2) << 3);
    approximate(from, size, rowA, into);
    from = into;
    toFirst = !toFirst;
    size >>= 1;
  }
  memory.copy(out, from, (<usize>hashSize * <usize>hashSize) << 3);
}
