// The client's voucher for (photo hash x, voucher id, ad): the payload (ad under the account key, a Shamir share of the
// account key, the DHF point) under a fresh key rkey, and rkey under each cuckoo position's outer layer. A synthetic
// voucher carries a random share, random DHF values and no ad, and opens at exactly one of its two slots, as a real
// match does; the two slots are sent in random order.
import { randomBytes } from '@noble/hashes/utils.js';
import type { GroupElement, PrimeOrderGroup } from '../../group/group.js';
import { randomKey, sealOnce, sealWithNonce } from './aead.js';
import { voucherCoordinates, type AccountSecrets } from './account.js';
import { cuckooPositions } from './cuckoo.js';
import { dhfValues, syntheticDhfValues } from './dhf.js';
import { TPSI_HASH_TO_GROUP_DST, sealSlot, tpsiGenerator } from './outer-layer.js';
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
      const n = this.group.elementBytes;
      e = this.group.decodeElement(this.data.table.subarray(w * n, (w + 1) * n));
      this.decoded.set(w, e);
    }
    return e;
  }
}

function realSlots(table: PublishedTable, input: Uint8Array, voucherKey: Uint8Array): TpsiVoucherSlot[] {
  const { group, data, generator } = table;
  const hx = group.hashToGroup(input, TPSI_HASH_TO_GROUP_DST);
  return cuckooPositions(data.cuckooSeed, data.tableSize, input).map((w) => {
    const beta = group.randomScalar();
    const gamma = group.randomScalar();
    const q = group.add(group.multiply(beta, hx), group.multiply(gamma, generator));
    const s = group.add(group.multiply(beta, table.entry(w)), group.multiply(gamma, data.blindingKey));
    return sealSlot(group, q, s, voucherKey);
  });
}

/** One slot with β = 0 (Q = γ·G, S = γ·L = α·Q, so it opens) and one with an unrelated random pair. */
function syntheticSlots(table: PublishedTable, voucherKey: Uint8Array): TpsiVoucherSlot[] {
  const { group, data, generator } = table;
  const gamma = group.randomScalar();
  const opening = sealSlot(
    group,
    group.multiply(gamma, generator),
    group.multiply(gamma, data.blindingKey),
    voucherKey,
  );
  const shut = sealSlot(
    group,
    group.multiply(group.randomScalar(), generator),
    group.multiply(group.randomScalar(), generator),
    voucherKey,
  );
  return [opening, shut];
}

export function createVoucher(
  table: PublishedTable,
  secrets: AccountSecrets,
  photo: TpsiPhoto,
  synthetic: boolean,
): TpsiVoucher {
  const { adBytes, dhfDimension } = table.data;
  const { shareX, dhfX } = voucherCoordinates(secrets.prfKey, photo.id);
  const payload: VoucherPayload = synthetic
    ? {
        adCiphertext: sealWithNonce(randomKey(), padAd(new Uint8Array(0), adBytes)),
        share: { x: shareX, y: randomFieldElement() },
        dhfX,
        dhfValues: syntheticDhfValues(dhfDimension),
      }
    : {
        adCiphertext: sealWithNonce(secrets.adKey, padAd(photo.ad, adBytes)),
        share: { x: shareX, y: evaluatePolynomial(secrets.polynomial, shareX) },
        dhfX,
        dhfValues: dhfValues(secrets.dhf, dhfX),
      };
  const voucherKey = randomKey();
  const slots = synthetic ? syntheticSlots(table, voucherKey) : realSlots(table, photo.input, voucherKey);
  const [a, b] = (randomBytes(1)[0]! & 1) === 1 ? [slots[1]!, slots[0]!] : [slots[0]!, slots[1]!];
  return { account: photo.account, id: photo.id, slots: [a, b], payload: sealOnce(voucherKey, encodePayload(payload)) };
}
