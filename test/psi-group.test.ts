import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes as utf8 } from '@noble/hashes/utils.js';
import { createGroup } from '../src/psi/group/create.js';
import { p256Noble, ristretto255Noble } from '../src/psi/group/noble.js';
import { loadRistretto255Sodium, sodiumBuild } from '../src/psi/group/sodium.js';
import { nativeSodium } from '../src/psi/group/sodium-native.js';
import type { SodiumRistretto } from '../src/psi/group/sodium-ristretto.js';
import { countingGroup } from '../src/psi/group/counting.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import { ProtocolError, PsiError } from '../src/psi/errors.js';
import { createPrng, randomBytesFrom } from '../src/util/prng.js';
import { optionalTool, titled } from './helpers/optional.js';

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

/** The system's libsodium (Debian: libsodium23); the WebAssembly build runs everywhere. */
const systemSodium = optionalTool('system libsodium', () =>
  nativeSodium()
    ? null
    : 'no libsodium ≥ 1.0.18 shared library found; install libsodium23 (apt) to test the native build',
);
/** Each libsodium build this machine has, by name: the sodium backend runs on either. */
const BUILDS = systemSodium.available ? (['wasm', 'native'] as const) : (['wasm'] as const);
const sodiumGroups: Record<string, PrimeOrderGroup> = {};
const sodiumLibs: Record<string, SodiumRistretto> = {};
beforeAll(async () => {
  for (const build of BUILDS) {
    sodiumGroups[build] = await loadRistretto255Sodium(build);
    sodiumLibs[build] = await sodiumBuild(build);
  }
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

  it('the ristretto255 one-way map (RFC 9496 A.3) on noble and each libsodium build', () => {
    const v = vector<RistrettoVectors>('rfc9380/ristretto255_R255MAP.json');
    for (const t of v.oneWayMap) {
      for (const build of BUILDS) expect(bytesToHex(sodiumLibs[build]!.fromHash(hexToBytes(t.input)))).toBe(t.output);
      expect(bytesToHex(ristretto255_hasher.deriveToCurve!(hexToBytes(t.input)).toBytes())).toBe(t.output);
    }
  });

  it('noble and each libsodium build reject the RFC 9496 A.2 invalid encodings and the identity', () => {
    const v = vector<RistrettoVectors>('rfc9380/ristretto255_R255MAP.json');
    expect(v.invalidEncodings.length).toBe(29);
    for (const g of [ristretto255Noble, ...BUILDS.map((b) => sodiumGroups[b]!)]) {
      for (const hex of v.invalidEncodings)
        expect(rejection(() => g.decodeElement(hexToBytes(hex)))).toBe('non-canonical-point');
      expect(rejection(() => g.decodeElement(new Uint8Array(32)))).toBe('identity-point');
      expect(rejection(() => g.decodeElement(new Uint8Array(31).fill(1)))).toBe('non-canonical-point');
    }
  });
});

describe.each(BUILDS)('libsodium backend (%s build) equals noble byte for byte', (build) => {
  const rand = createPrng(0x5eed);
  it('hash to group, multiplication, addition, inversion and encodings', () => {
    const n = ristretto255Noble;
    const s = sodiumGroups[build]!;
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
      expect(rejection(() => sodiumGroups[build]!.decodeElement(bytes))).toBe(rn);
      if (rn === undefined) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

const lawGroups: [string, () => PrimeOrderGroup][] = [
  ['ristretto255/noble', () => ristretto255Noble],
  ...BUILDS.map((b): [string, () => PrimeOrderGroup] => [`ristretto255/sodium (${b})`, () => sodiumGroups[b]!]),
  ['p256/noble', () => p256Noble],
];
describe.each(lawGroups)('group laws and validation: %s', (_, get) => {
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

describe('libsodium builds', () => {
  it.skipIf(!systemSodium.available)(
    titled('the native build checks every length before C reads or writes, and names itself', systemSodium),
    () => {
      const lib = nativeSodium()!;
      expect(lib.library).toMatch(/^libsodium \d+\.\d+\.\d+ \(native, libsodium\./);
      const element = lib.fromHash(new Uint8Array(64).fill(9));
      const scalar = new Uint8Array(32).fill(1);
      scalar[31] = 0;
      expect(() => lib.fromHash(new Uint8Array(63))).toThrow(RangeError);
      expect(() => lib.scalarmult(scalar, element.subarray(0, 31))).toThrow(RangeError);
      expect(() => lib.scalarmult(new Uint8Array(33), element)).toThrow(RangeError);
      expect(() => lib.add(element, new Uint8Array(64))).toThrow(RangeError);
      expect(() => lib.isValidPoint(new Uint8Array(16))).toThrow(RangeError);
      expect(() => lib.scalarInvert(new Uint8Array(0))).toThrow(RangeError);
      // libsodium's own refusals (the identity as a result, the zero scalar) are errors too, not zero bytes.
      expect(() => lib.scalarmult(new Uint8Array(32), element)).toThrow(/crypto_scalarmult_ristretto255 failed/);
      expect(() => lib.scalarInvert(new Uint8Array(32))).toThrow(/scalar_invert failed/);
    },
  );

  it.skipIf(!systemSodium.available)(
    titled('the native and WebAssembly builds agree on 2,000 random maps, products, sums and inverses', systemSodium),
    () => {
      const native = sodiumLibs['native']!;
      const wasm = sodiumLibs['wasm']!;
      const rand = createPrng(0x50d1);
      for (let i = 0; i < 2000; i++) {
        const uniform = randomBytesFrom(rand, 64);
        const p = native.fromHash(uniform);
        expect(bytesToHex(p)).toBe(bytesToHex(wasm.fromHash(uniform)));
        const scalar = randomBytesFrom(rand, 32);
        scalar[31]! &= 0x0f; // below the group order
        if (scalar.every((b) => b === 0)) continue;
        const q = native.scalarmult(scalar, p);
        expect(bytesToHex(q)).toBe(bytesToHex(wasm.scalarmult(scalar, p)));
        expect(bytesToHex(native.add(p, q))).toBe(bytesToHex(wasm.add(p, q)));
        expect(bytesToHex(native.scalarInvert(scalar))).toBe(bytesToHex(wasm.scalarInvert(scalar)));
      }
    },
  );

  it('HMAC-SHA256 (the seeded streams’ DRBG) equals noble’s on every build, 300 random keys and messages', () => {
    const rand = createPrng(0x4a4c);
    for (const build of BUILDS) {
      const lib = sodiumLibs[build]!;
      for (let i = 0; i < 300; i++) {
        const key = randomBytesFrom(rand, 32);
        const message = randomBytesFrom(rand, rand.nextInt(300));
        expect(bytesToHex(lib.hmacSha256(key, message)), `${build} #${i}`).toBe(bytesToHex(hmac(sha256, key, message)));
      }
    }
  });

  it.skipIf(!systemSodium.available)(titled('the native HMAC-SHA256 takes only a 32-byte key', systemSodium), () => {
    const lib = nativeSodium()!;
    expect(() => lib.hmacSha256(new Uint8Array(31), new Uint8Array(8))).toThrow(RangeError);
    expect(() => lib.hmacSha256(new Uint8Array(33), new Uint8Array(8))).toThrow(RangeError);
  });

  it('the WebAssembly build names itself; SCANLAB_SODIUM chooses the build and rejects other values', async () => {
    expect((await sodiumBuild('wasm')).library).toMatch(/^libsodium \d+\.\d+\.\d+ \(WebAssembly/);
    expect((await loadRistretto255Sodium('wasm')).library).toMatch(/WebAssembly/);
    const saved = process.env['SCANLAB_SODIUM'];
    try {
      process.env['SCANLAB_SODIUM'] = 'wasm';
      expect((await sodiumBuild()).library).toMatch(/WebAssembly/);
      process.env['SCANLAB_SODIUM'] = 'fast';
      await expect(sodiumBuild()).rejects.toThrow(/SCANLAB_SODIUM must be native, wasm or auto, not "fast"/);
      process.env['SCANLAB_SODIUM'] = 'auto';
      expect((await sodiumBuild()).library).toMatch(systemSodium.available ? /native/ : /WebAssembly/);
    } finally {
      if (saved === undefined) delete process.env['SCANLAB_SODIUM'];
      else process.env['SCANLAB_SODIUM'] = saved;
    }
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
