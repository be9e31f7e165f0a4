// The messages of the near-duplicate protocols (after version, type and group id, which `wire.ts` handles): batched
// OPRF requests and responses, the chunk filter, the distance query and answer, and chunked-tpsi's published data and
// voucher; strict readers fail only as ProtocolErrors.
import { ProtocolError } from '../../errors.js';
import type { BloomFilter } from '../../bloom.js';
import type { GroupElement, PrimeOrderGroup } from '../../group/group.js';
import type { ByteReader, ByteWriter } from '../../wire-bytes.js';
import {
  SLOT_CIPHERTEXT_BYTES,
  VOUCHER_ID_BYTES,
  type TpsiPublicData,
  type TpsiVoucherSlot,
} from '../tpsi-ad/wire-format.js';
import type { ElGamalCiphertext } from './elgamal.js';

/** Bytes of a lookup tag the chunked client sends for a chunk its filter says is in the database. */
export const LOOKUP_TAG_BYTES = 16;
/** A chunk voucher's sealed share: a 32-byte field element and its tag. */
export const CHUNK_SHARE_CIPHERTEXT_BYTES = 32 + 16;

/** One chunk of a chunked-tpsi voucher: the outer layer for the chunk's value and the sealed Shamir share. */
export interface ChunkSlotPair {
  readonly slots: readonly [TpsiVoucherSlot, TpsiVoucherSlot];
  readonly share: Uint8Array;
}

export interface ChunkVoucher {
  readonly account: number;
  readonly id: Uint8Array;
  readonly chunks: readonly ChunkSlotPair[];
  /** The photo's tpsi-ad payload, sealed under the key its chunk shares reconstruct. */
  readonly payload: Uint8Array;
}

export type FuzzyMessage =
  | { readonly type: 'fuzzy-oprf-request'; readonly photo: number; readonly elements: GroupElement[] }
  | { readonly type: 'fuzzy-oprf-response'; readonly photo: number; readonly elements: GroupElement[] }
  | {
      readonly type: 'fuzzy-chunk-filter';
      readonly nbits: number;
      readonly chunks: number;
      readonly entries: number;
      readonly filter: BloomFilter;
    }
  | {
      readonly type: 'fuzzy-distance-query';
      readonly photo: number;
      readonly publicKey: GroupElement;
      readonly tags: Uint8Array[];
      readonly bits: ElGamalCiphertext[];
    }
  | { readonly type: 'fuzzy-distance-answer'; readonly photo: number; readonly ciphertexts: ElGamalCiphertext[] }
  | {
      readonly type: 'fuzzy-tpsi-public-data';
      readonly nbits: number;
      readonly chunks: number;
      readonly minChunks: number;
      readonly data: TpsiPublicData;
    }
  | { readonly type: 'fuzzy-tpsi-voucher'; readonly voucher: ChunkVoucher };

export type FuzzyMessageType = FuzzyMessage['type'];

export function readCount(r: ByteReader, what: string, limit: number): number {
  const count = r.u32(what);
  if (count > limit) throw new ProtocolError('oversized', `${what} ${count} exceeds the limit of ${limit}`);
  return count;
}

function expectRemaining(r: ByteReader, bytes: number, what: string): void {
  if (r.remaining !== bytes)
    throw new ProtocolError('wrong-count', `${what} needs ${bytes} bytes but ${r.remaining} follow`);
}

export const readElement = (r: ByteReader, g: PrimeOrderGroup, what: string): GroupElement =>
  g.decodeElement(r.take(g.elementBytes, what));

export function readElementBatch(
  r: ByteReader,
  g: PrimeOrderGroup,
  limit: number,
): { photo: number; elements: GroupElement[] } {
  const photo = r.u32('photo index');
  const count = readCount(r, 'element count', limit);
  expectRemaining(r, count * g.elementBytes, `${count} elements`);
  return { photo, elements: Array.from({ length: count }, () => readElement(r, g, 'element')) };
}

export const elementBatchBytes = (g: PrimeOrderGroup, count: number): number => 8 + count * g.elementBytes;

export function writeElementBatch(
  w: ByteWriter,
  g: PrimeOrderGroup,
  photo: number,
  elements: readonly GroupElement[],
): void {
  w.u32(photo).u32(elements.length);
  for (const e of elements) w.bytes(g.encodeElement(e));
}

function readCiphertexts(r: ByteReader, g: PrimeOrderGroup, count: number): ElGamalCiphertext[] {
  return Array.from({ length: count }, () => ({
    r: readElement(r, g, 'ciphertext r'),
    s: readElement(r, g, 'ciphertext s'),
  }));
}

function writeCiphertexts(w: ByteWriter, g: PrimeOrderGroup, cts: readonly ElGamalCiphertext[]): void {
  for (const ct of cts) w.bytes(g.encodeElement(ct.r)).bytes(g.encodeElement(ct.s));
}

/** Chunk filter header after the group: nbits (u16) · chunks (u8); the oprf-filter fields follow. */
export function readChunkHeader(r: ByteReader): { nbits: number; chunks: number } {
  const nbits = r.u16('hash length');
  const chunks = r.u8('chunk count');
  if (nbits < 1 || chunks < 1 || chunks > nbits)
    throw new ProtocolError('invalid-field', `${chunks} chunks of a ${nbits}-bit hash`);
  return { nbits, chunks };
}

export const distanceQueryBytes = (g: PrimeOrderGroup, tags: number, bits: number): number =>
  4 + 2 + 2 + tags * LOOKUP_TAG_BYTES + g.elementBytes + bits * 2 * g.elementBytes;

/** photo (u32) · nbits (u16) · tag count (u16) · tags · public key · nbits ciphertexts. */
export function writeDistanceQuery(
  w: ByteWriter,
  g: PrimeOrderGroup,
  m: Extract<FuzzyMessage, { type: 'fuzzy-distance-query' }>,
): void {
  w.u32(m.photo).u16(m.bits.length).u16(m.tags.length);
  for (const t of m.tags) w.bytes(t);
  w.bytes(g.encodeElement(m.publicKey));
  writeCiphertexts(w, g, m.bits);
}

export function readDistanceQuery(
  r: ByteReader,
  g: PrimeOrderGroup,
): Extract<FuzzyMessage, { type: 'fuzzy-distance-query' }> {
  const photo = r.u32('photo index');
  const nbits = r.u16('hash length');
  const tagCount = r.u16('tag count');
  if (nbits < 1) throw new ProtocolError('invalid-field', 'a distance query for a 0-bit hash');
  expectRemaining(r, tagCount * LOOKUP_TAG_BYTES + g.elementBytes + nbits * 2 * g.elementBytes, 'distance query');
  const tags = Array.from({ length: tagCount }, () => r.take(LOOKUP_TAG_BYTES, 'lookup tag').slice());
  const publicKey = readElement(r, g, 'public key');
  return { type: 'fuzzy-distance-query', photo, publicKey, tags, bits: readCiphertexts(r, g, nbits) };
}

export const distanceAnswerBytes = (g: PrimeOrderGroup, count: number): number => 8 + count * 2 * g.elementBytes;

export function writeDistanceAnswer(
  w: ByteWriter,
  g: PrimeOrderGroup,
  photo: number,
  cts: readonly ElGamalCiphertext[],
): void {
  w.u32(photo).u32(cts.length);
  writeCiphertexts(w, g, cts);
}

export function readDistanceAnswer(
  r: ByteReader,
  g: PrimeOrderGroup,
  limit: number,
): Extract<FuzzyMessage, { type: 'fuzzy-distance-answer' }> {
  const photo = r.u32('photo index');
  const count = readCount(r, 'ciphertext count', limit);
  expectRemaining(r, count * 2 * g.elementBytes, `${count} ciphertexts`);
  return { type: 'fuzzy-distance-answer', photo, ciphertexts: readCiphertexts(r, g, count) };
}

/** nbits (u16) · chunks (u8) · min chunks (u8), before the tpsi-ad public data. */
export function readTpsiChunkHeader(r: ByteReader): { nbits: number; chunks: number; minChunks: number } {
  const { nbits, chunks } = readChunkHeader(r);
  const minChunks = r.u8('min chunks');
  if (minChunks < 1 || minChunks > chunks)
    throw new ProtocolError('invalid-field', `min chunks ${minChunks} outside 1..${chunks}`);
  return { nbits, chunks, minChunks };
}

const chunkPairBytes = (g: PrimeOrderGroup): number =>
  2 * (g.elementBytes + SLOT_CIPHERTEXT_BYTES) + CHUNK_SHARE_CIPHERTEXT_BYTES;

export const chunkVoucherBytes = (g: PrimeOrderGroup, v: ChunkVoucher): number =>
  4 + VOUCHER_ID_BYTES + 1 + v.chunks.length * chunkPairBytes(g) + 4 + v.payload.length;

/** account (u32) · id (16) · chunk count (u8) · per chunk two slots (Q · 48 bytes) and the sealed share · payload length (u32) · payload. */
export function writeChunkVoucher(w: ByteWriter, g: PrimeOrderGroup, v: ChunkVoucher): void {
  w.u32(v.account).bytes(v.id).u8(v.chunks.length);
  for (const c of v.chunks) {
    for (const slot of c.slots) w.bytes(g.encodeElement(slot.q)).bytes(slot.ciphertext);
    w.bytes(c.share);
  }
  w.u32(v.payload.length).bytes(v.payload);
}

function readSlot(r: ByteReader, g: PrimeOrderGroup): TpsiVoucherSlot {
  const q = readElement(r, g, 'voucher element Q');
  return { q, ciphertext: r.take(SLOT_CIPHERTEXT_BYTES, 'outer-layer ciphertext').slice() };
}

export function readChunkVoucher(r: ByteReader, g: PrimeOrderGroup): ChunkVoucher {
  const account = r.u32('account');
  const id = r.take(VOUCHER_ID_BYTES, 'voucher id').slice();
  const count = r.u8('chunk count');
  if (count < 1) throw new ProtocolError('invalid-field', 'a voucher with no chunks');
  if (r.remaining < count * chunkPairBytes(g) + 4)
    throw new ProtocolError('truncated', `voucher ends inside its ${count} chunks`);
  const chunks = Array.from({ length: count }, (): ChunkSlotPair => {
    const slots: [TpsiVoucherSlot, TpsiVoucherSlot] = [readSlot(r, g), readSlot(r, g)];
    return { slots, share: r.take(CHUNK_SHARE_CIPHERTEXT_BYTES, 'sealed share').slice() };
  });
  const length = r.u32('payload length');
  expectRemaining(r, length, 'payload');
  return { account, id, chunks, payload: r.take(length, 'payload').slice() };
}
