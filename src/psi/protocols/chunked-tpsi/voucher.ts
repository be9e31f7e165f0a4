// A chunked-tpsi voucher: the photo's tpsi-ad payload (ad under the account key, the account's Shamir share, the DHF
// point) sealed under a per-photo key, and that key split k-of-m across the photo's m chunks. Chunk j carries an outer
// layer for its chunk value (two cuckoo slots, as a tpsi-ad voucher) guarding a key that opens share j. The server thus
// reconstructs the photo key, and counts the photo towards the account threshold t, only when ≥ k chunks equal some
// database chunk. A synthetic voucher opens exactly k chunks (slots with β = 0) and carries a synthetic payload.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Hash } from '../../../hash/types.js';
import type { GroupElement } from '../../group/group.js';
import { systemRandom, type RandomSource } from '../../random.js';
import { deriveKey, randomKey, sealOnce, sealWithNonce } from '../tpsi-ad/aead.js';
import { voucherCoordinates, type AccountSecrets, type UsedCoordinates } from '../tpsi-ad/account.js';
import { slotContext, voucherContext } from '../tpsi-ad/context.js';
import { cuckooPositions } from '../tpsi-ad/cuckoo.js';
import { dhfValues, syntheticDhfValues } from '../tpsi-ad/dhf.js';
import { sealSlot, tpsiHashToGroupDst } from '../tpsi-ad/outer-layer.js';
import { encodePayload, padAd, type VoucherPayload } from '../tpsi-ad/payload.js';
import { evaluatePolynomial, fieldElementToBytes, randomFieldElement, sharingPolynomial } from '../tpsi-ad/shamir.js';
import type { PublishedTable } from '../tpsi-ad/voucher.js';
import type { TpsiPhoto } from '../tpsi-ad/voucher.js';
import { chunkInputsOf } from '../fuzzy/hash-bits.js';
import type { FuzzyParams } from '../fuzzy/params.js';
import type { ChunkSlotPair, ChunkVoucher } from '../fuzzy/wire-format.js';

const PHOTO_KEY_INFO = utf8ToBytes('scanlab-chunked-tpsi photo key v1');
/** The associated-data index of a chunk's sealed share (slots use 0 and 1). */
export const SHARE_AD_INDEX = 2;

/** The key that seals a photo's payload, from the secret its chunk shares reconstruct. */
export const photoKeyOf = (secret: bigint): Uint8Array => deriveKey(fieldElementToBytes(secret), PHOTO_KEY_INFO);

/** The associated data of chunk j of a voucher: the voucher context ‖ 0xc0 ‖ j. */
export function chunkContext(context: Uint8Array, j: number): Uint8Array {
  const out = new Uint8Array(context.length + 2);
  out.set(context);
  out[context.length] = 0xc0;
  out[context.length + 1] = j;
  return out;
}

/** k distinct chunk indices of m, uniformly (the chunks a synthetic voucher opens). */
function randomSubset(m: number, k: number, random: RandomSource): Set<number> {
  const order = Array.from({ length: m }, (_, i) => i);
  const words = random.bytes(4 * m);
  for (let i = m - 1; i > 0; i--) {
    const j =
      (((words[4 * i]! << 24) | (words[4 * i + 1]! << 16) | (words[4 * i + 2]! << 8) | words[4 * i + 3]!) >>> 0) %
      (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return new Set(order.slice(0, k));
}

export interface ChunkVoucherInput {
  readonly table: PublishedTable;
  /** m and k. */
  readonly fuzzy: Pick<FuzzyParams, 'chunks' | 'minChunks'>;
  readonly secrets: AccountSecrets;
  readonly used: UsedCoordinates;
  readonly photo: TpsiPhoto;
  readonly hash: Hash;
  readonly synthetic: boolean;
  /** Keys, nonces, shares and slot order (the CSPRNG unless a run asks for deterministic keys). */
  readonly random?: RandomSource;
}

export function createChunkVoucher(v: ChunkVoucherInput): ChunkVoucher {
  const { table, secrets, photo, synthetic } = v;
  const { chunks: m, minChunks: k } = v.fuzzy;
  const random = v.random ?? systemRandom;
  const { group, data, generator } = table;
  const L = data.blindingKey;
  const context = voucherContext(group, photo.account, photo.id);
  const { shareX, dhfX } = voucherCoordinates(secrets.prfKey, photo.id, v.used);
  const payload: VoucherPayload = synthetic
    ? {
        adCiphertext: sealWithNonce(randomKey(random), padAd(new Uint8Array(0), data.adBytes), context, random),
        share: { x: shareX, y: randomFieldElement(random) },
        dhfX,
        dhfValues: syntheticDhfValues(data.dhfDimension, random),
      }
    : {
        adCiphertext: sealWithNonce(secrets.adKey, padAd(photo.ad, data.adBytes), context, random),
        share: { x: shareX, y: evaluatePolynomial(secrets.polynomial, shareX) },
        dhfX,
        dhfValues: dhfValues(secrets.dhf, dhfX),
      };
  const photoSecret = randomFieldElement(random);
  const polynomial = sharingPolynomial(photoSecret, k, random);
  const opening = synthetic ? randomSubset(m, k, random) : new Set<number>();
  const shut = (): [GroupElement, GroupElement] => [
    group.multiply(group.randomScalar(), generator),
    group.multiply(group.randomScalar(), generator),
  ];
  const chunks = chunkInputsOf(v.hash, m).map((input, j): ChunkSlotPair => {
    const ctx = chunkContext(context, j);
    const chunkKey = randomKey(random);
    let pairs: [GroupElement, GroupElement][];
    if (synthetic) {
      const a = group.randomScalar();
      pairs = opening.has(j) ? [[group.multiply(a, generator), group.multiply(a, L)], shut()] : [shut(), shut()];
    } else {
      const hx = group.hashToGroup(input, tpsiHashToGroupDst(group));
      pairs = cuckooPositions(data.cuckooSeed, data.tableSize, input).map((w) => {
        const beta = group.randomScalar();
        const gamma = group.randomScalar();
        return [
          group.add(group.multiply(beta, hx), group.multiply(gamma, generator)),
          group.add(group.multiply(beta, table.entry(w)), group.multiply(gamma, L)),
        ];
      });
    }
    if ((random.bytes(1)[0]! & 1) === 1) pairs.reverse();
    const [first, second] = pairs.map(([q, s], index) => sealSlot(group, q, s, chunkKey, slotContext(ctx, index)));
    const share = fieldElementToBytes(evaluatePolynomial(polynomial, BigInt(j + 1)));
    return { slots: [first!, second!], share: sealOnce(chunkKey, share, slotContext(ctx, SHARE_AD_INDEX)) };
  });
  return {
    account: photo.account,
    id: photo.id,
    chunks,
    payload: sealOnce(photoKeyOf(photoSecret), encodePayload(payload), context),
  };
}
