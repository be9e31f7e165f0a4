// The pure-JavaScript backends: ristretto255 and P-256 from @noble/curves, hashing per RFC 9380.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { mapHashToField } from '@noble/curves/abstract/modular.js';
import type { IField } from '@noble/curves/abstract/modular.js';
import { bytesToNumberBE, bytesToNumberLE, equalBytes, randomBytes } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ProtocolError } from '../errors.js';
import type { GroupElement, GroupName, PrimeOrderGroup, Scalar } from './group.js';

/** What a noble point class offers that the adapter needs. */
interface NoblePoint<P> {
  multiply(scalar: bigint): P;
  add(other: P): P;
  is0(): boolean;
  toBytes(compressed?: boolean): Uint8Array;
}

interface NobleSuite<P extends NoblePoint<P>> {
  readonly name: GroupName;
  readonly suite: string;
  readonly elementBytes: number;
  readonly Fn: IField<bigint>;
  readonly hash: (message: Uint8Array) => Uint8Array;
  readonly fromBytes: (bytes: Uint8Array) => P;
  readonly hashToCurve: (message: Uint8Array, options: { DST: Uint8Array }) => P;
  readonly hashToScalar: (message: Uint8Array, options: { DST: Uint8Array }) => bigint;
}

const asElement = <P>(p: P): GroupElement => p as unknown as GroupElement;
const asScalar = (s: bigint): Scalar => s as unknown as Scalar;
const scalarOf = (s: Scalar): bigint => s as unknown as bigint;

/** Random non-zero scalar: 16 extra random bytes reduced modulo the order (FIPS 186-5 A.4.1 via noble). */
export function randomScalarBytes(order: bigint, bytes: number, littleEndian: boolean): Uint8Array {
  return mapHashToField(randomBytes(bytes + 16), order, littleEndian);
}

function nobleGroup<P extends NoblePoint<P>>(s: NobleSuite<P>): PrimeOrderGroup {
  const pointOf = (e: GroupElement): P => e as unknown as P;
  const { Fn } = s;
  const toNumber = Fn.isLE ? bytesToNumberLE : bytesToNumberBE;
  return {
    name: s.name,
    backend: 'noble',
    suite: s.suite,
    elementBytes: s.elementBytes,
    scalarBytes: Fn.BYTES,
    hash: s.hash,
    hashToGroup: (message, dst) => asElement(s.hashToCurve(message, { DST: dst })),
    hashToScalar: (message, dst) => asScalar(s.hashToScalar(message, { DST: dst })),
    multiply: (scalar, element) => asElement(pointOf(element).multiply(scalarOf(scalar))),
    add: (a, b) => asElement(pointOf(a).add(pointOf(b))),
    isIdentity: (element) => pointOf(element).is0(),
    encodeElement: (element) => pointOf(element).toBytes(true),
    decodeElement(bytes) {
      if (bytes.length !== s.elementBytes)
        throw new ProtocolError(
          'non-canonical-point',
          `${s.name} element must be ${s.elementBytes} bytes, got ${bytes.length}`,
        );
      let point: P;
      try {
        point = s.fromBytes(bytes);
      } catch {
        throw new ProtocolError('non-canonical-point', `bytes are not a canonical ${s.name} element`);
      }
      if (point.is0()) throw new ProtocolError('identity-point', `${s.name} identity element is not accepted`);
      if (!equalBytes(point.toBytes(true), bytes))
        throw new ProtocolError('non-canonical-point', `bytes are not a canonical ${s.name} element`);
      return asElement(point);
    },
    randomScalar: () => asScalar(toNumber(randomScalarBytes(Fn.ORDER, Fn.BYTES, Fn.isLE))),
    invertScalar: (scalar) => asScalar(Fn.inv(scalarOf(scalar))),
    isZeroScalar: (scalar) => scalarOf(scalar) === 0n,
    encodeScalar: (scalar) => Fn.toBytes(scalarOf(scalar)),
    decodeScalar(bytes) {
      if (bytes.length !== Fn.BYTES)
        throw new ProtocolError(
          'scalar-out-of-range',
          `${s.name} scalar must be ${Fn.BYTES} bytes, got ${bytes.length}`,
        );
      const n = toNumber(bytes);
      if (n >= Fn.ORDER)
        throw new ProtocolError('scalar-out-of-range', `${s.name} scalar is not below the group order`);
      return asScalar(n);
    },
  };
}

/** ristretto255 (RFC 9496) with hash_to_ristretto255 (RFC 9380, XMD:SHA-512); suite ristretto255-SHA512. */
export const ristretto255Noble: PrimeOrderGroup = nobleGroup({
  name: 'ristretto255',
  suite: 'ristretto255-SHA512',
  elementBytes: 32,
  Fn: ristretto255.Point.Fn,
  hash: sha512,
  fromBytes: (bytes) => ristretto255.Point.fromBytes(bytes),
  hashToCurve: ristretto255_hasher.hashToCurve,
  hashToScalar: ristretto255_hasher.hashToScalar,
});

/** NIST P-256 with P256_XMD:SHA-256_SSWU_RO_ (RFC 9380), compressed encodings; suite P256-SHA256. */
export const p256Noble: PrimeOrderGroup = nobleGroup({
  name: 'p256',
  suite: 'P256-SHA256',
  elementBytes: 33,
  Fn: p256.Point.Fn,
  hash: sha256,
  fromBytes: (bytes) => p256.Point.fromBytes(bytes),
  hashToCurve: p256_hasher.hashToCurve,
  hashToScalar: p256_hasher.hashToScalar,
});
