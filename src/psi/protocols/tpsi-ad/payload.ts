// The inner layer of a voucher, the plaintext under rkey: the ad ciphertext (under the account key), the Shamir share
// of the account key and the DHF point. Every field has a fixed size given by the published parameters, so real and
// synthetic payloads have the same length. Decoding fails only as a ProtocolError.
import { ProtocolError, PsiError } from '../../errors.js';
import { NONCE_BYTES, TAG_BYTES } from './aead.js';
import { M31 } from './m31.js';
import { SHAMIR_ELEMENT_BYTES, fieldElementFromBytes, fieldElementToBytes, type ShamirShare } from './shamir.js';

export interface VoucherPayload {
  readonly adCiphertext: Uint8Array;
  readonly share: ShamirShare;
  readonly dhfX: number;
  readonly dhfValues: Uint32Array;
}

/** Padded ad: length (u16) || ad || zeros up to `adBytes`. */
export const paddedAdBytes = (adBytes: number): number => 2 + adBytes;
export const adCiphertextBytes = (adBytes: number): number => NONCE_BYTES + paddedAdBytes(adBytes) + TAG_BYTES;
export const payloadBytes = (adBytes: number, dimension: number): number =>
  adCiphertextBytes(adBytes) + 2 * SHAMIR_ELEMENT_BYTES + 4 + 4 * dimension;

export function padAd(ad: Uint8Array, adBytes: number): Uint8Array {
  if (ad.length > adBytes) throw new PsiError(`ad of ${ad.length} bytes exceeds the ${adBytes} bytes of a voucher`);
  const out = new Uint8Array(paddedAdBytes(adBytes));
  out[0] = ad.length >>> 8;
  out[1] = ad.length & 0xff;
  out.set(ad, 2);
  return out;
}

export function unpadAd(padded: Uint8Array, adBytes: number): Uint8Array {
  if (padded.length !== paddedAdBytes(adBytes))
    throw new ProtocolError('wrong-count', `padded ad of ${padded.length} bytes, expected ${paddedAdBytes(adBytes)}`);
  const length = (padded[0]! << 8) | padded[1]!;
  if (length > adBytes) throw new ProtocolError('invalid-field', `ad length ${length} exceeds ${adBytes}`);
  if (padded.subarray(2 + length).some((b) => b !== 0))
    throw new ProtocolError('invalid-field', 'ad padding is not zero');
  return padded.slice(2, 2 + length);
}

const u32At = (b: Uint8Array, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

export function encodePayload(p: VoucherPayload): Uint8Array {
  const out = new Uint8Array(p.adCiphertext.length + 2 * SHAMIR_ELEMENT_BYTES + 4 + 4 * p.dhfValues.length);
  let at = 0;
  out.set(p.adCiphertext, at);
  at += p.adCiphertext.length;
  out.set(fieldElementToBytes(p.share.x), at);
  out.set(fieldElementToBytes(p.share.y), at + SHAMIR_ELEMENT_BYTES);
  at += 2 * SHAMIR_ELEMENT_BYTES;
  putU32(out, at, p.dhfX);
  at += 4;
  for (const v of p.dhfValues) {
    putU32(out, at, v);
    at += 4;
  }
  return out;
}

function dhfElement(v: number, what: string): number {
  if (v >= M31) throw new ProtocolError('invalid-field', `${what} ${v} is not below 2^31 − 1`);
  return v;
}

/** Decodes a payload laid out for (adBytes, dimension); the share's x must be non-zero. */
export function decodePayload(bytes: Uint8Array, adBytes: number, dimension: number): VoucherPayload {
  const expected = payloadBytes(adBytes, dimension);
  if (bytes.length !== expected)
    throw new ProtocolError('wrong-count', `voucher payload of ${bytes.length} bytes, expected ${expected}`);
  let at = adCiphertextBytes(adBytes);
  const adCiphertext = bytes.slice(0, at);
  const x = fieldElementFromBytes(bytes.subarray(at, at + SHAMIR_ELEMENT_BYTES));
  const y = fieldElementFromBytes(bytes.subarray(at + SHAMIR_ELEMENT_BYTES, at + 2 * SHAMIR_ELEMENT_BYTES));
  if (x === undefined || y === undefined)
    throw new ProtocolError('scalar-out-of-range', 'share coordinate is not below 2^255 − 19');
  if (x === 0n) throw new ProtocolError('invalid-field', 'share at x = 0 would be the secret itself');
  at += 2 * SHAMIR_ELEMENT_BYTES;
  const dhfX = dhfElement(u32At(bytes, at), 'DHF point');
  at += 4;
  const dhfValues = new Uint32Array(dimension);
  for (let i = 0; i < dimension; i++, at += 4) dhfValues[i] = dhfElement(u32At(bytes, at), 'DHF value');
  return { adCiphertext, share: { x, y }, dhfX, dhfValues };
}
