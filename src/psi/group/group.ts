// The prime-order group interface that every PSI protocol is written against, with opaque element and scalar types.

export type GroupName = 'ristretto255' | 'p256';
export type BackendName = 'noble' | 'sodium';

declare const elementBrand: unique symbol;
declare const scalarBrand: unique symbol;

/** A group element in a backend's own representation; only the backend that made it may use it. */
export type GroupElement = { readonly [elementBrand]: true };
/** A scalar modulo the group order in a backend's own representation. */
export type Scalar = { readonly [scalarBrand]: true };

/**
 * A prime-order group with RFC 9380 hashing and RFC 9497 serialisation. Decoding validates: a point must be the
 * canonical encoding of a non-identity element, a scalar must lie in [0, order); failures are `ProtocolError`s.
 */
export interface PrimeOrderGroup {
  readonly name: GroupName;
  readonly backend: BackendName;
  /** The RFC 9497 ciphersuite identifier, e.g. `ristretto255-SHA512`. */
  readonly suite: string;
  /** Bytes of an encoded element (RFC 9497 Ne). */
  readonly elementBytes: number;
  /** Bytes of an encoded scalar (RFC 9497 Ns). */
  readonly scalarBytes: number;
  /** The suite's hash function (SHA-512 or SHA-256). */
  hash(message: Uint8Array): Uint8Array;
  /** RFC 9380 hash_to_curve (random-oracle variant) with domain separation tag `dst`. */
  hashToGroup(message: Uint8Array, dst: Uint8Array): GroupElement;
  /** RFC 9380 hash_to_field into the scalar field with tag `dst`. */
  hashToScalar(message: Uint8Array, dst: Uint8Array): Scalar;
  multiply(scalar: Scalar, element: GroupElement): GroupElement;
  add(a: GroupElement, b: GroupElement): GroupElement;
  isIdentity(element: GroupElement): boolean;
  encodeElement(element: GroupElement): Uint8Array;
  decodeElement(bytes: Uint8Array): GroupElement;
  /** A uniformly random non-zero scalar. */
  randomScalar(): Scalar;
  invertScalar(scalar: Scalar): Scalar;
  isZeroScalar(scalar: Scalar): boolean;
  encodeScalar(scalar: Scalar): Uint8Array;
  decodeScalar(bytes: Uint8Array): Scalar;
}
