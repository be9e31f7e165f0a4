// Encoding and decoding of the near-duplicate protocols' messages as whole wire messages (header by `wire.ts`).
import type { BloomFilter } from '../../bloom.js';
import type { GroupElement, PrimeOrderGroup } from '../../group/group.js';
import type { ByteReader } from '../../wire-bytes.js';
import { groupMessageWriter, readFilter, type WireLimits } from '../../wire.js';
import { publicDataBodyBytes, readPublicData, writePublicData, type TpsiPublicData } from '../tpsi-ad/wire-format.js';
import type { ElGamalCiphertext } from './elgamal.js';
import {
  chunkVoucherBytes,
  distanceAnswerBytes,
  distanceQueryBytes,
  elementBatchBytes,
  readChunkHeader,
  readChunkVoucher,
  readDistanceAnswer,
  readDistanceQuery,
  readElementBatch,
  readTpsiChunkHeader,
  writeChunkVoucher,
  writeDistanceAnswer,
  writeDistanceQuery,
  writeElementBatch,
  type ChunkVoucher,
  type FuzzyMessage,
  type FuzzyMessageType,
} from './wire-format.js';

/** One photo's batch of blinded (request) or evaluated (response) elements. */
export function encodeFuzzyOprfBatch(
  type: 'fuzzy-oprf-request' | 'fuzzy-oprf-response',
  group: PrimeOrderGroup,
  photo: number,
  elements: readonly GroupElement[],
): Uint8Array {
  const w = groupMessageWriter(type, group, elementBatchBytes(group, elements.length));
  writeElementBatch(w, group, photo, elements);
  return w.finish();
}

/** The chunked server's published filter of per-chunk OPRF outputs. */
export function encodeChunkFilter(
  group: PrimeOrderGroup,
  nbits: number,
  chunks: number,
  entries: number,
  filter: BloomFilter,
): Uint8Array {
  return groupMessageWriter('fuzzy-chunk-filter', group, 12 + filter.data.length)
    .u16(nbits)
    .u8(chunks)
    .u8(filter.hashes)
    .u32(filter.bits)
    .u32(entries)
    .bytes(filter.data)
    .finish();
}

export function encodeDistanceQuery(
  group: PrimeOrderGroup,
  photo: number,
  publicKey: GroupElement,
  tags: readonly Uint8Array[],
  bits: readonly ElGamalCiphertext[],
): Uint8Array {
  const w = groupMessageWriter('fuzzy-distance-query', group, distanceQueryBytes(group, tags.length, bits.length));
  writeDistanceQuery(w, group, { type: 'fuzzy-distance-query', photo, publicKey, tags: [...tags], bits: [...bits] });
  return w.finish();
}

export function encodeDistanceAnswer(
  group: PrimeOrderGroup,
  photo: number,
  ciphertexts: readonly ElGamalCiphertext[],
): Uint8Array {
  const w = groupMessageWriter('fuzzy-distance-answer', group, distanceAnswerBytes(group, ciphertexts.length));
  writeDistanceAnswer(w, group, photo, ciphertexts);
  return w.finish();
}

export function encodeFuzzyTpsiPublicData(
  group: PrimeOrderGroup,
  cut: { nbits: number; chunks: number; minChunks: number },
  data: TpsiPublicData,
): Uint8Array {
  const w = groupMessageWriter('fuzzy-tpsi-public-data', group, 4 + publicDataBodyBytes(group, data))
    .u16(cut.nbits)
    .u8(cut.chunks)
    .u8(cut.minChunks);
  writePublicData(w, group, data);
  return w.finish();
}

export function encodeChunkVoucher(group: PrimeOrderGroup, voucher: ChunkVoucher): Uint8Array {
  const w = groupMessageWriter('fuzzy-tpsi-voucher', group, chunkVoucherBytes(group, voucher));
  writeChunkVoucher(w, group, voucher);
  return w.finish();
}

/** The body of a near-duplicate message, after its group id. */
export function readFuzzyBody(
  type: FuzzyMessageType,
  r: ByteReader,
  g: PrimeOrderGroup,
  limits: WireLimits,
): FuzzyMessage {
  switch (type) {
    case 'fuzzy-oprf-request':
    case 'fuzzy-oprf-response':
      return { type, ...readElementBatch(r, g, limits.maxSetElements) };
    case 'fuzzy-chunk-filter': {
      const cut = readChunkHeader(r);
      const { entries, filter } = readFilter(r, limits);
      return { type, ...cut, entries, filter };
    }
    case 'fuzzy-distance-query':
      return readDistanceQuery(r, g);
    case 'fuzzy-distance-answer':
      return readDistanceAnswer(r, g, limits.maxSetElements);
    case 'fuzzy-tpsi-public-data': {
      const cut = readTpsiChunkHeader(r);
      return { type, ...cut, data: readPublicData(r, g, limits.maxSetElements) };
    }
    case 'fuzzy-tpsi-voucher':
      return { type, voucher: readChunkVoucher(r, g) };
  }
}

export function encodeFuzzyMessage(group: PrimeOrderGroup, m: FuzzyMessage): Uint8Array {
  switch (m.type) {
    case 'fuzzy-oprf-request':
    case 'fuzzy-oprf-response':
      return encodeFuzzyOprfBatch(m.type, group, m.photo, m.elements);
    case 'fuzzy-chunk-filter':
      return encodeChunkFilter(group, m.nbits, m.chunks, m.entries, m.filter);
    case 'fuzzy-distance-query':
      return encodeDistanceQuery(group, m.photo, m.publicKey, m.tags, m.bits);
    case 'fuzzy-distance-answer':
      return encodeDistanceAnswer(group, m.photo, m.ciphertexts);
    case 'fuzzy-tpsi-public-data':
      return encodeFuzzyTpsiPublicData(group, m, m.data);
    case 'fuzzy-tpsi-voucher':
      return encodeChunkVoucher(group, m.voucher);
  }
}
