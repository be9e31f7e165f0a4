import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes as utf8 } from '@noble/hashes/utils.js';
import { createGroup } from '../src/psi/group/create.js';
import { p256Noble, ristretto255Noble } from '../src/psi/group/noble.js';
import { loadRistretto255Sodium, ristretto255FromUniformBytes } from '../src/psi/group/sodium.js';
import { countingGroup } from '../src/psi/group/counting.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { ProtocolError, PsiError } from '../src/psi/errors.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';

const vector = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as T;

interface H2cVectors {
  dst: string;
  vectors: { msg: string; P: { x: string; y: string } }[];
}
interface XmdVectors {
  DST: string;
  tests: { msg: string; len_in_bytes: string; uniform_bytes: string }[];
}
interface RistrettoVectors {
  invalidEncodings: string[];
  oneWayMap: { input: string; output: string }[];
}

function rejection(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return e.reason;
  }
}

let sodiumGroup: PrimeOrderGroup;
beforeAll(async () => {
  sodiumGroup = await loadRistretto255Sodium();
});

describe('RFC 9380 known answers', () => {
  it('P256_XMD:SHA-256_SSWU_RO_ hash_to_curve (appendix J.1.1)', () => {
    const v = vector<H2cVectors>('rfc9380/P256_XMD-SHA-256_SSWU_RO_.json');
    expect(v.vectors.length).toBe(5);
    for (const t of v.vectors) {
      const y = BigInt(t.P.y);
      const expected = (y & 1n ? '03' : '02') + t.P.x.slice(2);
      expect(bytesToHex(p256Noble.encodeElement(p256Noble.hashToGroup(utf8(t.msg), utf8(v.dst))))).toBe(expected);
    }
  });

  it('expand_message_xmd SHA-512, the expander of hash_to_ristretto255 (appendix K.3)', () => {
    const v = vector<XmdVectors>('rfc9380/expand_message_xmd_SHA512_38.json');
    for (const t of v.tests) {
      expect(bytesToHex(expand_message_xmd(utf8(t.msg), utf8(v.DST), Number(t.len_in_bytes), sha512))).toBe(
        t.uniform_bytes,
      );
    }
  });

  it('the ristretto255 one-way map (RFC 9496 A.3) on both backends', () => {
    const v = vector<RistrettoVectors>('rfc9380/ristretto255_R255MAP.json');
    for (const t of v.oneWayMap) {
      expect(bytesToHex(ristretto255FromUniformBytes(hexToBytes(t.input)))).toBe(t.output);
      expect(bytesToHex(ristretto255_hasher.deriveToCurve!(hexToBytes(t.input)).toBytes())).toBe(t.output);
    }
  });

  it('both ristretto255 backends reject the RFC 9496 A.2 invalid encodings and the identity', () => {
    const v = vector<RistrettoVectors>('rfc9380/ristretto255_R255MAP.json');
    expect(v.invalidEncodings.length).toBe(29);
    for (const g of [ristretto255Noble, sodiumGroup]) {
      for (const hex of v.invalidEncodings)
        expect(rejection(() => g.decodeElement(hexToBytes(hex)))).toBe('non-canonical-point');
      expect(rejection(() => g.decodeElement(new Uint8Array(32)))).toBe('identity-point');
      expect(rejection(() => g.decodeElement(new Uint8Array(31).fill(1)))).toBe('non-canonical-point');
    }
  });
});

describe('libsodium backend equals noble byte for byte', () => {
  const rand = createPrng(0x5eed);
  it('hash to group, multiplication, addition, inversion and encodings', () => {
    const n = ristretto255Noble;
    const s = sodiumGroup;
    for (let i = 0; i < 60; i++) {
      const msg = randomBytesFrom(rand, i * 3);
      const dst = utf8(`scanlab-test-${i}`);
      const pn = n.hashToGroup(msg, dst);
      const ps = s.hashToGroup(msg, dst);
      expect(bytesToHex(s.encodeElement(ps))).toBe(bytesToHex(n.encodeElement(pn)));
      const scalarBytes = n.encodeScalar(n.randomScalar());
      const kn = n.decodeScalar(scalarBytes);
      const ks = s.decodeScalar(scalarBytes);
      const qn = n.multiply(kn, pn);
      const qs = s.multiply(ks, ps);
      expect(bytesToHex(s.encodeElement(qs))).toBe(bytesToHex(n.encodeElement(qn)));
      expect(bytesToHex(s.encodeElement(s.add(ps, qs)))).toBe(bytesToHex(n.encodeElement(n.add(pn, qn))));
      expect(bytesToHex(s.encodeScalar(s.invertScalar(ks)))).toBe(bytesToHex(n.encodeScalar(n.invertScalar(kn))));
      expect(bytesToHex(s.encodeScalar(s.hashToScalar(msg, dst)))).toBe(
        bytesToHex(n.encodeScalar(n.hashToScalar(msg, dst))),
      );
      const decodedN = n.decodeElement(n.encodeElement(qn));
      const decodedS = s.decodeElement(s.encodeElement(qs));
      expect(bytesToHex(s.encodeElement(decodedS))).toBe(bytesToHex(n.encodeElement(decodedN)));
    }
  });

  it('accept and reject the same 32-byte strings, for the same reason', () => {
    const valid = ristretto255Noble.encodeElement(ristretto255Noble.hashToGroup(utf8('x'), utf8('dst')));
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = i % 2 ? randomBytesFrom(rand, 32) : valid.slice();
      if (i % 2 === 0) bytes[(i >> 1) % 32]! ^= 1 << ((i >> 6) % 8);
      const rn = rejection(() => ristretto255Noble.decodeElement(bytes));
      expect(rejection(() => sodiumGroup.decodeElement(bytes))).toBe(rn);
      if (rn === undefined) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

describe.each([
  ['ristretto255/noble', () => ristretto255Noble],
  ['ristretto255/sodium', () => sodiumGroup],
  ['p256/noble', () => p256Noble],
])('group laws and validation: %s', (_, get) => {
  it('multiplication commutes, inversion undoes it, encodings round-trip', () => {
    const g = get();
    const p = g.hashToGroup(utf8('photo'), utf8('scanlab-test'));
    const a = g.randomScalar();
    const b = g.randomScalar();
    const enc = (e: ReturnType<typeof g.multiply>): string => bytesToHex(g.encodeElement(e));
    expect(enc(g.multiply(a, g.multiply(b, p)))).toBe(enc(g.multiply(b, g.multiply(a, p))));
    expect(enc(g.multiply(g.invertScalar(a), g.multiply(a, p)))).toBe(enc(p));
    expect(enc(g.decodeElement(g.encodeElement(p)))).toBe(enc(p));
    expect(g.encodeElement(p).length).toBe(g.elementBytes);
    expect(bytesToHex(g.encodeScalar(g.decodeScalar(g.encodeScalar(a))))).toBe(bytesToHex(g.encodeScalar(a)));
    expect(enc(g.add(p, p))).not.toBe(enc(p));
    expect(g.isZeroScalar(a)).toBe(false);
  });

  it('rejects scalars at or above the order', () => {
    const g = get();
    const order =
      g.name === 'p256'
        ? 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
        : 2n ** 252n + 27742317777372353535851937790883648493n;
    const be = (n: bigint): Uint8Array => hexToBytes(n.toString(16).padStart(64, '0'));
    const encode = (n: bigint): Uint8Array => (g.name === 'p256' ? be(n) : be(n).reverse());
    expect(rejection(() => g.decodeScalar(encode(order)))).toBe('scalar-out-of-range');
    expect(rejection(() => g.decodeScalar(new Uint8Array(32).fill(0xff)))).toBe('scalar-out-of-range');
    expect(rejection(() => g.decodeScalar(new Uint8Array(31)))).toBe('scalar-out-of-range');
    expect(rejection(() => g.decodeScalar(encode(order - 1n)))).toBeUndefined();
  });
});

describe('P-256 element validation', () => {
  it('accepts only canonical compressed points', () => {
    const p = p256Noble.encodeElement(p256Noble.hashToGroup(utf8('a'), utf8('dst')));
    expect(rejection(() => p256Noble.decodeElement(p))).toBeUndefined();
    const badPrefix = p.slice();
    badPrefix[0] = 0x04;
    expect(rejection(() => p256Noble.decodeElement(badPrefix))).toBe('non-canonical-point');
    const xTooBig = new Uint8Array(33).fill(0xff);
    xTooBig[0] = 0x02;
    expect(rejection(() => p256Noble.decodeElement(xTooBig))).toBe('non-canonical-point');
    expect(rejection(() => p256Noble.decodeElement(new Uint8Array(33)))).toBe('non-canonical-point');
    const uncompressed = p256Noble.hashToGroup(utf8('a'), utf8('dst'));
    expect(rejection(() => p256Noble.decodeElement(new Uint8Array(65).fill(4)))).toBe('non-canonical-point');
    expect(p256Noble.isIdentity(uncompressed)).toBe(false);
  });
});

describe('group selection and counting', () => {
  it('P-256 has no libsodium backend; counts follow calls', async () => {
    await expect(createGroup('p256', 'sodium')).rejects.toBeInstanceOf(PsiError);
    expect((await createGroup('ristretto255', 'sodium')).backend).toBe('sodium');
    const { group, counts } = countingGroup(ristretto255Noble);
    const p = group.hashToGroup(utf8('x'), utf8('d'));
    group.multiply(group.randomScalar(), p);
    group.encodeElement(p);
    expect(counts).toMatchObject({ hashToGroup: 1, multiply: 1, randomScalar: 1, encodeElement: 1, add: 0 });
  });
});
