// Twiddle factors e^(2πi·k/n) exactly as pocketfft (the FFT inside scipy.fft and scipy.fftpack) computes them.
//
// pocketfft's sincos_2pibyn: the angle step π/(4n) is computed in x87 long double and rounded to double; each
// table entry reduces k to the first octant and calls the C library's cos/sin; entries are products of a fine and a
// coarse table. V8's Math.sin/cos (fdlibm) differ from glibc in the last bit for a few percent of arguments, so sin
// and cos are evaluated here in double-double arithmetic and rounded once. Checked against glibc 2.36 (Debian
// bookworm) on every argument pocketfft needs for n = 4h and 16h, h ≤ 38 (phash sizes up to 38); beyond that a
// handful of entries differ by one unit in the last place where glibc itself is not correctly rounded.

/** Error-free sum: s + e = a + b exactly. */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

const SPLITTER = 134217729; // 2^27 + 1

/** Error-free product: p + e = a · b exactly (Dekker). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function ddAdd(ah: number, al: number, bh: number, bl: number): [number, number] {
  const [s, e] = twoSum(ah, bh);
  return twoSum(s, e + al + bl);
}

function ddMul(ah: number, al: number, bh: number, bl: number): [number, number] {
  const [p, e] = twoProduct(ah, bh);
  return twoSum(p, e + ah * bl + al * bh);
}

function ddDivideByInteger(ah: number, al: number, d: number): [number, number] {
  const q = ah / d;
  const [p, e] = twoProduct(q, d);
  return twoSum(q, (ah - p - e + al) / d);
}

/** cos t and sin t for 0 ≤ t ≤ π/4, correctly rounded (Taylor series in double-double). */
function cosSinRounded(t: number): [number, number] {
  const [t2h, t2l] = twoProduct(t, t);
  let cosH = 1,
    cosL = 0,
    sinH = 1,
    sinL = 0;
  let evenH = 1,
    evenL = 0; // t^2k / (2k)!
  let oddH = 1,
    oddL = 0; // t^2k / (2k+1)!
  for (let k = 1; Math.abs(evenH) > 1e-40 || Math.abs(oddH) > 1e-40; k++) {
    [evenH, evenL] = ddMul(evenH, evenL, t2h, t2l);
    [evenH, evenL] = ddDivideByInteger(evenH, evenL, (2 * k - 1) * (2 * k));
    [oddH, oddL] = ddMul(oddH, oddL, t2h, t2l);
    [oddH, oddL] = ddDivideByInteger(oddH, oddL, 2 * k * (2 * k + 1));
    const sign = k & 1 ? -1 : 1;
    [cosH, cosL] = ddAdd(cosH, cosL, sign * evenH, sign * evenL);
    [sinH, sinL] = ddAdd(sinH, sinL, sign * oddH, sign * oddL);
  }
  const [sh, sl] = ddMul(sinH, sinL, t, 0);
  return [cosH + cosL, sh + sl];
}

/** π rounded to a 64-bit significand, as the long double literal pocketfft uses: PI_LD_SIGNIFICAND · 2^-62. */
const PI_LD_SIGNIFICAND = 0xc90fdaa22168c235n;

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** Rounds v (plus a positive fraction below one unit when `sticky`) to `bits` significant bits, ties to even. */
function roundSignificand(v: bigint, sticky: boolean, bits: number): { significand: bigint; exponent: number } {
  const shift = bitLength(v) - bits;
  if (shift <= 0) return { significand: v, exponent: 0 };
  const sh = BigInt(shift);
  let q = v >> sh;
  const rest = v - (q << sh);
  const half = 1n << (sh - 1n);
  if (rest > half || (rest === half && (sticky || (q & 1n) === 1n))) q += 1n;
  return { significand: q, exponent: shift };
}

/** pocketfft's angle step `double(0.25L * pi / n)`: a long double division, then rounded to double. */
export function octantAngle(n: number): number {
  const EXTRA = 128;
  const numerator = PI_LD_SIGNIFICAND << BigInt(EXTRA);
  const d = BigInt(n);
  const quotient = numerator / d;
  const longDouble = roundSignificand(quotient, numerator % d !== 0n, 64);
  const double = roundSignificand(longDouble.significand, false, 53);
  // value = significand · 2^(exponents − 64 − EXTRA): 0.25·π = PI_LD_SIGNIFICAND · 2^-64
  return Number(double.significand) * 2 ** (longDouble.exponent + double.exponent - 64 - EXTRA);
}

/** e^(2πi·x/n) for 0 ≤ x < n, octant-reduced as pocketfft's `calc` does. Returns [re, im]. */
function rootOfUnity(x: number, n: number, ang: number): [number, number] {
  const cs = (m: number): [number, number] => cosSinRounded(m * ang);
  x *= 8;
  if (x < 4 * n) {
    if (x < 2 * n) {
      if (x < n) return cs(x);
      const [c, s] = cs(2 * n - x);
      return [s, c];
    }
    x -= 2 * n;
    if (x < n) {
      const [c, s] = cs(x);
      return [-s, c];
    }
    const [c, s] = cs(2 * n - x);
    return [-c, s];
  }
  x = 8 * n - x;
  if (x < 2 * n) {
    if (x < n) {
      const [c, s] = cs(x);
      return [c, -s];
    }
    const [c, s] = cs(2 * n - x);
    return [s, -c];
  }
  x -= 2 * n;
  if (x < n) {
    const [c, s] = cs(x);
    return [-s, -c];
  }
  const [c, s] = cs(2 * n - x);
  return [-c, -s];
}

/** pocketfft's sincos_2pibyn(n): `get(k)` is e^(2πi·k/n) for 0 ≤ k < n, as [re, im], with pocketfft's rounding. */
export class UnitRoots {
  private readonly fine: Float64Array;
  private readonly coarse: Float64Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(readonly n: number) {
    const ang = octantAngle(n);
    const count = Math.floor((n + 2) / 2);
    let shift = 1;
    while ((1 << shift) * (1 << shift) < count) shift++;
    this.shift = shift;
    this.mask = (1 << shift) - 1;
    this.fine = new Float64Array(2 * (this.mask + 1));
    this.coarse = new Float64Array(2 * Math.floor((count + this.mask) / (this.mask + 1)));
    this.fine[0] = 1;
    for (let i = 1; i <= this.mask; i++) [this.fine[2 * i], this.fine[2 * i + 1]] = rootOfUnity(i, n, ang);
    this.coarse[0] = 1;
    for (let i = 1; 2 * i < this.coarse.length; i++)
      [this.coarse[2 * i], this.coarse[2 * i + 1]] = rootOfUnity(i * (this.mask + 1), n, ang);
  }

  get(k: number): [number, number] {
    const conj = 2 * k > this.n;
    const idx = conj ? this.n - k : k;
    const f = 2 * (idx & this.mask);
    const c = 2 * (idx >> this.shift);
    const ar = this.fine[f]!,
      ai = this.fine[f + 1]!,
      br = this.coarse[c]!,
      bi = this.coarse[c + 1]!;
    const re = ar * br - ai * bi;
    const im = ar * bi + ai * br;
    return [re, conj ? -im : im];
  }
}
