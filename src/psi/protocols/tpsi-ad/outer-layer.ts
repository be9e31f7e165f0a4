// The outer layer of a voucher, after the DH random self-reduction of the Apple PSI design: for a cuckoo position w the
// client sends Q = β·H(x) + γ·G and encrypts the voucher key rkey under HKDF(S), S = β·T[w] + γ·L. When T[w] = α·H(x)
// then S = α·Q and the server, holding α, opens it; otherwise (Q, S) is a uniformly random pair and the slot stays shut.
import type { GroupElement, PrimeOrderGroup, Scalar } from '../../group/group.js';
import { deriveKey, openOnce, sealOnce } from './aead.js';
import type { TpsiVoucherSlot } from './wire-format.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Domain separation tag for hashing photo and database hashes into the group. */
export const TPSI_HASH_TO_GROUP_DST = utf8('scanlab-tpsi-ad-v1');
const GENERATOR_DST = utf8('scanlab-tpsi-ad-generator-v1');
const OUTER_KEY_INFO = utf8('scanlab-tpsi-ad outer key v1');

/**
 * The protocol's generator G: a fixed element hashed to the group (any non-identity element of a prime-order group
 * generates it; hashing makes its discrete logarithm unknown to everyone).
 */
export const tpsiGenerator = (group: PrimeOrderGroup): GroupElement => group.hashToGroup(utf8('G'), GENERATOR_DST);

/** The key that encrypts rkey in a slot: HKDF-SHA256 of S, bound to Q. */
function slotKey(group: PrimeOrderGroup, q: GroupElement, s: GroupElement): Uint8Array {
  const encodedQ = group.encodeElement(q);
  const info = new Uint8Array(OUTER_KEY_INFO.length + encodedQ.length);
  info.set(OUTER_KEY_INFO);
  info.set(encodedQ, OUTER_KEY_INFO.length);
  return deriveKey(group.encodeElement(s), info);
}

export function sealSlot(
  group: PrimeOrderGroup,
  q: GroupElement,
  s: GroupElement,
  voucherKey: Uint8Array,
): TpsiVoucherSlot {
  return { q, ciphertext: sealOnce(slotKey(group, q, s), voucherKey) };
}

/** The server's attempt: rkey when the slot opens under α·Q, undefined otherwise. */
export function openSlot(group: PrimeOrderGroup, alpha: Scalar, slot: TpsiVoucherSlot): Uint8Array | undefined {
  return openOnce(slotKey(group, slot.q, group.multiply(alpha, slot.q)), slot.ciphertext);
}
