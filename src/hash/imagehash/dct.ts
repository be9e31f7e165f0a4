// The unnormalised DCT-II of scipy.fftpack.dct (type 2, norm=None), reproduced to the last bit.
//
// scipy ≥ 1.4 computes it with pocketfft: the input is folded into a half-complex sequence, transformed by a backward
// real FFT (radix passes 4, 2, 3, 5 and a generic one, FFTPACK layout) and untwisted with cosine twiddles. This is a
// port of that path (pocketfft_hdronly's T_dcst23::exec and rfftp::exec/radb*, unchanged from 2020 to 2024, so the
// same in Debian bookworm's scipy 1.10.1 and in current scipy), so coefficients equal scipy's bit for bit and
// hashes agree even where a coefficient ties the median (flat or symmetric images give exact zeros, as in scipy).
// pocketfft switches to Bluestein's algorithm for some lengths with a large prime factor (4·h for a few primes
// h ≥ 239); those lengths are refused.
import { UnitRoots } from './twiddle.js';

interface Factor {
  readonly ip: number;
  /** Twiddles for this pass: (ip − 1) · (ido − 1) values. */
  readonly tw: Float64Array;
  /** Extra twiddles of the generic pass (ip > 5): 2·ip values. */
  readonly tws: Float64Array;
}

const EMPTY = new Float64Array(0);
const SQRT2 = 1.4142135623730951;
const TAUR = -0.5;
const TAUI = 0.8660254037844386;
const TR11 = 0.30901699437494745;
const TI11 = 0.9510565162951535;
const TR12 = -0.8090169943749475;
const TI12 = 0.5877852522924731;

/** pocketfft's factor order: 4s first, then one 2 moved to the front, then odd factors ascending. */
function factorize(n: number): number[] {
  const f: number[] = [];
  let len = n;
  while (len % 4 === 0) {
    f.push(4);
    len /= 4;
  }
  if (len % 2 === 0) {
    len /= 2;
    f.push(2);
    [f[0], f[f.length - 1]] = [f[f.length - 1]!, f[0]!];
  }
  for (let d = 3; d * d <= len; d += 2) {
    while (len % d === 0) {
      f.push(d);
      len /= d;
    }
  }
  if (len > 1) f.push(len);
  return f;
}

/** A backward (half-complex to real) FFT of one length, as pocketfft's rfftp plans it. */
class BackwardRealFft {
  private readonly factors: Factor[] = [];
  private readonly scratch: Float64Array;

  constructor(readonly length: number) {
    this.scratch = new Float64Array(length);
    if (length === 1) return;
    const fcts = factorize(length);
    const roots = new UnitRoots(length);
    let l1 = 1;
    fcts.forEach((ip, k) => {
      const ido = length / (l1 * ip);
      let tw = EMPTY;
      let tws = EMPTY;
      if (k < fcts.length - 1) {
        tw = new Float64Array((ip - 1) * (ido - 1));
        for (let j = 1; j < ip; j++) {
          for (let i = 1; i <= (ido - 1) >> 1; i++) {
            const [re, im] = roots.get(j * l1 * i);
            tw[(j - 1) * (ido - 1) + 2 * i - 2] = re;
            tw[(j - 1) * (ido - 1) + 2 * i - 1] = im;
          }
        }
      }
      if (ip > 5) {
        tws = new Float64Array(2 * ip);
        tws[0] = 1;
        tws[1] = 0;
        for (let i = 2, ic = 2 * ip - 2; i <= ic; i += 2, ic -= 2) {
          const [re, im] = roots.get((i >> 1) * (length / ip));
          tws[i] = re;
          tws[i + 1] = im;
          tws[ic] = re;
          tws[ic + 1] = -im;
        }
      }
      this.factors.push({ ip, tw, tws });
      l1 *= ip;
    });
  }

  /** Transforms `c` in place (FFTPACK half-complex order in, real samples out, no normalisation). */
  exec(c: Float64Array): void {
    if (this.length === 1) return;
    let p1 = c;
    let p2 = this.scratch;
    let l1 = 1;
    for (const { ip, tw, tws } of this.factors) {
      const ido = this.length / (ip * l1);
      if (ip === 4) radb4(ido, l1, p1, p2, tw);
      else if (ip === 2) radb2(ido, l1, p1, p2, tw);
      else if (ip === 3) radb3(ido, l1, p1, p2, tw);
      else if (ip === 5) radb5(ido, l1, p1, p2, tw);
      else radbg(ido, ip, l1, p1, p2, tw, tws);
      [p1, p2] = [p2, p1];
      l1 *= ip;
    }
    if (p1 !== c) c.set(p1);
  }
}

/** FFTPACK's output layout of a backward pass: element (a, b, c) of `ch` with ido × l1 × ip extents. */
const outputIndex =
  (ido: number, l1: number) =>
  (a: number, b: number, c: number): number =>
    a + ido * (b + l1 * c);

/** Twiddle x of position i in a pass's table (`ido − 1` values per twiddle). */
const twiddleAt =
  (wa: Float64Array, ido: number) =>
  (x: number, i: number): number =>
    wa[i + x * (ido - 1)]!;

/**
 * pocketfft's twiddle step: (cr + i·ci) times the conjugate twiddle (w0 − i·w1), real part stored at `re` and
 * imaginary part at `im`, with the reference's operations in its order.
 */
function rotateInto(ch: Float64Array, re: number, im: number, w0: number, w1: number, cr: number, ci: number): void {
  ch[im] = w0 * ci + w1 * cr;
  ch[re] = w0 * cr - w1 * ci;
}

function radb2(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 2 * c);
  const CH = outputIndex(ido, l1);
  for (let k = 0; k < l1; k++) {
    const a = cc[CC(0, 0, k)]!,
      b = cc[CC(ido - 1, 1, k)]!;
    ch[CH(0, k, 0)] = a + b;
    ch[CH(0, k, 1)] = a - b;
  }
  if ((ido & 1) === 0) {
    for (let k = 0; k < l1; k++) {
      ch[CH(ido - 1, k, 0)] = 2 * cc[CC(ido - 1, 0, k)]!;
      ch[CH(ido - 1, k, 1)] = -2 * cc[CC(0, 1, k)]!;
    }
  }
  if (ido <= 2) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2; i < ido; i += 2) {
      const ic = ido - i;
      const tr2 = cc[CC(i - 1, 0, k)]! - cc[CC(ic - 1, 1, k)]!;
      ch[CH(i - 1, k, 0)] = cc[CC(i - 1, 0, k)]! + cc[CC(ic - 1, 1, k)]!;
      const ti2 = cc[CC(i, 0, k)]! + cc[CC(ic, 1, k)]!;
      ch[CH(i, k, 0)] = cc[CC(i, 0, k)]! - cc[CC(ic, 1, k)]!;
      const wr = wa[i - 2]!,
        wi = wa[i - 1]!;
      ch[CH(i, k, 1)] = wr * ti2 + wi * tr2;
      ch[CH(i - 1, k, 1)] = wr * tr2 - wi * ti2;
    }
  }
}

function radb3(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 3 * c);
  const CH = outputIndex(ido, l1);
  const WA = twiddleAt(wa, ido);
  for (let k = 0; k < l1; k++) {
    const tr2 = 2 * cc[CC(ido - 1, 1, k)]!;
    const cr2 = cc[CC(0, 0, k)]! + TAUR * tr2;
    ch[CH(0, k, 0)] = cc[CC(0, 0, k)]! + tr2;
    const ci3 = 2 * TAUI * cc[CC(0, 2, k)]!;
    ch[CH(0, k, 2)] = cr2 + ci3;
    ch[CH(0, k, 1)] = cr2 - ci3;
  }
  if (ido === 1) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2, ic = ido - 2; i < ido; i += 2, ic -= 2) {
      const tr2 = cc[CC(i - 1, 2, k)]! + cc[CC(ic - 1, 1, k)]!;
      const ti2 = cc[CC(i, 2, k)]! - cc[CC(ic, 1, k)]!;
      const cr2 = cc[CC(i - 1, 0, k)]! + TAUR * tr2;
      const ci2 = cc[CC(i, 0, k)]! + TAUR * ti2;
      ch[CH(i - 1, k, 0)] = cc[CC(i - 1, 0, k)]! + tr2;
      ch[CH(i, k, 0)] = cc[CC(i, 0, k)]! + ti2;
      const cr3 = TAUI * (cc[CC(i - 1, 2, k)]! - cc[CC(ic - 1, 1, k)]!);
      const ci3 = TAUI * (cc[CC(i, 2, k)]! + cc[CC(ic, 1, k)]!);
      const dr3 = cr2 + ci3,
        dr2 = cr2 - ci3;
      const di2 = ci2 + cr3,
        di3 = ci2 - cr3;
      rotateInto(ch, CH(i - 1, k, 1), CH(i, k, 1), WA(0, i - 2), WA(0, i - 1), dr2, di2);
      rotateInto(ch, CH(i - 1, k, 2), CH(i, k, 2), WA(1, i - 2), WA(1, i - 1), dr3, di3);
    }
  }
}

function radb4(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 4 * c);
  const CH = outputIndex(ido, l1);
  const WA = twiddleAt(wa, ido);
  for (let k = 0; k < l1; k++) {
    const a = cc[CC(0, 0, k)]!,
      b = cc[CC(ido - 1, 3, k)]!;
    const tr2 = a + b,
      tr1 = a - b;
    const tr3 = 2 * cc[CC(ido - 1, 1, k)]!;
    const tr4 = 2 * cc[CC(0, 2, k)]!;
    ch[CH(0, k, 0)] = tr2 + tr3;
    ch[CH(0, k, 2)] = tr2 - tr3;
    ch[CH(0, k, 3)] = tr1 + tr4;
    ch[CH(0, k, 1)] = tr1 - tr4;
  }
  if ((ido & 1) === 0) {
    for (let k = 0; k < l1; k++) {
      const a = cc[CC(0, 3, k)]!,
        b = cc[CC(0, 1, k)]!;
      const ti1 = a + b,
        ti2 = a - b;
      const c = cc[CC(ido - 1, 0, k)]!,
        d = cc[CC(ido - 1, 2, k)]!;
      const tr2 = c + d,
        tr1 = c - d;
      ch[CH(ido - 1, k, 0)] = tr2 + tr2;
      ch[CH(ido - 1, k, 1)] = SQRT2 * (tr1 - ti1);
      ch[CH(ido - 1, k, 2)] = ti2 + ti2;
      ch[CH(ido - 1, k, 3)] = -SQRT2 * (tr1 + ti1);
    }
  }
  if (ido <= 2) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2; i < ido; i += 2) {
      const ic = ido - i;
      const tr2 = cc[CC(i - 1, 0, k)]! + cc[CC(ic - 1, 3, k)]!;
      const tr1 = cc[CC(i - 1, 0, k)]! - cc[CC(ic - 1, 3, k)]!;
      const ti1 = cc[CC(i, 0, k)]! + cc[CC(ic, 3, k)]!;
      const ti2 = cc[CC(i, 0, k)]! - cc[CC(ic, 3, k)]!;
      const tr4 = cc[CC(i, 2, k)]! + cc[CC(ic, 1, k)]!;
      const ti3 = cc[CC(i, 2, k)]! - cc[CC(ic, 1, k)]!;
      const tr3 = cc[CC(i - 1, 2, k)]! + cc[CC(ic - 1, 1, k)]!;
      const ti4 = cc[CC(i - 1, 2, k)]! - cc[CC(ic - 1, 1, k)]!;
      ch[CH(i - 1, k, 0)] = tr2 + tr3;
      const cr3 = tr2 - tr3;
      ch[CH(i, k, 0)] = ti2 + ti3;
      const ci3 = ti2 - ti3;
      const cr4 = tr1 + tr4,
        cr2 = tr1 - tr4;
      const ci2 = ti1 + ti4,
        ci4 = ti1 - ti4;
      rotateInto(ch, CH(i - 1, k, 1), CH(i, k, 1), WA(0, i - 2), WA(0, i - 1), cr2, ci2);
      rotateInto(ch, CH(i - 1, k, 2), CH(i, k, 2), WA(1, i - 2), WA(1, i - 1), cr3, ci3);
      rotateInto(ch, CH(i - 1, k, 3), CH(i, k, 3), WA(2, i - 2), WA(2, i - 1), cr4, ci4);
    }
  }
}

function radb5(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 5 * c);
  const CH = outputIndex(ido, l1);
  const WA = twiddleAt(wa, ido);
  for (let k = 0; k < l1; k++) {
    const ti5 = cc[CC(0, 2, k)]! + cc[CC(0, 2, k)]!;
    const ti4 = cc[CC(0, 4, k)]! + cc[CC(0, 4, k)]!;
    const tr2 = cc[CC(ido - 1, 1, k)]! + cc[CC(ido - 1, 1, k)]!;
    const tr3 = cc[CC(ido - 1, 3, k)]! + cc[CC(ido - 1, 3, k)]!;
    const c0 = cc[CC(0, 0, k)]!;
    ch[CH(0, k, 0)] = c0 + tr2 + tr3;
    const cr2 = c0 + TR11 * tr2 + TR12 * tr3;
    const cr3 = c0 + TR12 * tr2 + TR11 * tr3;
    const ci5 = ti5 * TI11 + ti4 * TI12;
    const ci4 = ti5 * TI12 - ti4 * TI11;
    ch[CH(0, k, 4)] = cr2 + ci5;
    ch[CH(0, k, 1)] = cr2 - ci5;
    ch[CH(0, k, 3)] = cr3 + ci4;
    ch[CH(0, k, 2)] = cr3 - ci4;
  }
  if (ido === 1) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2, ic = ido - 2; i < ido; i += 2, ic -= 2) {
      const tr2 = cc[CC(i - 1, 2, k)]! + cc[CC(ic - 1, 1, k)]!;
      const tr5 = cc[CC(i - 1, 2, k)]! - cc[CC(ic - 1, 1, k)]!;
      const ti5 = cc[CC(i, 2, k)]! + cc[CC(ic, 1, k)]!;
      const ti2 = cc[CC(i, 2, k)]! - cc[CC(ic, 1, k)]!;
      const tr3 = cc[CC(i - 1, 4, k)]! + cc[CC(ic - 1, 3, k)]!;
      const tr4 = cc[CC(i - 1, 4, k)]! - cc[CC(ic - 1, 3, k)]!;
      const ti4 = cc[CC(i, 4, k)]! + cc[CC(ic, 3, k)]!;
      const ti3 = cc[CC(i, 4, k)]! - cc[CC(ic, 3, k)]!;
      const a = cc[CC(i - 1, 0, k)]!,
        b = cc[CC(i, 0, k)]!;
      ch[CH(i - 1, k, 0)] = a + tr2 + tr3;
      ch[CH(i, k, 0)] = b + ti2 + ti3;
      const cr2 = a + TR11 * tr2 + TR12 * tr3;
      const ci2 = b + TR11 * ti2 + TR12 * ti3;
      const cr3 = a + TR12 * tr2 + TR11 * tr3;
      const ci3 = b + TR12 * ti2 + TR11 * ti3;
      const cr5 = tr5 * TI11 + tr4 * TI12;
      const cr4 = tr5 * TI12 - tr4 * TI11;
      const ci5 = ti5 * TI11 + ti4 * TI12;
      const ci4 = ti5 * TI12 - ti4 * TI11;
      const dr4 = cr3 + ci4,
        dr3 = cr3 - ci4;
      const di3 = ci3 + cr4,
        di4 = ci3 - cr4;
      const dr5 = cr2 + ci5,
        dr2 = cr2 - ci5;
      const di2 = ci2 + cr5,
        di5 = ci2 - cr5;
      rotateInto(ch, CH(i - 1, k, 1), CH(i, k, 1), WA(0, i - 2), WA(0, i - 1), dr2, di2);
      rotateInto(ch, CH(i - 1, k, 2), CH(i, k, 2), WA(1, i - 2), WA(1, i - 1), dr3, di3);
      rotateInto(ch, CH(i - 1, k, 3), CH(i, k, 3), WA(2, i - 2), WA(2, i - 1), dr4, di4);
      rotateInto(ch, CH(i - 1, k, 4), CH(i, k, 4), WA(3, i - 2), WA(3, i - 1), dr5, di5);
    }
  }
}

/** The generic odd-radix backward pass (FFTPACK's radbg); it uses `cc` as scratch and leaves the result in `ch`. */
function radbg(
  ido: number,
  ip: number,
  l1: number,
  cc: Float64Array,
  ch: Float64Array,
  wa: Float64Array,
  csarr: Float64Array,
): void {
  const ipph = (ip + 1) >> 1;
  const idl1 = ido * l1;
  const CC = (a: number, b: number, c: number): number => a + ido * (b + ip * c);
  const CH = outputIndex(ido, l1);
  const C1 = CH; // same layout, applied to cc
  const C2 = (a: number, b: number): number => a + idl1 * b;

  for (let k = 0; k < l1; k++) for (let i = 0; i < ido; i++) ch[CH(i, k, 0)] = cc[CC(i, 0, k)]!;
  for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
    const j2 = 2 * j - 1;
    for (let k = 0; k < l1; k++) {
      ch[CH(0, k, j)] = 2 * cc[CC(ido - 1, j2, k)]!;
      ch[CH(0, k, jc)] = 2 * cc[CC(0, j2 + 1, k)]!;
    }
  }
  if (ido !== 1) {
    for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
      const j2 = 2 * j - 1;
      for (let k = 0; k < l1; k++) {
        for (let i = 1, ic = ido - i - 2; i <= ido - 2; i += 2, ic -= 2) {
          ch[CH(i, k, j)] = cc[CC(i, j2 + 1, k)]! + cc[CC(ic, j2, k)]!;
          ch[CH(i, k, jc)] = cc[CC(i, j2 + 1, k)]! - cc[CC(ic, j2, k)]!;
          ch[CH(i + 1, k, j)] = cc[CC(i + 1, j2 + 1, k)]! - cc[CC(ic + 1, j2, k)]!;
          ch[CH(i + 1, k, jc)] = cc[CC(i + 1, j2 + 1, k)]! + cc[CC(ic + 1, j2, k)]!;
        }
      }
    }
  }
  for (let l = 1, lc = ip - 1; l < ipph; l++, lc--) {
    for (let ik = 0; ik < idl1; ik++) {
      cc[C2(ik, l)] = ch[C2(ik, 0)]! + csarr[2 * l]! * ch[C2(ik, 1)]! + csarr[4 * l]! * ch[C2(ik, 2)]!;
      cc[C2(ik, lc)] = csarr[2 * l + 1]! * ch[C2(ik, ip - 1)]! + csarr[4 * l + 1]! * ch[C2(ik, ip - 2)]!;
    }
    let iang = 2 * l;
    /** The next twiddle's offset in `csarr`: pocketfft's iang, stepped by l modulo ip. */
    const next = (): number => {
      iang += l;
      if (iang > ip) iang -= ip;
      return 2 * iang;
    };
    let j = 3,
      jc = ip - 3;
    for (; j < ipph - 3; j += 4, jc -= 4) {
      const t1 = next();
      const t2 = next();
      const t3 = next();
      const t4 = next();
      const [ar1, ar2, ar3, ar4] = [csarr[t1]!, csarr[t2]!, csarr[t3]!, csarr[t4]!];
      const [ai1, ai2, ai3, ai4] = [csarr[t1 + 1]!, csarr[t2 + 1]!, csarr[t3 + 1]!, csarr[t4 + 1]!];
      for (let ik = 0; ik < idl1; ik++) {
        cc[C2(ik, l)]! +=
          ar1 * ch[C2(ik, j)]! + ar2 * ch[C2(ik, j + 1)]! + ar3 * ch[C2(ik, j + 2)]! + ar4 * ch[C2(ik, j + 3)]!;
        cc[C2(ik, lc)]! +=
          ai1 * ch[C2(ik, jc)]! + ai2 * ch[C2(ik, jc - 1)]! + ai3 * ch[C2(ik, jc - 2)]! + ai4 * ch[C2(ik, jc - 3)]!;
      }
    }
    for (; j < ipph - 1; j += 2, jc -= 2) {
      const t1 = next();
      const t2 = next();
      const [ar1, ar2, ai1, ai2] = [csarr[t1]!, csarr[t2]!, csarr[t1 + 1]!, csarr[t2 + 1]!];
      for (let ik = 0; ik < idl1; ik++) {
        cc[C2(ik, l)]! += ar1 * ch[C2(ik, j)]! + ar2 * ch[C2(ik, j + 1)]!;
        cc[C2(ik, lc)]! += ai1 * ch[C2(ik, jc)]! + ai2 * ch[C2(ik, jc - 1)]!;
      }
    }
    for (; j < ipph; j++, jc--) {
      const t = next();
      const [war, wai] = [csarr[t]!, csarr[t + 1]!];
      for (let ik = 0; ik < idl1; ik++) {
        cc[C2(ik, l)]! += war * ch[C2(ik, j)]!;
        cc[C2(ik, lc)]! += wai * ch[C2(ik, jc)]!;
      }
    }
  }
  for (let j = 1; j < ipph; j++) for (let ik = 0; ik < idl1; ik++) ch[C2(ik, 0)]! += ch[C2(ik, j)]!;
  for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
    for (let k = 0; k < l1; k++) {
      const a = cc[C1(0, k, j)]!,
        b = cc[C1(0, k, jc)]!;
      ch[CH(0, k, jc)] = a + b;
      ch[CH(0, k, j)] = a - b;
    }
  }
  if (ido === 1) return;
  for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
    for (let k = 0; k < l1; k++) {
      for (let i = 1; i <= ido - 2; i += 2) {
        ch[CH(i, k, j)] = cc[C1(i, k, j)]! - cc[C1(i + 1, k, jc)]!;
        ch[CH(i, k, jc)] = cc[C1(i, k, j)]! + cc[C1(i + 1, k, jc)]!;
        ch[CH(i + 1, k, j)] = cc[C1(i + 1, k, j)]! + cc[C1(i, k, jc)]!;
        ch[CH(i + 1, k, jc)] = cc[C1(i + 1, k, j)]! - cc[C1(i, k, jc)]!;
      }
    }
  }
  for (let j = 1; j < ip; j++) {
    const is = (j - 1) * (ido - 1);
    for (let k = 0; k < l1; k++) {
      let idij = is;
      for (let i = 1; i <= ido - 2; i += 2) {
        const t1 = ch[CH(i, k, j)]!,
          t2 = ch[CH(i + 1, k, j)]!;
        ch[CH(i, k, j)] = wa[idij]! * t1 - wa[idij + 1]! * t2;
        ch[CH(i + 1, k, j)] = wa[idij]! * t2 + wa[idij + 1]! * t1;
        idij += 2;
      }
    }
  }
}

/** The largest prime factor of n (pocketfft's util::largest_prime_factor). */
function largestPrimeFactor(n: number): number {
  let res = 1;
  while (n % 2 === 0) {
    res = 2;
    n /= 2;
  }
  for (let x = 3; x * x <= n; x += 2) {
    while (n % x === 0) {
      res = x;
      n /= x;
    }
  }
  return n > 1 ? n : res;
}

/** pocketfft's util::cost_guess: a rough operation count of an FFT of length n. */
function costGuess(n: number): number {
  const ni = n;
  let result = 0;
  while (n % 2 === 0) {
    result += 2;
    n /= 2;
  }
  for (let x = 3; x * x <= n; x += 2) {
    while (n % x === 0) {
      result += x <= 5 ? x : 1.1 * x;
      n /= x;
    }
  }
  if (n > 1) result += n <= 5 ? n : 1.1 * n;
  return result * ni;
}

/** pocketfft's util::good_size_cmplx: the smallest 2^a·3^b·5^c·7^d·11^e ≥ n. */
function goodSizeComplex(n: number): number {
  if (n <= 12) return n;
  let best = 2 * n;
  for (let f11 = 1; f11 < best; f11 *= 11) {
    for (let f117 = f11; f117 < best; f117 *= 7) {
      for (let f1175 = f117; f1175 < best; f1175 *= 5) {
        let x = f1175;
        while (x < n) x *= 2;
        for (;;) {
          if (x < n) x *= 3;
          else if (x > n) {
            if (x < best) best = x;
            if (x & 1) break;
            x >>= 1;
          } else return n;
        }
      }
    }
  }
  return best;
}

/** Whether pocketfft's real FFT plan (pocketfft_r) picks Bluestein's algorithm for this length. */
function usesBluestein(n: number): boolean {
  const lpf = n < 50 ? 0 : largestPrimeFactor(n);
  if (lpf * lpf <= n) return false;
  return 2 * costGuess(goodSizeComplex(2 * n - 1)) * 1.5 < 0.5 * costGuess(n);
}

/** A DCT-II plan for one length: scipy.fftpack.dct(x, type=2) with no normalisation, y_k = 2 Σ x_n cos(πk(2n+1)/2N). */
export class DctPlan {
  private readonly fft: BackwardRealFft;
  private readonly twiddle: Float64Array;

  constructor(readonly length: number) {
    if (!Number.isInteger(length) || length < 1)
      throw new RangeError(`DCT length must be a positive integer, got ${length}`);
    if (usesBluestein(length))
      throw new RangeError(
        `DCT length ${length} is one for which scipy switches to Bluestein's algorithm, which is not ported`,
      );
    this.fft = new BackwardRealFft(length);
    const roots = new UnitRoots(4 * length);
    this.twiddle = new Float64Array(length);
    for (let i = 0; i < length; i++) this.twiddle[i] = roots.get(i + 1)[0];
  }

  /** Transforms `c` (exactly `length` values) in place. */
  exec(c: Float64Array): void {
    const n = this.length;
    const ns2 = (n + 1) >> 1;
    const tw = this.twiddle;
    c[0]! *= 2;
    if ((n & 1) === 0) c[n - 1]! *= 2;
    for (let k = 1; k < n - 1; k += 2) {
      const t = c[k + 1]!;
      c[k + 1] = t - c[k]!;
      c[k] = t + c[k]!;
    }
    this.fft.exec(c);
    for (let k = 1, kc = n - 1; k < ns2; k++, kc--) {
      const t1 = tw[k - 1]! * c[kc]! + tw[kc - 1]! * c[k]!;
      const t2 = tw[k - 1]! * c[k]! - tw[kc - 1]! * c[kc]!;
      c[k] = 0.5 * (t1 + t2);
      c[kc] = 0.5 * (t1 - t2);
    }
    if ((n & 1) === 0) c[ns2]! *= tw[ns2 - 1]!;
  }
}

const plans = new Map<number, DctPlan>();

/** The cached DCT-II plan for a length. */
export function dctPlan(length: number): DctPlan {
  let plan = plans.get(length);
  if (!plan) {
    plan = new DctPlan(length);
    plans.set(length, plan);
  }
  return plan;
}

/**
 * scipy.fftpack.dct(scipy.fftpack.dct(x, axis=0), axis=1)[:rows, :cols] for an n × n row-major array: the DCT of
 * every column, then of the first `rows` rows only (the others do not reach the output).
 */
export function dct2dLowFrequencies(x: Float64Array, n: number, rows: number, cols: number): Float64Array {
  const plan = dctPlan(n);
  const line = new Float64Array(n);
  const colsDone = new Float64Array(rows * n);
  for (let col = 0; col < n; col++) {
    for (let r = 0; r < n; r++) line[r] = x[r * n + col]!;
    plan.exec(line);
    for (let r = 0; r < rows; r++) colsDone[r * n + col] = line[r]!;
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    line.set(colsDone.subarray(r * n, r * n + n));
    plan.exec(line);
    for (let c = 0; c < cols; c++) out[r * cols + c] = line[c]!;
  }
  return out;
}
