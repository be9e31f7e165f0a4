// The fast ristretto255 backend: libsodium (WebAssembly) for group and scalar arithmetic, noble for RFC 9380 hashing
// (over Node's native SHA-512).
import { createHash } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { ProtocolError } from '../errors.js';
import type { GroupElement, PrimeOrderGroup, Scalar } from './group.js';
import { randomScalarBytes } from './noble.js';

/** Elements and scalars are their 32-byte canonical encodings (scalars little-endian), as libsodium takes them. */
const asElement = (b: Uint8Array): GroupElement => b as unknown as GroupElement;
const asScalar = (b: Uint8Array): Scalar => b as unknown as Scalar;
const bytesOf = (x: GroupElement | Scalar): Uint8Array => x as unknown as Uint8Array;

const ORDER = ristretto255.Point.Fn.ORDER;
const ELEMENT_BYTES = 32;
const UNIFORM_BYTES = 64;

/** SHA-512 by Node's crypto with noble's `sha512` metadata: the same function for `expand_message_xmd`, cheaper. */
const nativeSha512: typeof sha512 = Object.assign((message: Uint8Array): Uint8Array => {
  const digest = createHash('sha512').update(message).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}, sha512);

const isZero = (b: Uint8Array): boolean => {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
};

/** The RFC 9496 one-way map (element derivation) from 64 uniform bytes, as libsodium computes it. */
export function ristretto255FromUniformBytes(uniform: Uint8Array): Uint8Array {
  return sodium.crypto_core_ristretto255_from_hash(uniform);
}

function buildSodiumGroup(): PrimeOrderGroup {
  return {
    name: 'ristretto255',
    backend: 'sodium',
    suite: 'ristretto255-SHA512',
    elementBytes: ELEMENT_BYTES,
    scalarBytes: 32,
    hash: nativeSha512,
    // hash_to_ristretto255 (RFC 9380 appendix B): 64 uniform bytes from expand_message_xmd, then the RFC 9496 one-way map.
    hashToGroup: (message, dst) =>
      asElement(ristretto255FromUniformBytes(expand_message_xmd(message, dst, UNIFORM_BYTES, nativeSha512))),
    hashToScalar: (message, dst) =>
      asScalar(ristretto255.Point.Fn.toBytes(ristretto255_hasher.hashToScalar(message, { DST: dst }))),
    // libsodium refuses to return the identity; the only way to reach it with a non-zero scalar is from the identity.
    multiply: (scalar, element) =>
      isZero(bytesOf(element))
        ? asElement(new Uint8Array(ELEMENT_BYTES))
        : asElement(sodium.crypto_scalarmult_ristretto255(bytesOf(scalar), bytesOf(element))),
    add: (a, b) => asElement(sodium.crypto_core_ristretto255_add(bytesOf(a), bytesOf(b))),
    isIdentity: (element) => isZero(bytesOf(element)),
    encodeElement: (element) => bytesOf(element).slice(),
    decodeElement(bytes) {
      if (bytes.length !== ELEMENT_BYTES)
        throw new ProtocolError('non-canonical-point', `ristretto255 element must be 32 bytes, got ${bytes.length}`);
      if (isZero(bytes)) throw new ProtocolError('identity-point', 'ristretto255 identity element is not accepted');
      if (!sodium.crypto_core_ristretto255_is_valid_point(bytes))
        throw new ProtocolError('non-canonical-point', 'bytes are not a canonical ristretto255 element');
      return asElement(bytes.slice());
    },
    randomScalar: () => asScalar(randomScalarBytes(ORDER, 32, true)),
    invertScalar: (scalar) => asScalar(sodium.crypto_core_ristretto255_scalar_invert(bytesOf(scalar))),
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

let loaded: Promise<PrimeOrderGroup> | undefined;

/** The libsodium ristretto255 backend, once its WebAssembly module has loaded. */
export function loadRistretto255Sodium(): Promise<PrimeOrderGroup> {
  loaded ??= sodium.ready.then(buildSodiumGroup);
  return loaded;
}
