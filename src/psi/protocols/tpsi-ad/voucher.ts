// The client's voucher for (photo hash x, voucher id, ad): the payload (ad under the account key, a Shamir share of the
// account key, the DHF point) under a fresh key rkey, and rkey under each cuckoo position's outer layer. A synthetic
// voucher carries a random share, random DHF values and no ad, and opens at exactly one of its two slots, as a real
// match does; the two slots are sent in random order. Both kinds cost the same group work (one hash to the group,
// eight multiplications, four additions, two table entries), so the time a voucher takes does not tell them apart.
import { bytesToHex } from '@noble/curves/utils.js';
import { ProtocolError } from '../../errors.js';
import type { GroupElement, PrimeOrderGroup } from '../../group/group.js';
import { systemRandom, type RandomSource } from '../../random.js';
import { randomKey, sealOnce, sealWithNonce } from './aead.js';
import { noCoordinatesUsed, voucherCoordinates, type AccountSecrets, type UsedCoordinates } from './account.js';
import { slotContext, voucherContext } from './context.js';
import { cuckooPositions } from './cuckoo.js';
import { dhfValues, syntheticDhfValues } from './dhf.js';
import { sealSlot, tpsiGenerator, tpsiHashToGroupDst } from './outer-layer.js';
import { encodePayload, padAd, type VoucherPayload } from './payload.js';
import { evaluatePolynomial, randomFieldElement } from './shamir.js';
import type { TpsiPublicData, TpsiVoucher, TpsiVoucherSlot } from './wire-format.js';

/** One photo of one account: its hash as PSI input, a voucher id (random, not secret) and the data to reveal on a match. */
export interface TpsiPhoto {
  readonly account: number;
  readonly input: Uint8Array;
  readonly id: Uint8Array;
  readonly ad: Uint8Array;
}

/**
 * The first pair of equal entries of an encoded table (n-byte elements), or null. Encodings are canonical, so equal
 * elements have equal bytes; entries are bucketed by 31 bits of their encoding, sorted, and equal buckets compared in full.
 */
export function findDuplicateEntry(table: Uint8Array, elementBytes: number): [number, number] | null {
  const count = table.length / elementBytes;
  // The bytes after the first (P-256's first byte is only the sign of y).
  const keyAt = (i: number): number => {
    const at = i * elementBytes + 1;
    return ((table[at]! << 23) | (table[at + 1]! << 15) | (table[at + 2]! << 7) | (table[at + 3]! >>> 1)) >>> 0;
  };
  const keyed = new Float64Array(count);
  for (let i = 0; i < count; i++) keyed[i] = keyAt(i) * 2 ** 22 + i;
  keyed.sort();
  const indexOf = (v: number): number => v % 2 ** 22;
  const bucketOf = (v: number): number => Math.floor(v / 2 ** 22);
  for (let start = 0; start < count;) {
    let end = start + 1;
    while (end < count && bucketOf(keyed[end]!) === bucketOf(keyed[start]!)) end++;
    if (end - start > 1) {
      const seen = new Map<string, number>();
      for (let j = start; j < end; j++) {
        const i = indexOf(keyed[j]!);
        const hex = bytesToHex(table.subarray(i * elementBytes, (i + 1) * elementBytes));
        const other = seen.get(hex);
        if (other !== undefined) return [Math.min(other, i), Math.max(other, i)];
        seen.set(hex, i);
      }
    }
    start = end;
  }
  return null;
}

/** The published data as a client uses it: the generator, and table entries decoded and checked on first use. */
export class PublishedTable {
  readonly generator: GroupElement;
  private readonly decoded = new Map<number, GroupElement>();

  constructor(
    readonly group: PrimeOrderGroup,
    readonly data: TpsiPublicData,
  ) {
    this.generator = tpsiGenerator(group);
  }

  entry(w: number): GroupElement {
    let e = this.decoded.get(w);
    if (!e) {
      e = this.group.decodeElement(this.encodedEntry(w));
      this.decoded.set(w, e);
    }
    return e;
  }

  encodedEntry(w: number): Uint8Array {
    const n = this.group.elementBytes;
    return this.data.table.subarray(w * n, (w + 1) * n);
  }
}

/** How a client makes vouchers: its randomness (secrets from the CSPRNG unless a run asks for deterministic keys). */
export interface VoucherOptions {
  readonly random?: RandomSource;
  /** The account's used points, so that no two of its vouchers share a share x or DHF x. */
  readonly used?: UsedCoordinates;
}

/**
 * The two slots of a voucher at the photo's cuckoo positions (w1, w2), in wire order, with the same group work for
 * real and synthetic vouchers. Real: slot i holds Q = β_i·H(x) + γ_i·G, S = β_i·T[w_i] + γ_i·L. Synthetic: one slot
 * Q = a·G + e·G, S = a·L + e·L = α·Q (opens); the other Q = c·H(x) + d·G, S = e·T[w] + d·L, a uniformly random pair
 * (α·Q − S = c·α·H(x) − e·T[w], with e hidden in the first slot by a).
 */
function voucherSlots(
  table: PublishedTable,
  input: Uint8Array,
  synthetic: boolean,
  voucherKey: Uint8Array,
  context: Uint8Array,
  random: RandomSource,
): [TpsiVoucherSlot, TpsiVoucherSlot] {
  const { group, data, generator } = table;
  const L = data.blindingKey;
  const positions = cuckooPositions(data.cuckooSeed, data.tableSize, input);
  const entries = positions.map((w) => table.entry(w));
  if (bytesToHex(table.encodedEntry(positions[0])) === bytesToHex(table.encodedEntry(positions[1])))
    throw new ProtocolError('duplicate-element', `table entries ${positions[0]} and ${positions[1]} are equal`);
  const hx = group.hashToGroup(input, tpsiHashToGroupDst(group));
  const swap = (random.bytes(1)[0]! & 1) === 1;
  const pairs: [GroupElement, GroupElement][] = [];
  if (synthetic) {
    const [a, e, c, d] = [group.randomScalar(), group.randomScalar(), group.randomScalar(), group.randomScalar()];
    pairs.push([
      group.add(group.multiply(a, generator), group.multiply(e, generator)),
      group.add(group.multiply(a, L), group.multiply(e, L)),
    ]);
    pairs.push([
      group.add(group.multiply(c, hx), group.multiply(d, generator)),
      group.add(group.multiply(e, entries[1]!), group.multiply(d, L)),
    ]);
  } else {
    for (const entry of entries) {
      const beta = group.randomScalar();
      const gamma = group.randomScalar();
      pairs.push([
        group.add(group.multiply(beta, hx), group.multiply(gamma, generator)),
        group.add(group.multiply(beta, entry), group.multiply(gamma, L)),
      ]);
    }
  }
  const ordered = swap ? [pairs[1]!, pairs[0]!] : [pairs[0]!, pairs[1]!];
  const [first, second] = ordered.map(([q, s], index) =>
    sealSlot(group, q, s, voucherKey, slotContext(context, index)),
  );
  return [first!, second!];
}

export function createVoucher(
  table: PublishedTable,
  secrets: AccountSecrets,
  photo: TpsiPhoto,
  synthetic: boolean,
  options: VoucherOptions = {},
): TpsiVoucher {
  const random = options.random ?? systemRandom;
  const { adBytes, dhfDimension } = table.data;
  const context = voucherContext(table.group, photo.account, photo.id);
  const { shareX, dhfX } = voucherCoordinates(secrets.prfKey, photo.id, options.used ?? noCoordinatesUsed());
  // Both kinds compute the real values, so that the payload too costs the same; a synthetic voucher then replaces them.
  const realY = evaluatePolynomial(secrets.polynomial, shareX);
  const realDhf = dhfValues(secrets.dhf, dhfX);
  const payload: VoucherPayload = synthetic
    ? {
        adCiphertext: sealWithNonce(randomKey(random), padAd(new Uint8Array(0), adBytes), context, random),
        share: { x: shareX, y: randomFieldElement(random) },
        dhfX,
        dhfValues: syntheticDhfValues(dhfDimension, random),
      }
    : {
        adCiphertext: sealWithNonce(secrets.adKey, padAd(photo.ad, adBytes), context, random),
        share: { x: shareX, y: realY },
        dhfX,
        dhfValues: realDhf,
      };
  const voucherKey = randomKey(random);
  const slots = voucherSlots(table, photo.input, synthetic, voucherKey, context, random);
  return {
    account: photo.account,
    id: photo.id,
    slots,
    payload: sealOnce(voucherKey, encodePayload(payload), context),
  };
}
