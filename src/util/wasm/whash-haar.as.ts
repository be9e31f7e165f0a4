// WebAssembly kernel (AssemblyScript, f64x2 SIMD) for imagehash whash's Haar stage as PyWavelets computes it: scale
// the n × n grey image to [0, 1], wavedec2 to 1 × 1, zero that approximation, waverec2, then Haar approximations down
// to hash_size². Every value takes the f64 operations of src/hash/imagehash/haar.ts in the same order (its oracle):
// SIMD lanes are neighbouring columns, each computed as the scalar code computes it.
export { reserve } from './lib/scratch.as';

const S: f64 = 0.7071067811865476; // Math.SQRT1_2, pywt's Haar tap
const NEG_S: f64 = -0.7071067811865476;

/** S·v per lane. */
function scaled(v: v128): v128 {
  return f64x2.mul(f64x2.splat(S), v);
}

// pywt's four Haar expressions share their products: −S·b is exactly −(S·b) and x + −y is exactly x − y, and
// addition commutes exactly, so with p = S·a and q = S·b: analysis low S·b + S·a = p + q, high −S·b + S·a = p − q;
// synthesis even S·a + S·d = p + q, odd S·a + −S·d = p − q.

/** p + q per lane. */
function sum(p: v128, q: v128): v128 {
  return f64x2.add(p, q);
}

/** p − q per lane. */
function difference(p: v128, q: v128): v128 {
  return f64x2.sub(p, q);
}

/** x / 255 for every byte x, then S · (x / 255) (filled on first use): the products the first level takes. */
const UNIT = memory.data(256 * 8);
const SCALED_UNIT = memory.data(256 * 8);
let unitReady = false;

function fillUnit(): void {
  for (let v = 0; v < 256; v++) {
    const x = <f64>v / 255.0;
    store<f64>(UNIT + ((<usize>v) << 3), x);
    store<f64>(SCALED_UNIT + ((<usize>v) << 3), S * x);
  }
  unitReady = true;
}

/** S · (b / 255) for the two grey bytes at p, as one f64x2. */
function scaledPair(p: usize): v128 {
  const first = v128.load64_zero(SCALED_UNIT + ((<usize>load<u8>(p)) << 3));
  return v128.load64_lane(SCALED_UNIT + ((<usize>load<u8>(p, 1)) << 3), first, 1);
}

/** The m × m block of grey bytes at `grey` (rows `stride` bytes apart) scaled to [0, 1] as f64 into `x` (m² f64). */
function loadUnit(grey: usize, stride: usize, m: i32, x: usize): void {
  for (let r = 0; r < m; r++) {
    const from = grey + <usize>r * stride;
    const to = x + ((<usize>(r * m)) << 3);
    for (let c: usize = 0; c < <usize>m; c++) {
      store<f64>(to + (c << 3), load<f64>(UNIT + ((<usize>load<u8>(from + c)) << 3)));
    }
  }
}

/**
 * The column step of one analysis row (h ≥ 2 outputs): the low and high rows (2h each) filtered along axis 1 into
 * row i of approx, ad (from `lowRow`) and da, dd (from `highRow`), each h × h.
 */
function splitColumns(
  lowRow: usize,
  highRow: usize,
  h: i32,
  i: i32,
  approx: usize,
  ad: usize,
  da: usize,
  dd: usize,
): void {
  const outRow = (<usize>(i * h)) << 3;
  for (let j: usize = 0; j < <usize>h; j += 2) {
    // Columns 2j..2j+3 → outputs j, j+1: evens [2j, 2j+2], odds [2j+1, 2j+3].
    const l0 = v128.load(lowRow + (j << 4));
    const l1 = v128.load(lowRow + (j << 4), 16);
    const h0 = v128.load(highRow + (j << 4));
    const h1 = v128.load(highRow + (j << 4), 16);
    const le = scaled(i64x2.shuffle(l0, l1, 0, 2));
    const lo = scaled(i64x2.shuffle(l0, l1, 1, 3));
    const he = scaled(i64x2.shuffle(h0, h1, 0, 2));
    const ho = scaled(i64x2.shuffle(h0, h1, 1, 3));
    const at = outRow + (j << 3);
    v128.store(approx + at, sum(le, lo));
    v128.store(ad + at, difference(le, lo));
    v128.store(da + at, sum(he, ho));
    v128.store(dd + at, difference(he, ho));
  }
}

/** The column step of one approximation row (h ≥ 2 outputs): out[j] = S·row[2j + 1] + S·row[2j]. */
function pairColumns(row: usize, h: i32, out: usize): void {
  for (let j: usize = 0; j < <usize>h; j += 2) {
    const l0 = v128.load(row + (j << 4));
    const l1 = v128.load(row + (j << 4), 16);
    v128.store(out + (j << 3), sum(scaled(i64x2.shuffle(l0, l1, 0, 2)), scaled(i64x2.shuffle(l0, l1, 1, 3))));
  }
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
    const ev = scaled(v128.load(e + c));
    const ov = scaled(v128.load(o + c));
    v128.store(lowRow + c, sum(ev, ov));
    v128.store(highRow + c, difference(ev, ov));
  }
  splitColumns(lowRow, highRow, m >> 1, i, approx, ad, da, dd);
}

/** `analyzeRow` for the first level straight from grey bytes: rows `e` and `o` (m ≥ 4 bytes each). */
function analyzeBytesRow(
  e: usize,
  o: usize,
  m: i32,
  i: i32,
  lowRow: usize,
  highRow: usize,
  approx: usize,
  ad: usize,
  da: usize,
  dd: usize,
): void {
  for (let c: usize = 0; c < <usize>m; c += 2) {
    const ev = scaledPair(e + c);
    const ov = scaledPair(o + c);
    v128.store(lowRow + (c << 3), sum(ev, ov));
    v128.store(highRow + (c << 3), difference(ev, ov));
  }
  splitColumns(lowRow, highRow, m >> 1, i, approx, ad, da, dd);
}

/** One approximation row straight from grey bytes: rows `e` and `o` (m ≥ 4 bytes each) into m/2 values at `out`. */
function approximateBytesRow(e: usize, o: usize, m: i32, row: usize, out: usize): void {
  for (let c: usize = 0; c < <usize>m; c += 2) v128.store(row + (c << 3), sum(scaledPair(e + c), scaledPair(o + c)));
  pairColumns(row, m >> 1, out);
}

/** Row i of one synthesis level's axis-1 step: from row i of the h × h arrays, the merged rows `a` and `d` (2h). */
function mergeRows(approx: usize, ad: usize, da: usize, dd: usize, h: i32, i: i32, a: usize, d: usize): void {
  const inRow = (<usize>(i * h)) << 3;
  if (h == 1) {
    const r = load<f64>(approx + inRow);
    const v = load<f64>(ad + inRow);
    const p = load<f64>(da + inRow);
    const q = load<f64>(dd + inRow);
    store<f64>(a, S * r + S * v);
    store<f64>(a, S * r + NEG_S * v, 8);
    store<f64>(d, S * p + S * q);
    store<f64>(d, S * p + NEG_S * q, 8);
    return;
  }
  for (let j: usize = 0; j < <usize>h; j += 2) {
    const r = scaled(v128.load(approx + inRow + (j << 3)));
    const v = scaled(v128.load(ad + inRow + (j << 3)));
    const p = scaled(v128.load(da + inRow + (j << 3)));
    const q = scaled(v128.load(dd + inRow + (j << 3)));
    const ae = sum(r, v);
    const ao = difference(r, v);
    const de = sum(p, q);
    const dO = difference(p, q);
    // Interleave: outputs 2j, 2j+1, 2j+2, 2j+3.
    v128.store(a + (j << 4), i64x2.shuffle(ae, ao, 0, 2));
    v128.store(a + (j << 4), i64x2.shuffle(ae, ao, 1, 3), 16);
    v128.store(d + (j << 4), i64x2.shuffle(de, dO, 0, 2));
    v128.store(d + (j << 4), i64x2.shuffle(de, dO, 1, 3), 16);
  }
}

/**
 * Row i of one synthesis level: from row i of the h × h `approx`, `ad`, `da`, `dd`, through the merged rows `a` and
 * `d` (2h each), the two 2h-long rows 2i and 2i+1 of the rebuilt 2h × 2h array: written to `out` when `q` is 0; else
 * (h ≥ 2) approximated at once, never stored: row i of the h × h approximation of the rebuilt array into `out`,
 * through `q` (2h f64).
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
  q: usize,
  out: usize,
): void {
  mergeRows(approx, ad, da, dd, h, i, a, d);
  const rowBytes = (<usize>(2 * h)) << 3;
  if (q == 0) {
    const top = out + <usize>(2 * i) * rowBytes;
    for (let c: usize = 0; c < rowBytes; c += 16) {
      const av = scaled(v128.load(a + c));
      const dv = scaled(v128.load(d + c));
      v128.store(top + c, sum(av, dv));
      v128.store(top + rowBytes + c, difference(av, dv));
    }
    return;
  }
  for (let c: usize = 0; c < rowBytes; c += 16) {
    const av = scaled(v128.load(a + c));
    const dv = scaled(v128.load(d + c));
    v128.store(q + c, sum(scaled(sum(av, dv)), scaled(difference(av, dv))));
  }
  pairColumns(q, h, out + ((<usize>(i * h)) << 3));
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
    for (let c: usize = 0; c < rowBytes; c += 16) {
      v128.store(row + c, sum(scaled(v128.load(e + c)), scaled(v128.load(o + c))));
    }
    pairColumns(row, h, outRow);
  }
}

/**
 * wavedec2 of the m × m `x` by `levels` levels: each level's (da, ad, dd), finest first, from `details` (returns
 * where they end; fewer than m² f64), each level's approximation from `approx` (fewer than m²/3 f64). `rowA` and
 * `rowB` hold m f64 each.
 */
function decompose(x: usize, m: i32, levels: i32, details: usize, approx: usize, rowA: usize, rowB: usize): usize {
  let src = x;
  let detail = details;
  let next = approx;
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
  return detail;
}

/**
 * waverec2 from the 1 × 1 approximation `top` and the `levels` levels of details ending at `detailEnd` (as
 * `decompose` left them), alternating between the buffers `x` and `z` (each (2^levels)² f64): returns which holds
 * the rebuilt array.
 */
function rebuild(top: f64, detailEnd: usize, levels: i32, x: usize, z: usize, rowA: usize, rowB: usize): usize {
  let detail = detailEnd;
  let rebuilt = z;
  store<f64>(rebuilt, top);
  let h = 1;
  for (let level = levels - 1; level >= 0; level--) {
    const quarter = (<usize>h * <usize>h) << 3;
    detail -= 3 * quarter;
    const target = rebuilt == z ? x : z;
    for (let i = 0; i < h; i++) {
      synthesizeRow(rebuilt, detail + quarter, detail, detail + 2 * quarter, h, i, rowA, rowB, 0, target);
    }
    rebuilt = target;
    h <<= 1;
  }
  return rebuilt;
}

/**
 * Haar approximations of the m × m `from` down to `size` × `size`, alternating between `slotA` and `slotB` (each
 * (m/2)² f64, neither overlapping `from`); returns where the result is (`from` itself when m = size).
 */
function approximateTo(from: usize, m: i32, size: i32, row: usize, slotA: usize, slotB: usize): usize {
  let at = from;
  let toA = true;
  for (; m > size; m >>= 1) {
    const into = toA ? slotA : slotB;
    approximate(at, m, row, into);
    at = into;
    toA = !toA;
  }
  return at;
}

/** Tiles are at most 2^TILE_BITS pixels a side: their whole Haar tree stays in the core's L1/L2 cache. */
const TILE_BITS = 5;

// One tile's working buffers, set by whashLow (globals: this kernel allocates no objects, its scratch area starts at
// the heap base): its image and its synthesis buffer (T² f64 each), details (T²), approximations (T²/2), 3 rows.
let tileBits = 0;
let tileX: usize = 0;
let tileDetails: usize = 0;
let tileApprox: usize = 0;
let tileZ: usize = 0;
let rowA: usize = 0;
let rowB: usize = 0;
let rowC: usize = 0;

/** The level-t approximation (t = tileBits) of the T × T tile of grey bytes at `grey`, rows `stride` apart. */
function tileApproximation(grey: usize, stride: usize): f64 {
  const m = 1 << tileBits;
  if (m < 4) {
    loadUnit(grey, stride, m, tileX);
    return load<f64>(approximateTo(tileX, m, 1, rowA, tileApprox, tileZ));
  }
  const h = m >> 1;
  for (let i = 0; i < h; i++) {
    const e = grey + <usize>(2 * i) * stride;
    approximateBytesRow(e, e + stride, m, rowA, tileApprox + ((<usize>(i * h)) << 3));
  }
  return load<f64>(approximateTo(tileApprox, h, 1, rowA, tileX, tileZ));
}

/**
 * The level-t approximation of the tile after waverec2: its t analysis levels redone (its details), the tile
 * rebuilt from `top` (its rebuilt level-t value) and those details, and reduced to level t again.
 */
function tileRebuiltApproximation(grey: usize, stride: usize, top: f64): f64 {
  const t = tileBits;
  const m = 1 << t;
  if (m < 4) {
    loadUnit(grey, stride, m, tileX);
    const end = decompose(tileX, m, t, tileDetails, tileApprox, rowA, rowB);
    const rebuilt = rebuild(top, end, t, tileX, tileZ, rowA, rowB);
    const other = rebuilt == tileX ? tileZ : tileX;
    return load<f64>(approximateTo(rebuilt, m, 1, rowA, other, tileApprox));
  }
  // Level 1 from the bytes: (da, ad, dd) at `details`, the approximation at `approx`; the coarser levels after them.
  const h = m >> 1;
  const quarter = (<usize>h * <usize>h) << 3;
  const da = tileDetails;
  const ad = da + quarter;
  const dd = ad + quarter;
  for (let i = 0; i < h; i++) {
    const e = grey + <usize>(2 * i) * stride;
    analyzeBytesRow(e, e + stride, m, i, rowA, rowB, tileApprox, ad, da, dd);
  }
  const end = decompose(tileApprox, h, t - 1, dd + quarter, tileApprox + quarter, rowA, rowB);
  // Rebuilt to level 1, then the last synthesis level fused with the first approximation.
  const level1 = rebuild(top, end, t - 1, tileX, tileZ, rowA, rowB);
  const reduced = level1 == tileX ? tileZ : tileX;
  for (let i = 0; i < h; i++) {
    synthesizeRow(level1, ad, da, dd, h, i, rowA, rowB, rowC, reduced);
  }
  return load<f64>(approximateTo(reduced, h, 1, rowA, tileApprox, level1));
}

/**
 * whash's Haar stage for the n × n grey bytes at `grey` (n a power of two ≥ 2, `levels` = log2 n): writes the
 * hashSize² f64 approximation to `out`; `work` must hold `whashWorkBytes(n, hashSize)` bytes.
 *
 * Computed by tiles of T × T pixels (T = 2^t ≤ n / hashSize), never as full-size f64 arrays, with every value still
 * taking the same operations as the whole-array transform: a level-k value depends only on its 2^k × 2^k block. Pass
 * 1 reduces each tile to its level-t approximation (a (n/T)² array, the same values as wavedec2's level t); the
 * coarse levels run on that array (analysis, top zeroed, synthesis back to level t); pass 2 redoes each tile's t
 * analysis levels (its details), synthesises the tile from its rebuilt level-t value, and reduces it to level t
 * again; the approximations from n/T down to hashSize finish on the (n/T)² array. The first level reads the grey
 * bytes through a table of S · x / 255, and the last synthesis level is fused with the first approximation.
 */
export function whashLow(grey: usize, n: i32, levels: i32, hashSize: i32, work: usize, out: usize): void {
  if (!unitReady) fillUnit();
  const t = min(TILE_BITS, levels - (31 - clz(hashSize)));
  const side = 1 << t;
  const tiles = n >> t;
  const tileCount = <usize>tiles * <usize>tiles;
  const tileArea = (<usize>side * <usize>side) << 3;
  const stride = <usize>n;
  // Layout: the coarse array and its transform (as the whole-array kernel needed for n = tiles), then one tile's.
  const coarse = work; // level-t approximations, later the rebuilt image's level-t approximations
  const cx = coarse + (tileCount << 3);
  const cDetails = cx + (tileCount << 3);
  const cApprox = cDetails + (tileCount << 3);
  const cz = cApprox + ((tileCount >> 1) << 3) + 8;
  const tx = cz + (tileCount << 3);
  const tDetails = tx + tileArea;
  const tApprox = tDetails + tileArea;
  const tz = tApprox + (tileArea >> 1) + 8;
  const rowBytes = (<usize>max(n, 2)) << 3;
  tileBits = t;
  tileX = tx;
  tileDetails = tDetails;
  tileApprox = tApprox;
  tileZ = tz;
  rowA = tz + tileArea;
  rowB = rowA + rowBytes;
  rowC = rowB + rowBytes;

  // Pass 1: each tile's level-t approximation.
  for (let ty = 0; ty < tiles; ty++) {
    for (let tc = 0; tc < tiles; tc++) {
      const at = grey + <usize>ty * <usize>side * stride + <usize>tc * <usize>side;
      store<f64>(coarse + ((<usize>(ty * tiles + tc)) << 3), tileApproximation(at, stride));
    }
  }

  // The coarse levels: wavedec2 to 1 × 1, zeroed, waverec2 back to the (n/T)² level-t array.
  const coarseLevels = levels - t;
  const cEnd = decompose(coarse, tiles, coarseLevels, cDetails, cApprox, rowA, rowB);
  const tops = rebuild(0.0, cEnd, coarseLevels, cx, cz, rowA, rowB);

  // Pass 2: each tile rebuilt from its level-t value and details, reduced to level t again (into `coarse`).
  for (let ty = 0; ty < tiles; ty++) {
    for (let tc = 0; tc < tiles; tc++) {
      const index = (<usize>(ty * tiles + tc)) << 3;
      const at = grey + <usize>ty * <usize>side * stride + <usize>tc * <usize>side;
      store<f64>(coarse + index, tileRebuiltApproximation(at, stride, load<f64>(tops + index)));
    }
  }

  const result = approximateTo(coarse, tiles, hashSize, rowA, cApprox, cx);
  memory.copy(out, result, (<usize>hashSize * <usize>hashSize) << 3);
}

/** The bytes of `work` that `whashLow` needs for an n × n image and hashSize. */
export function whashWorkBytes(n: i32, hashSize: i32): usize {
  const levels = 31 - clz(n);
  const t = min(TILE_BITS, levels - (31 - clz(hashSize)));
  const tileCount = ((<usize>n) >> t) * ((<usize>n) >> t);
  const tileArea = ((<usize>1) << (2 * t)) << 3;
  const rowBytes = (<usize>max(n, 2)) << 3;
  return 4 * (tileCount << 3) + ((tileCount >> 1) << 3) + 8 + 3 * tileArea + (tileArea >> 1) + 8 + 3 * rowBytes;
}
