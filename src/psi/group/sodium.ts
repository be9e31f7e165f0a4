// The fast ristretto255 backend: libsodium for group and scalar arithmetic (the system's shared library where one is
// installed, else its WebAssembly build; the same bytes either way), noble for RFC 9380 hashing (over Node's SHA-512).
import { hash } from 'node:crypto';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { ProtocolError, PsiError } from '../errors.js';
import { buildFromEnvironment, nativeFor, type SodiumBuild } from './sodium-build.js';
import type { GroupElement, PrimeOrderGroup, Scalar } from './group.js';
import { randomScalarBytes } from './noble.js';
import type { SodiumRistretto } from './sodium-ristretto.js';
import { wasmSodium } from './sodium-wasm.js';

export type { SodiumBuild } from './sodium-build.js';

/** Elements and scalars are their 32-byte canonical encodings (scalars little-endian), as libsodium takes them. */
const asElement = (b: Uint8Array): GroupElement => b as unknown as GroupElement;
const asScalar = (b: Uint8Array): Scalar => b as unknown as Scalar;
const bytesOf = (x: GroupElement | Scalar): Uint8Array => x as unknown as Uint8Array;

const ORDER = ristretto255.Point.Fn.ORDER;
const ELEMENT_BYTES = 32;
const UNIFORM_BYTES = 64;

/** SHA-512 by Node's crypto with noble's `sha512` metadata: the same function for `expand_message_xmd`, cheaper. */
const nativeSha512: typeof sha512 = Object.assign((message: Uint8Array): Uint8Array => {
  const digest = hash('sha512', message, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}, sha512);

const isZero = (b: Uint8Array): boolean => {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
};

/** libsodium's ristretto255 functions from the build asked for. */
export async function sodiumBuild(build: SodiumBuild = buildFromEnvironment()): Promise<SodiumRistretto> {
  const native = nativeFor(build);
  if (native) return native;
  if (build === 'native')
    throw new PsiError('no system libsodium with ristretto255 was found (install libsodium23, or libsodium ≥ 1.0.18)');
  return wasmSodium();
}

function buildSodiumGroup(sodium: SodiumRistretto): PrimeOrderGroup & { readonly library: string } {
  return {
    name: 'ristretto255',
    backend: 'sodium',
    library: sodium.library,
    suite: 'ristretto255-SHA512',
    elementBytes: ELEMENT_BYTES,
    scalarBytes: 32,
    hash: nativeSha512,
    // hash_to_ristretto255 (RFC 9380 appendix B): 64 uniform bytes from expand_message_xmd, then the RFC 9496 one-way map.
    hashToGroup: (message, dst) =>
      asElement(sodium.fromHash(expand_message_xmd(message, dst, UNIFORM_BYTES, nativeSha512))),
    hashToScalar: (message, dst) =>
      asScalar(ristretto255.Point.Fn.toBytes(ristretto255_hasher.hashToScalar(message, { DST: dst }))),
    // libsodium refuses to return the identity; the only way to reach it with a non-zero scalar is from the identity.
    multiply: (scalar, element) =>
      isZero(bytesOf(element))
        ? asElement(new Uint8Array(ELEMENT_BYTES))
        : asElement(sodium.scalarmult(bytesOf(scalar), bytesOf(element))),
    add: (a, b) => asElement(sodium.add(bytesOf(a), bytesOf(b))),
    isIdentity: (element) => isZero(bytesOf(element)),
    encodeElement: (element) => bytesOf(element).slice(),
    decodeElement(bytes) {
      if (bytes.length !== ELEMENT_BYTES)
        throw new ProtocolError('non-canonical-point', `ristretto255 element must be 32 bytes, got ${bytes.length}`);
      if (isZero(bytes)) throw new ProtocolError('identity-point', 'ristretto255 identity element is not accepted');
      // RFC 9496 decoding reads all 256 bits, so bit 255 set is a value ≥ p; libsodium before 1.0.19 ignores that bit.
      if (bytes[ELEMENT_BYTES - 1]! & 0x80 || !sodium.isValidPoint(bytes))
        throw new ProtocolError('non-canonical-point', 'bytes are not a canonical ristretto255 element');
      return asElement(bytes.slice());
    },
    randomScalar: () => asScalar(randomScalarBytes(ORDER, 32, true)),
    invertScalar: (scalar) => asScalar(sodium.scalarInvert(bytesOf(scalar))),
    isZeroScalar: (scalar) => isZero(bytesOf(scalar)),
    encodeScalar: (scalar) => bytesOf(scalar).slice(),
    decodeScalar(bytes) {
      if (bytes.length !== 32)
        throw new ProtocolError('scalar-out-of-range', `ristretto255 scalar must be 32 bytes, got ${bytes.length}`);
      if (bytesToNumberLE(bytes) >= ORDER)
        throw new ProtocolError('scalar-out-of-range', 'ristretto255 scalar is not below the group order');
      return asScalar(bytes.slice());
    },
  };
}

const loaded = new Map<SodiumBuild, Promise<PrimeOrderGroup & { readonly library: string }>>();

/**
 * The libsodium ristretto255 backend on the build asked for (by default `SCANLAB_SODIUM`, else the system library
 * where there is one); its `library` names the build, for run records.
 */
export function loadRistretto255Sodium(
  build: SodiumBuild = buildFromEnvironment(),
): Promise<PrimeOrderGroup & { readonly library: string }> {
  let group = loaded.get(build);
  if (!group) {
    group = sodiumBuild(build).then(buildSodiumGroup);
    group.catch(() => loaded.delete(build));
    loaded.set(build, group);
  }
  return group;
}
