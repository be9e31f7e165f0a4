// The outer layer of a voucher, after the DH random self-reduction of the Apple PSI design: for a cuckoo position w the
// client sends Q = β·H(x) + γ·G and encrypts the voucher key rkey under HKDF(S), S = β·T[w] + γ·L. When T[w] = α·H(x)
// then S = α·Q and the server, holding α, opens it; otherwise (Q, S) is a uniformly random pair and the slot stays shut.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { GroupElement, PrimeOrderGroup, Scalar } from '../../group/group.js';
import { deriveKey, openOnce, sealOnce } from './aead.js';
import type { TpsiVoucherSlot } from './wire-format.js';

const OUTER_KEY_INFO = utf8ToBytes('scanlab-tpsi-ad outer key v2');

/**
 * A domain separation tag naming the protocol, its purpose and the suite (RFC 9380 §3.1: tags must separate uses
 * across curves too), e.g. `scanlab-tpsi-ad-v1-ristretto255-SHA512`.
 */
export const tpsiDst = (purpose: string, group: PrimeOrderGroup): Uint8Array =>
  utf8ToBytes(`scanlab-tpsi-ad-${purpose}v1-${group.suite}`);

/** The tag for hashing photo and database hashes into the group. */
export const tpsiHashToGroupDst = (group: PrimeOrderGroup): Uint8Array => tpsiDst('', group);

/**
 * The protocol's generator G: a fixed element hashed to the group (any non-identity element of a prime-order group
 * generates it; hashing makes its discrete logarithm unknown to everyone).
 */
export const tpsiGenerator = (group: PrimeOrderGroup): GroupElement =>
  group.hashToGroup(utf8ToBytes('G'), tpsiDst('generator-', group));

/** The key that encrypts rkey in a slot: HKDF-SHA256 of S, bound to the suite and to Q. */
function slotKey(group: PrimeOrderGroup, q: GroupElement, s: GroupElement): Uint8Array {
  const encodedQ = group.encodeElement(q);
  const suite = utf8ToBytes(group.suite);
  const info = new Uint8Array(OUTER_KEY_INFO.length + suite.length + 1 + encodedQ.length);
  info.set(OUTER_KEY_INFO);
  info.set(suite, OUTER_KEY_INFO.length);
  info.set(encodedQ, OUTER_KEY_INFO.length + suite.length + 1);
  return deriveKey(group.encodeElement(s), info);
}

/** Seals rkey for one slot; `ad` is the slot's context (voucher context ‖ slot index). */
export function sealSlot(
  group: PrimeOrderGroup,
  q: GroupElement,
  s: GroupElement,
  voucherKey: Uint8Array,
  ad: Uint8Array,
): TpsiVoucherSlot {
  return { q, ciphertext: sealOnce(slotKey(group, q, s), voucherKey, ad) };
}

/** The server's attempt: rkey when the slot opens under α·Q with this context, undefined otherwise. */
export function openSlot(
  group: PrimeOrderGroup,
  alpha: Scalar,
  slot: TpsiVoucherSlot,
  ad: Uint8Array,
): Uint8Array | undefined {
  return openOnce(slotKey(group, slot.q, group.multiply(alpha, slot.q)), slot.ciphertext, ad);
}
