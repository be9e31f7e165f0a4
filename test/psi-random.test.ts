import { describe, it, expect } from 'vitest';
import { createHmacDrbg } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { reservedBytes, seededRandom, systemRandom } from '../src/psi/random.js';

/** Request i of a seeded stream as its definition reads, with noble's own HMAC-SHA256 (the oracle). */
function oracle(seed: number, label: string, counter: number, length: number): Uint8Array {
  const root = sha256(new TextEncoder().encode(`scanlab-psi-drbg-v1\u0000${label}\u0000${seed}`));
  const material = new Uint8Array(40);
  material.set(root);
  new DataView(material.buffer).setBigUint64(32, BigInt(counter));
  const drbg = createHmacDrbg<Uint8Array>(32, length, (k: Uint8Array, m: Uint8Array) => hmac(sha256, k, m));
  return drbg(material, (b) => b.slice(0, length));
}

describe('seeded PSI randomness', () => {
  it('answers request i with the HMAC-DRBG of root ‖ i, as computed with noble’s HMAC', () => {
    const s = seededRandom(5, 'simulation');
    for (const [i, length] of [32, 1, 70, 64].entries())
      expect(s.bytes(length)).toEqual(oracle(5, 'simulation', i, length));
  });

  it('reserved requests are answered anywhere as the stream would have answered them, and the stream skips them', () => {
    const a = seededRandom(9, 'x');
    const b = seededRandom(9, 'x');
    a.bytes(16);
    b.bytes(16);
    const reservation = a.reserve(5);
    const direct = Array.from({ length: 5 }, () => b.bytes(32));
    // Drawn out of order, as workers would.
    for (const i of [3, 0, 4, 1, 2]) expect(reservedBytes(reservation, i, 32)).toEqual(direct[i]);
    expect(a.bytes(8)).toEqual(b.bytes(8));
  });

  it('a reservation of the system source draws fresh CSPRNG bytes', () => {
    const reservation = systemRandom.reserve(2);
    expect(reservation).toEqual({ kind: 'system' });
    expect(reservedBytes(reservation, 0, 32)).not.toEqual(reservedBytes(reservation, 0, 32));
  });
});
