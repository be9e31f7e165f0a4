// The 2-D Haar wavelet transform as PyWavelets computes it (wavedec2 / waverec2 with 'haar', square power-of-two
// arrays), operation for operation so results match pywt to the last bit.
//
// pywt's Haar filters are ±1/√2 (dec_lo [s, s], dec_hi [-s, s], rec_lo [s, s], rec_hi [s, -s]). One analysis level
// (dwt2) filters along axis 0 (rows pair up), then along axis 1; each output is s·x[2i+1] + s·x[2i] (low) or
// -s·x[2i+1] + s·x[2i] (high). Synthesis (idwt2) runs the other way round, axis 1 first: x[2i] = s·a + s·d,
// x[2i+1] = s·a - s·d. Sub-bands are named as pywt's dwtn keys: first letter axis 0, second axis 1.

const S = Math.SQRT1_2; // pywt's haar filter tap, 0.7071067811865476

/** One level's detail sub-bands, each (n/2)² row-major: pywt's (cH, cV, cD) = ('da', 'ad', 'dd'). */
export interface HaarDetails {
  readonly da: Float64Array;
  readonly ad: Float64Array;
  readonly dd: Float64Array;
}

/** Approximation and details of one analysis level of an n × n array (n even). */
function haarAnalyze(x: Float64Array, n: number): { approx: Float64Array; details: HaarDetails } {
  const h = n >> 1;
  const lowRows = new Float64Array(h * n);
  const highRows = new Float64Array(h * n);
  for (let i = 0; i < h; i++) {
    const even = 2 * i * n;
    const odd = even + n;
    for (let c = 0; c < n; c++) {
      lowRows[i * n + c] = S * x[odd + c]! + S * x[even + c]!;
      highRows[i * n + c] = -S * x[odd + c]! + S * x[even + c]!;
    }
  }
  const split = (src: Float64Array): [Float64Array, Float64Array] => {
    const low = new Float64Array(h * h);
    const high = new Float64Array(h * h);
    for (let r = 0; r < h; r++) {
      for (let j = 0; j < h; j++) {
        const e = src[r * n + 2 * j]!;
        const o = src[r * n + 2 * j + 1]!;
        low[r * h + j] = S * o + S * e;
        high[r * h + j] = -S * o + S * e;
      }
    }
    return [low, high];
  };
  const [aa, ad] = split(lowRows);
  const [da, dd] = split(highRows);
  return { approx: aa, details: { da, ad, dd } };
}

/** Only the approximation ('aa') of one analysis level: the same arithmetic as `haarAnalyze`, a quarter of the work. */
export function haarApproximation(x: Float64Array, n: number): Float64Array {
  const h = n >> 1;
  const out = new Float64Array(h * h);
  const row = new Float64Array(n);
  for (let i = 0; i < h; i++) {
    const even = 2 * i * n;
    const odd = even + n;
    for (let c = 0; c < n; c++) row[c] = S * x[odd + c]! + S * x[even + c]!;
    for (let j = 0; j < h; j++) out[i * h + j] = S * row[2 * j + 1]! + S * row[2 * j]!;
  }
  return out;
}

/** One synthesis level: rebuilds the 2h × 2h array from an h × h approximation and its details (pywt idwt2). */
function haarSynthesize(approx: Float64Array, details: HaarDetails, h: number): Float64Array {
  const n = 2 * h;
  const merge = (low: Float64Array, high: Float64Array): Float64Array => {
    const out = new Float64Array(h * n);
    for (let r = 0; r < h; r++) {
      for (let j = 0; j < h; j++) {
        const a = low[r * h + j]!;
        const d = high[r * h + j]!;
        out[r * n + 2 * j] = S * a + S * d;
        out[r * n + 2 * j + 1] = S * a + -S * d;
      }
    }
    return out;
  };
  const a = merge(approx, details.ad);
  const d = merge(details.da, details.dd);
  const out = new Float64Array(n * n);
  for (let i = 0; i < h; i++) {
    for (let c = 0; c < n; c++) {
      const av = a[i * n + c]!;
      const dv = d[i * n + c]!;
      out[2 * i * n + c] = S * av + S * dv;
      out[(2 * i + 1) * n + c] = S * av + -S * dv;
    }
  }
  return out;
}

/**
 * pywt.waverec2(coeffs) after pywt.wavedec2(x, 'haar', level=levels) with the coarsest approximation set to zero
 * (`coeffs[0] *= 0`): the image without its overall mean, as imagehash's whash removes the lowest frequency.
 */
export function haarRemoveMean(x: Float64Array, n: number, levels: number): Float64Array {
  const details: HaarDetails[] = [];
  let approx = x;
  let size = n;
  for (let level = 0; level < levels; level++) {
    const step = haarAnalyze(approx, size);
    details.push(step.details);
    approx = step.approx;
    size >>= 1;
  }
  let rebuilt: Float64Array = new Float64Array(size * size);
  for (let level = levels - 1; level >= 0; level--) {
    rebuilt = haarSynthesize(rebuilt, details[level]!, size);
    size <<= 1;
  }
  return rebuilt;
}
