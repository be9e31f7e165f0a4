import { describe, it, expect } from 'vitest';
import { PsiError } from '../src/psi/errors.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { M31, m31FromWords, m31Inv, m31Mul, m31Random } from '../src/psi/protocols/tpsi-ad/m31.js';
import {
  SHAMIR_PRIME,
  evaluatePolynomial,
  fieldElementFromBytes,
  fieldElementToBytes,
  fieldInverse,
  interpolatePolynomial,
  randomFieldElement,
  reconstructSecret,
  sharingPolynomial,
} from '../src/psi/protocols/tpsi-ad/shamir.js';
import { dhfCapacity, dhfValues, generateDhfKey, syntheticDhfValues } from '../src/psi/protocols/tpsi-ad/dhf.js';
import { DhfDetector } from '../src/psi/protocols/tpsi-ad/dhf-detector.js';
import { buildCuckooTable, cuckooPositions, cuckooTableSize } from '../src/psi/protocols/tpsi-ad/cuckoo.js';
import { openOnce, openWithNonce, randomKey, sealOnce, sealWithNonce } from '../src/psi/protocols/tpsi-ad/aead.js';
import { decodePayload, encodePayload, padAd, payloadBytes, unpadAd } from '../src/psi/protocols/tpsi-ad/payload.js';
import { voucherCoordinates } from '../src/psi/protocols/tpsi-ad/account.js';
import { reasonOf } from './helpers/protocol.js';

const next = createPrng(31);
describe('GF(2^31 − 1)', () => {
  it('multiplies like bigint arithmetic, including the extremes, and inverts', () => {
    const values = [
      0,
      1,
      2,
      M31 - 1,
      M31 - 2,
      0xffff,
      0x10000,
      ...Array.from({ length: 500 }, () => next.nextUint32() % M31),
    ];
    for (const a of values) {
      for (const b of values.slice(0, 60)) expect(m31Mul(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % BigInt(M31)));
      if (a !== 0) expect(m31Mul(a, m31Inv(a))).toBe(1);
    }
  });

  it('draws elements from 31-bit words, skipping the one word equal to p', () => {
    expect(m31FromWords(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 5]), 1)).toEqual(Uint32Array.from([5]));
    expect(m31FromWords(Uint8Array.from([0x7f, 0xff, 0xff, 0xff]), 1)).toBeUndefined();
    expect(m31Random(1000).every((v) => v < M31)).toBe(true);
  });
});

describe('Shamir sharing over 2^255 − 19', () => {
  it("reconstructs the textbook example f(x) = 1234 + 166x + 94x² (Shamir's secret sharing, Wikipedia)", () => {
    const f = [1234n, 166n, 94n];
    const shares = [1n, 2n, 3n].map((x) => ({ x, y: evaluatePolynomial(f, x) }));
    expect(shares.map((s) => s.y)).toEqual([1494n, 1942n, 2578n]);
    expect(reconstructSecret(shares)).toBe(1234n);
    expect(interpolatePolynomial(shares)).toEqual(f);
  });

  it('any t of many shares give the secret and the whole polynomial; t − 1 do not', () => {
    for (const t of [1, 2, 5, 30]) {
      const secret = randomFieldElement();
      const f = sharingPolynomial(secret, t);
      const shares = Array.from({ length: t + 10 }, () => {
        const x = randomFieldElement();
        return { x, y: evaluatePolynomial(f, x) };
      });
      const pick = shares.slice(7, 7 + t);
      expect(reconstructSecret(pick)).toBe(secret);
      expect(interpolatePolynomial(pick)).toEqual(f);
      if (t > 1) expect(reconstructSecret(pick.slice(1))).not.toBe(secret);
      expect(reconstructSecret([...pick.slice(1), { ...shares[0]!, y: shares[0]!.y ^ 1n }])).not.toBe(secret);
    }
  });

  it('inverts, rejects repeated x, and encodes only field elements', () => {
    const a = randomFieldElement();
    expect((a * fieldInverse(a)) % SHAMIR_PRIME).toBe(1n);
    expect(() =>
      reconstructSecret([
        { x: 5n, y: 1n },
        { x: 5n, y: 2n },
      ]),
    ).toThrow(PsiError);
    expect(fieldElementFromBytes(fieldElementToBytes(SHAMIR_PRIME - 1n))).toBe(SHAMIR_PRIME - 1n);
    const p = new Uint8Array(32).fill(0xff);
    p[0] = 0x7f;
    p[31] = 0xed;
    expect(fieldElementFromBytes(p)).toBeUndefined();
  });

  it('places a voucher id at the same coordinates every time, and different ids elsewhere', () => {
    const key = randomBytesFrom(next, 32);
    const id = randomBytesFrom(next, 16);
    expect(voucherCoordinates(key, id)).toEqual(voucherCoordinates(key, id));
    expect(voucherCoordinates(key, randomBytesFrom(next, 16)).shareX).not.toBe(voucherCoordinates(key, id).shareX);
  });
});

describe('detectable hash function', () => {
  const shuffled = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = next.nextUint32() % (i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };

  it.each([1, 2, 3, 7, 30])(
    'with t = %i: t − 1 real rows among synthetic ones reveal nothing; the t-th identifies exactly the real ones',
    (t) => {
      const dimension = 12;
      const key = generateDhfKey(t, dimension);
      const real = (): { real: boolean; x: number; values: Uint32Array } => {
        const x = next.nextUint32() % M31;
        return { real: true, x, values: dhfValues(key, x) };
      };
      const synthetic = (): { real: boolean; x: number; values: Uint32Array } => ({
        real: false,
        x: next.nextUint32() % M31,
        values: syntheticDhfValues(dimension),
      });
      const below = shuffled([
        ...Array.from({ length: t - 1 }, real),
        ...Array.from({ length: dhfCapacity(dimension) - 2 }, synthetic),
      ]);
      const detector = new DhfDetector(t, dimension);
      for (const row of below) expect(detector.add(row.x, row.values)).toEqual([]);
      expect(detector.realCount).toBe(0);
      const rows = [...below, real()];
      const found = detector.add(rows.at(-1)!.x, rows.at(-1)!.values);
      expect(found).toEqual(rows.flatMap((r, i) => (r.real ? [i] : [])));
      for (const row of [synthetic(), real(), synthetic(), real()]) {
        rows.push(row);
        expect(detector.add(row.x, row.values)).toEqual(row.real ? [rows.length - 1] : []);
      }
      expect(rows.every((r, i) => detector.isReal(i) === r.real)).toBe(true);
    },
  );

  it('rejects a row that would exceed the synthetic capacity, leaving the detector as it was', () => {
    const dimension = 6;
    const detector = new DhfDetector(4, dimension);
    for (let i = 0; i < 3 + dhfCapacity(dimension); i++)
      detector.add(next.nextUint32() % M31, syntheticDhfValues(dimension));
    expect(detector.rowCount).toBe(7);
    expect(reasonOf(() => detector.add(next.nextUint32() % M31, syntheticDhfValues(dimension)))).toBe('oversized');
    expect(reasonOf(() => detector.add(1, new Uint32Array(dimension + 1)))).toBe('wrong-count');
    expect(detector.rowCount).toBe(7);
  });
});

describe('cuckoo table', () => {
  const inputs = Array.from({ length: 300 }, () => randomBytesFrom(next, 38));

  it('puts every entry at one of its two distinct positions in ⌈(1 + ε)n⌉ slots', () => {
    const table = buildCuckooTable(inputs, 1.2);
    expect(table.size).toBe(cuckooTableSize(300, 1.2));
    expect(table.size).toBe(660);
    const placed = new Set<number>();
    table.slots.forEach((entry, slot) => {
      if (entry < 0) return;
      expect(cuckooPositions(table.seed, table.size, inputs[entry]!)).toContain(slot);
      placed.add(entry);
    });
    expect(placed.size).toBe(300);
    for (const x of inputs) {
      const [a, b] = cuckooPositions(table.seed, table.size, x);
      expect(a).not.toBe(b);
    }
  });

  it('rebuilds under the next seed when an insertion fails', () => {
    const seeds = createPrng(9);
    let rehashed = 0;
    for (let build = 0; build < 40; build++) {
      const used: Uint8Array[] = [];
      const table = buildCuckooTable(inputs, 0.9, {
        nextSeed: () => (used.push(randomBytesFrom(seeds, 16)), used.at(-1)!),
        maxBuilds: 50,
      });
      expect(used.length).toBe(table.rehashes + 1);
      expect(table.seed).toEqual(used.at(-1));
      for (const failed of used.slice(0, -1))
        expect(() => buildCuckooTable(inputs, 0.9, { nextSeed: () => failed, maxBuilds: 1 })).toThrow(PsiError);
      expect(new Set(table.slots.filter((e) => e >= 0)).size).toBe(300);
      if (table.rehashes > 0) rehashed++;
    }
    expect(rehashed).toBeGreaterThan(0);
    expect(() => buildCuckooTable(inputs, 0.3, { maxBuilds: 5 })).toThrow(/needs a load below 1\/2/);
  });
});

describe('voucher layers', () => {
  it('authenticated encryption fails under a wrong key, other associated data or altered bytes', () => {
    const key = randomKey();
    const message = randomBytesFrom(next, 50);
    const ad = randomBytesFrom(next, 22);
    const otherAd = ad.slice();
    otherAd[21]! ^= 1;
    const sealed = sealOnce(key, message, ad);
    expect(openOnce(key, sealed, ad)).toEqual(message);
    expect(openOnce(key, sealed, otherAd)).toBeUndefined();
    expect(openOnce(randomKey(), sealed, ad)).toBeUndefined();
    sealed[3]! ^= 1;
    expect(openOnce(key, sealed, ad)).toBeUndefined();
    const a = sealWithNonce(key, message, ad);
    const b = sealWithNonce(key, message, ad);
    expect(a).not.toEqual(b);
    expect(openWithNonce(key, a, ad)).toEqual(message);
    expect(openWithNonce(key, a, otherAd)).toBeUndefined();
    expect(openWithNonce(randomKey(), b, ad)).toBeUndefined();
    expect(openWithNonce(key, a.subarray(0, 30), ad)).toBeUndefined();
  });

  it('payloads round-trip and their decoder rejects every malformed field', () => {
    const adBytes = 20;
    const dimension = 5;
    const payload = {
      adCiphertext: sealWithNonce(randomKey(), padAd(randomBytesFrom(next, 7), adBytes), new Uint8Array(0)),
      share: { x: randomFieldElement(), y: randomFieldElement() },
      dhfX: 12345,
      dhfValues: m31Random(dimension),
    };
    const bytes = encodePayload(payload);
    expect(bytes.length).toBe(payloadBytes(adBytes, dimension));
    expect(decodePayload(bytes, adBytes, dimension)).toEqual(payload);
    expect(reasonOf(() => decodePayload(bytes.subarray(1), adBytes, dimension))).toBe('wrong-count');
    expect(reasonOf(() => decodePayload(bytes, adBytes, dimension + 1))).toBe('wrong-count');
    const at = payloadBytes(adBytes, dimension) - 4 * dimension - 4 - 64;
    const zeroX = bytes.slice();
    zeroX.fill(0, at, at + 32);
    expect(reasonOf(() => decodePayload(zeroX, adBytes, dimension))).toBe('invalid-field');
    const bigY = bytes.slice();
    bigY.fill(0xff, at + 32, at + 64);
    expect(reasonOf(() => decodePayload(bigY, adBytes, dimension))).toBe('scalar-out-of-range');
    const bigDhf = bytes.slice();
    bigDhf.fill(0xff, bytes.length - 4);
    expect(reasonOf(() => decodePayload(bigDhf, adBytes, dimension))).toBe('invalid-field');
  });

  it('ad padding is exact and strictly checked', () => {
    const ad = randomBytesFrom(next, 9);
    expect(unpadAd(padAd(ad, 9), 9)).toEqual(ad);
    expect(unpadAd(padAd(new Uint8Array(0), 4), 4)).toEqual(new Uint8Array(0));
    expect(() => padAd(ad, 8)).toThrow(PsiError);
    const padded = padAd(ad, 12);
    padded[13] = 1;
    expect(reasonOf(() => unpadAd(padded, 12))).toBe('invalid-field');
    const long = padAd(ad, 12);
    long[1] = 13;
    expect(reasonOf(() => unpadAd(long, 12))).toBe('invalid-field');
    expect(reasonOf(() => unpadAd(long, 11))).toBe('wrong-count');
  });
});
