// The libsodium operations scanlab uses (the sodium backend's ristretto255 arithmetic, and HMAC-SHA256 for the seeded
// streams), as either build of libsodium provides them.

/** libsodium's ristretto255 functions on 32-byte encodings (64 uniform bytes for `fromHash`); failures throw. */
export interface SodiumRistretto {
  /** Which libsodium this is, for run records: its version and build. */
  readonly library: string;
  /** crypto_core_ristretto255_from_hash: the RFC 9496 one-way map. */
  fromHash(uniform: Uint8Array): Uint8Array;
  /** crypto_scalarmult_ristretto255; throws where the result would be the identity. */
  scalarmult(scalar: Uint8Array, element: Uint8Array): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  isValidPoint(element: Uint8Array): boolean;
  scalarInvert(scalar: Uint8Array): Uint8Array;
  /** crypto_auth_hmacsha256: HMAC-SHA256 (RFC 2104) under a 32-byte key. */
  hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array;
}
