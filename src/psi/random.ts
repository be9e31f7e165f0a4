// Where a PSI run's random bytes come from: the system CSPRNG for secrets, and seeded HMAC-DRBG streams (NIST SP 800-90A,
// noble's implementation over the system libsodium's HMAC-SHA256, else Node's) for the simulation's choices and — only
// when a run asks for deterministic keys — its secrets.
import { createHmac } from 'node:crypto';
import { createHmacDrbg } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { PrimeOrderGroup } from './group/group.js';
import { buildFromEnvironment, nativeFor } from './group/sodium-build.js';

/** A source of uniformly random bytes. */
export interface RandomSource {
  /** True for a seeded stream: anyone who knows the seed knows every byte. Never for deployment secrets. */
  readonly seeded: boolean;
  bytes(length: number): Uint8Array;
  /**
   * Skips the next `count` requests (each asking for at least one byte) and says how to answer them elsewhere, e.g.
   * in worker threads: `reservedBytes(r, i, n)` is what the i-th of them would have been answered with.
   */
  reserve(count: number): RandomReservation;
}

/** Requests set aside by `RandomSource.reserve`; plain data, so it can be posted to a worker thread. */
export type RandomReservation =
  { readonly kind: 'system' } | { readonly kind: 'seeded'; readonly root: Uint8Array; readonly first: number };

/** The system CSPRNG (crypto.getRandomValues through noble). */
export const systemRandom: RandomSource = {
  seeded: false,
  bytes: (length) => randomBytes(length),
  reserve: () => ({ kind: 'system' }),
};

/** HMAC-SHA256 by Node's crypto (the same function as noble's `hmac(sha256, …)`, at a fraction of the cost). */
function nodeHmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const mac = createHmac('sha256', key).update(message).digest();
  return new Uint8Array(mac.buffer, mac.byteOffset, mac.length);
}

/**
 * HMAC-SHA256 for the DRBG, whose key is always 32 bytes: the system libsodium's where the sodium backend would use
 * that library (SCANLAB_SODIUM), about 1.5× cheaper than Node's per call; Node's otherwise. The same function either way.
 */
function drbgHmac(): (key: Uint8Array, message: Uint8Array) => Uint8Array {
  return nativeFor(buildFromEnvironment())?.hmacSha256 ?? nodeHmacSha256;
}

/** Request `counter` of the seeded stream with this root: a fresh HMAC-DRBG instantiated with root ‖ counter. */
function seededRequest(root: Uint8Array, counter: number, length: number): Uint8Array {
  const material = new Uint8Array(root.length + 8);
  material.set(root);
  new DataView(material.buffer).setBigUint64(root.length, BigInt(counter));
  const drbg = createHmacDrbg<Uint8Array>(32, length, drbgHmac());
  return drbg(material, (b) => b.slice(0, length));
}

/**
 * A reproducible stream for `(seed, label)`: request i is answered by a fresh HMAC-DRBG (SHA-256) instantiated with
 * SHA-256("scanlab-psi-drbg-v1" ‖ label ‖ seed) ‖ i (8 bytes, big-endian). Different labels give independent streams.
 */
export function seededRandom(seed: number | string, label: string): RandomSource {
  const root = sha256(utf8ToBytes(`scanlab-psi-drbg-v1\u0000${label}\u0000${String(seed)}`));
  let counter = 0;
  return {
    seeded: true,
    bytes: (length) => (length === 0 ? new Uint8Array(0) : seededRequest(root, counter++, length)),
    reserve(count) {
      const reservation = { kind: 'seeded', root, first: counter } as const;
      counter += count;
      return reservation;
    },
  };
}

/** The answer to request `index` (from 0) of a reservation, `length` (≥ 1) bytes: the same wherever it is drawn. */
export function reservedBytes(reservation: RandomReservation, index: number, length: number): Uint8Array {
  return reservation.kind === 'system'
    ? randomBytes(length)
    : seededRequest(reservation.root, reservation.first + index, length);
}

/** The two streams of a run: secrets (keys, blinds, nonces) and the simulation's choices (ids, synthetic draws, fill). */
export interface PsiRandomness {
  readonly secret: RandomSource;
  readonly simulation: RandomSource;
}

/** CSPRNG for everything: what a library caller gets by default. */
export const SYSTEM_RANDOMNESS: PsiRandomness = { secret: systemRandom, simulation: systemRandom };

/**
 * A run's randomness from its seed: the simulation always follows the seed; secrets follow it only with
 * `deterministicKeys` (for reproducing a run exactly; not for deployment), and come from the CSPRNG otherwise.
 */
export const runRandomness = (seed: number, deterministicKeys: boolean): PsiRandomness => ({
  simulation: seededRandom(seed, 'simulation'),
  secret: deterministicKeys ? seededRandom(seed, 'secrets (not for deployment)') : systemRandom,
});

/** A uniform number in [0, 1) from 53 random bits. */
export function randomUnit(source: RandomSource): number {
  const b = source.bytes(7);
  let v = b[0]! & 0x1f;
  for (let i = 1; i < 7; i++) v = v * 256 + b[i]!;
  return v / 2 ** 53;
}

/** A uniform integer in [0, n) by rejection (n ≤ 2^32). */
export function randomIndex(source: RandomSource, n: number): number {
  const limit = Math.floor(2 ** 32 / n) * n;
  for (;;) {
    const b = source.bytes(4);
    const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (v < limit) return v % n;
  }
}

const SCALAR_DST = utf8ToBytes('scanlab-psi-seeded-scalar-v1');

/**
 * The group with its random scalars drawn from `source` (hash_to_field of 64 fresh bytes, non-zero); the group
 * itself, with its backend's CSPRNG, for the system source.
 */
export function groupWithRandom(group: PrimeOrderGroup, source: RandomSource): PrimeOrderGroup {
  if (source === systemRandom) return group;
  const dst = new Uint8Array([...SCALAR_DST, ...utf8ToBytes(group.suite)]);
  return {
    ...group,
    randomScalar() {
      for (;;) {
        const s = group.hashToScalar(source.bytes(64), dst);
        if (!group.isZeroScalar(s)) return s;
      }
    },
  };
}
