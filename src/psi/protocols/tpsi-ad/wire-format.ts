// The bodies of the two tpsi-ad messages (after version, type and group id, which `wire.ts` handles): the server's
// published data and a client's voucher, with strict readers that fail only as ProtocolErrors.
import { ProtocolError } from '../../errors.js';
import type { GroupElement, PrimeOrderGroup } from '../../group/group.js';
import type { ByteReader, ByteWriter } from '../../wire-bytes.js';
import { KEY_BYTES, TAG_BYTES } from './aead.js';
import { CUCKOO_SEED_BYTES } from './cuckoo.js';
import { DHF_SLACK } from './dhf.js';

export const VOUCHER_ID_BYTES = 16;
/** An outer-layer ciphertext: the 32-byte voucher key rkey and its tag. */
export const SLOT_CIPHERTEXT_BYTES = KEY_BYTES + TAG_BYTES;
export const MAX_THRESHOLD = 4096;
export const MAX_DHF_DIMENSION = 4096;
export const MAX_AD_BYTES = 4096;

/** What the server publishes once: system parameters, the cuckoo seed, L = α·G and the blinded table. */
export interface TpsiPublicData {
  readonly threshold: number;
  readonly dhfDimension: number;
  readonly adBytes: number;
  readonly cuckooSeed: Uint8Array;
  readonly tableSize: number;
  readonly blindingKey: GroupElement;
  /** The table as sent, tableSize encoded elements; a client decodes and checks each entry when it first uses it. */
  readonly table: Uint8Array;
}

export interface TpsiVoucherSlot {
  readonly q: GroupElement;
  readonly ciphertext: Uint8Array;
}

/** One photo's voucher: an outer-layer pair per cuckoo position (in random order) and the encrypted payload. */
export interface TpsiVoucher {
  readonly account: number;
  readonly id: Uint8Array;
  readonly slots: readonly [TpsiVoucherSlot, TpsiVoucherSlot];
  readonly payload: Uint8Array;
}

export const publicDataBodyBytes = (group: PrimeOrderGroup, d: TpsiPublicData): number =>
  10 + CUCKOO_SEED_BYTES + group.elementBytes + d.table.length;

export function writePublicData(w: ByteWriter, group: PrimeOrderGroup, d: TpsiPublicData): void {
  w.u16(d.threshold)
    .u16(d.dhfDimension)
    .u16(d.adBytes)
    .bytes(d.cuckooSeed)
    .u32(d.tableSize)
    .bytes(group.encodeElement(d.blindingKey))
    .bytes(d.table);
}

export function readPublicData(r: ByteReader, group: PrimeOrderGroup, maxTableSize: number): TpsiPublicData {
  const threshold = r.u16('threshold');
  const dhfDimension = r.u16('DHF dimension');
  const adBytes = r.u16('ad size');
  const cuckooSeed = r.take(CUCKOO_SEED_BYTES, 'cuckoo seed').slice();
  const tableSize = r.u32('table size');
  if (threshold < 1 || threshold > MAX_THRESHOLD)
    throw new ProtocolError('invalid-field', `threshold ${threshold} outside 1..${MAX_THRESHOLD}`);
  if (dhfDimension <= DHF_SLACK || dhfDimension > MAX_DHF_DIMENSION)
    throw new ProtocolError(
      'invalid-field',
      `DHF dimension ${dhfDimension} outside ${DHF_SLACK + 1}..${MAX_DHF_DIMENSION}`,
    );
  if (adBytes > MAX_AD_BYTES) throw new ProtocolError('invalid-field', `ad size ${adBytes} above ${MAX_AD_BYTES}`);
  if (tableSize < 2) throw new ProtocolError('invalid-field', `cuckoo table of ${tableSize} slots (at least 2)`);
  if (tableSize > maxTableSize)
    throw new ProtocolError('oversized', `cuckoo table of ${tableSize} slots exceeds the limit of ${maxTableSize}`);
  const blindingKey = group.decodeElement(r.take(group.elementBytes, 'blinding key'));
  if (r.remaining !== tableSize * group.elementBytes) {
    throw new ProtocolError(
      'wrong-count',
      `table of ${tableSize} elements needs ${tableSize * group.elementBytes} bytes but ${r.remaining} follow`,
    );
  }
  return {
    threshold,
    dhfDimension,
    adBytes,
    cuckooSeed,
    tableSize,
    blindingKey,
    table: r.take(r.remaining, 'table').slice(),
  };
}

export const voucherBodyBytes = (group: PrimeOrderGroup, v: TpsiVoucher): number =>
  8 + VOUCHER_ID_BYTES + 2 * (group.elementBytes + SLOT_CIPHERTEXT_BYTES) + v.payload.length;

export function writeVoucher(w: ByteWriter, group: PrimeOrderGroup, v: TpsiVoucher): void {
  w.u32(v.account).bytes(v.id);
  for (const slot of v.slots) w.bytes(group.encodeElement(slot.q)).bytes(slot.ciphertext);
  w.u32(v.payload.length).bytes(v.payload);
}

function readSlot(r: ByteReader, group: PrimeOrderGroup): TpsiVoucherSlot {
  const q = group.decodeElement(r.take(group.elementBytes, 'voucher element Q'));
  return { q, ciphertext: r.take(SLOT_CIPHERTEXT_BYTES, 'outer-layer ciphertext').slice() };
}

export function readVoucher(r: ByteReader, group: PrimeOrderGroup): TpsiVoucher {
  const account = r.u32('account');
  const id = r.take(VOUCHER_ID_BYTES, 'voucher id').slice();
  const slots: [TpsiVoucherSlot, TpsiVoucherSlot] = [readSlot(r, group), readSlot(r, group)];
  const length = r.u32('payload length');
  if (r.remaining !== length)
    throw new ProtocolError('wrong-count', `payload length says ${length} bytes but ${r.remaining} follow`);
  return { account, id, slots, payload: r.take(length, 'payload').slice() };
}
