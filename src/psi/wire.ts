// The PSI wire format: every message is version || type || fixed or length-prefixed fields, with strict decoders.
import { BloomFilter, MAX_FILTER_BITS, MAX_FILTER_HASHES } from './bloom.js';
import { ProtocolError, PsiError } from './errors.js';
import type { GroupElement, GroupName, PrimeOrderGroup } from './group/group.js';
import { ByteReader, ByteWriter } from './wire-bytes.js';
import {
  publicDataBodyBytes,
  readPublicData,
  readVoucher,
  voucherBodyBytes,
  writePublicData,
  writeVoucher,
  type TpsiPublicData,
  type TpsiVoucher,
} from './protocols/tpsi-ad/wire-format.js';
import { encodeFuzzyMessage, readFuzzyBody } from './protocols/fuzzy/messages.js';
import type { FuzzyMessage, FuzzyMessageType } from './protocols/fuzzy/wire-format.js';

export const WIRE_VERSION = 1;

export const MESSAGE_TYPES = {
  'plaintext-query': 0x01,
  'oprf-filter': 0x10,
  'oprf-request': 0x11,
  'oprf-response': 0x12,
  'ecdh-blinded-set': 0x20,
  'ecdh-double-blinded-set': 0x21,
  'tpsi-public-data': 0x30,
  'tpsi-voucher': 0x31,
  'fuzzy-oprf-request': 0x40,
  'fuzzy-oprf-response': 0x41,
  'fuzzy-chunk-filter': 0x42,
  'fuzzy-distance-query': 0x43,
  'fuzzy-distance-answer': 0x44,
  'fuzzy-tpsi-public-data': 0x45,
  'fuzzy-tpsi-voucher': 0x46,
} as const;
export type MessageType = keyof typeof MESSAGE_TYPES;

const TYPE_BY_CODE = new Map<number, MessageType>(
  Object.entries(MESSAGE_TYPES).map(([name, code]) => [code, name as MessageType]),
);
const GROUP_CODES: Record<GroupName, number> = { ristretto255: 0x01, p256: 0x02 };
/** The one-byte group id every group message carries. */
export const groupCode = (name: GroupName): number => GROUP_CODES[name];
const MAX_PLAINTEXT_INPUT = 0xffff;
const FLAG_SHUFFLED = 0x01;

/** Bounds a decoder enforces before allocating anything, so a peer cannot make it reserve arbitrary memory. */
export interface WireLimits {
  readonly maxMessageBytes: number;
  readonly maxSetElements: number;
  readonly maxFilterBits: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = {
  maxMessageBytes: 1 << 28,
  maxSetElements: 1 << 22,
  maxFilterBits: MAX_FILTER_BITS,
};

export type Message =
  | { readonly type: 'plaintext-query'; readonly input: Uint8Array }
  | { readonly type: 'oprf-filter'; readonly entries: number; readonly filter: BloomFilter }
  | { readonly type: 'oprf-request'; readonly element: GroupElement }
  | { readonly type: 'oprf-response'; readonly element: GroupElement }
  | { readonly type: 'ecdh-blinded-set'; readonly elements: GroupElement[] }
  | { readonly type: 'ecdh-double-blinded-set'; readonly shuffled: boolean; readonly elements: GroupElement[] }
  | { readonly type: 'tpsi-public-data'; readonly data: TpsiPublicData }
  | { readonly type: 'tpsi-voucher'; readonly voucher: TpsiVoucher }
  | FuzzyMessage;

export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

function writer(type: MessageType, bodyBytes: number): ByteWriter {
  return new ByteWriter(2 + bodyBytes).u8(WIRE_VERSION).u8(MESSAGE_TYPES[type]);
}

/** A writer with the header of a group message (version, type, group id) written, for `bodyBytes` more bytes. */
export const groupMessageWriter = (type: MessageType, group: PrimeOrderGroup, bodyBytes: number): ByteWriter =>
  writer(type, 1 + bodyBytes).u8(GROUP_CODES[group.name]);

export function encodePlaintextQuery(input: Uint8Array): Uint8Array {
  if (input.length > MAX_PLAINTEXT_INPUT) throw new PsiError(`plaintext query of ${input.length} bytes is too long`);
  return writer('plaintext-query', 2 + input.length)
    .u16(input.length)
    .bytes(input)
    .finish();
}

export function encodeOprfFilter(group: PrimeOrderGroup, entries: number, filter: BloomFilter): Uint8Array {
  return writer('oprf-filter', 10 + filter.data.length)
    .u8(GROUP_CODES[group.name])
    .u8(filter.hashes)
    .u32(filter.bits)
    .u32(entries)
    .bytes(filter.data)
    .finish();
}

function encodeElementMessage(type: MessageType, group: PrimeOrderGroup, element: GroupElement): Uint8Array {
  return writer(type, 1 + group.elementBytes)
    .u8(GROUP_CODES[group.name])
    .bytes(group.encodeElement(element))
    .finish();
}

export const encodeOprfRequest = (group: PrimeOrderGroup, element: GroupElement): Uint8Array =>
  encodeElementMessage('oprf-request', group, element);
export const encodeOprfResponse = (group: PrimeOrderGroup, element: GroupElement): Uint8Array =>
  encodeElementMessage('oprf-response', group, element);

/** A set of elements sent as one message (already-encoded elements are copied as they are). */
export function encodeEcdhBlindedSet(group: PrimeOrderGroup, elements: readonly Uint8Array[]): Uint8Array {
  const w = writer('ecdh-blinded-set', 5 + elements.length * group.elementBytes)
    .u8(GROUP_CODES[group.name])
    .u32(elements.length);
  for (const e of elements) w.bytes(e);
  return w.finish();
}

export function encodeEcdhDoubleBlindedSet(
  group: PrimeOrderGroup,
  shuffled: boolean,
  elements: readonly Uint8Array[],
): Uint8Array {
  const w = writer('ecdh-double-blinded-set', 6 + elements.length * group.elementBytes)
    .u8(GROUP_CODES[group.name])
    .u8(shuffled ? FLAG_SHUFFLED : 0)
    .u32(elements.length);
  for (const e of elements) w.bytes(e);
  return w.finish();
}

/** tpsi-ad: the server's published data (parameters, cuckoo seed, L = α·G and the blinded table). */
export function encodeTpsiPublicData(group: PrimeOrderGroup, data: TpsiPublicData): Uint8Array {
  const w = writer('tpsi-public-data', 1 + publicDataBodyBytes(group, data)).u8(GROUP_CODES[group.name]);
  writePublicData(w, group, data);
  return w.finish();
}

/** tpsi-ad: one voucher. */
export function encodeTpsiVoucher(group: PrimeOrderGroup, voucher: TpsiVoucher): Uint8Array {
  const w = writer('tpsi-voucher', 1 + voucherBodyBytes(group, voucher)).u8(GROUP_CODES[group.name]);
  writeVoucher(w, group, voucher);
  return w.finish();
}

/** The type of a message, from its header only (no validation of the body). */
export function peekMessageType(bytes: Uint8Array): MessageType {
  if (bytes.length < 2) throw new ProtocolError('truncated', `message of ${bytes.length} bytes has no header`);
  if (bytes[0] !== WIRE_VERSION)
    throw new ProtocolError('unknown-version', `wire version ${bytes[0]} (expected ${WIRE_VERSION})`);
  const type = TYPE_BY_CODE.get(bytes[1]!);
  if (!type) throw new ProtocolError('unknown-type', `message type 0x${bytes[1]!.toString(16).padStart(2, '0')}`);
  return type;
}

function readGroup(r: ByteReader, group: PrimeOrderGroup | null): PrimeOrderGroup {
  const code = r.u8('group id');
  if (!group) throw new ProtocolError('wrong-group', 'a group message reached a party that uses no group');
  if (code !== GROUP_CODES[group.name])
    throw new ProtocolError('wrong-group', `group id ${code}, expected ${GROUP_CODES[group.name]} (${group.name})`);
  return group;
}

function readElements(r: ByteReader, group: PrimeOrderGroup, limits: WireLimits): GroupElement[] {
  const count = r.u32('element count');
  if (count > limits.maxSetElements)
    throw new ProtocolError('oversized', `set of ${count} elements exceeds the limit of ${limits.maxSetElements}`);
  if (r.remaining !== count * group.elementBytes) {
    throw new ProtocolError(
      'wrong-count',
      `count says ${count} elements (${count * group.elementBytes} bytes) but ${r.remaining} bytes follow`,
    );
  }
  const out = new Array<GroupElement>(count);
  for (let i = 0; i < count; i++) out[i] = group.decodeElement(r.take(group.elementBytes, 'element'));
  return out;
}

export function readFilter(r: ByteReader, limits: WireLimits): MessageOf<'oprf-filter'> {
  const hashes = r.u8('filter probe count');
  const bits = r.u32('filter size');
  const entries = r.u32('filter entry count');
  if (hashes < 1 || hashes > MAX_FILTER_HASHES)
    throw new ProtocolError('invalid-field', `filter probe count ${hashes} outside 1..${MAX_FILTER_HASHES}`);
  if (bits < 1 || bits > Math.min(limits.maxFilterBits, MAX_FILTER_BITS))
    throw new ProtocolError('oversized', `filter size ${bits} bits outside the accepted range`);
  const bytes = Math.ceil(bits / 8);
  if (r.remaining !== bytes)
    throw new ProtocolError('wrong-count', `filter of ${bits} bits needs ${bytes} bytes but ${r.remaining} follow`);
  const data = r.take(bytes, 'filter bits').slice();
  const spare = bytes * 8 - bits;
  if (spare > 0 && data[bytes - 1]! >>> (8 - spare) !== 0)
    throw new ProtocolError('invalid-field', 'filter has bits set beyond its size');
  return { type: 'oprf-filter', entries, filter: new BloomFilter({ bits, hashes }, data) };
}

/**
 * Decodes and validates one message. `group` is the group the receiving party uses (null for group-free protocols);
 * every element is checked to be a canonical, non-identity encoding. Any failure is a ProtocolError.
 */
export function decodeMessage(
  bytes: Uint8Array,
  group: PrimeOrderGroup | null,
  limits: WireLimits = DEFAULT_WIRE_LIMITS,
): Message {
  if (bytes.length > limits.maxMessageBytes)
    throw new ProtocolError(
      'oversized',
      `message of ${bytes.length} bytes exceeds the limit of ${limits.maxMessageBytes}`,
    );
  const type = peekMessageType(bytes);
  const r = new ByteReader(bytes.subarray(2));
  let message: Message;
  switch (type) {
    case 'plaintext-query': {
      const length = r.u16('input length');
      message = { type, input: r.take(length, 'input').slice() };
      break;
    }
    case 'oprf-filter':
      readGroup(r, group);
      message = readFilter(r, limits);
      break;
    case 'oprf-request':
    case 'oprf-response': {
      const g = readGroup(r, group);
      message = { type, element: g.decodeElement(r.take(g.elementBytes, 'element')) };
      break;
    }
    case 'ecdh-blinded-set': {
      const g = readGroup(r, group);
      message = { type, elements: readElements(r, g, limits) };
      break;
    }
    case 'ecdh-double-blinded-set': {
      const g = readGroup(r, group);
      const flags = r.u8('flags');
      if ((flags & ~FLAG_SHUFFLED) !== 0)
        throw new ProtocolError('invalid-field', `unknown flag bits 0x${flags.toString(16)}`);
      message = { type, shuffled: (flags & FLAG_SHUFFLED) !== 0, elements: readElements(r, g, limits) };
      break;
    }
    case 'tpsi-public-data': {
      const g = readGroup(r, group);
      message = { type, data: readPublicData(r, g, limits.maxSetElements) };
      break;
    }
    case 'tpsi-voucher': {
      const g = readGroup(r, group);
      message = { type, voucher: readVoucher(r, g) };
      break;
    }
    case 'fuzzy-oprf-request':
    case 'fuzzy-oprf-response':
    case 'fuzzy-chunk-filter':
    case 'fuzzy-distance-query':
    case 'fuzzy-distance-answer':
    case 'fuzzy-tpsi-public-data':
    case 'fuzzy-tpsi-voucher':
      message = readFuzzyBody(type satisfies FuzzyMessageType, r, readGroup(r, group), limits);
      break;
  }
  r.end();
  return message;
}

/** Decodes a message that must be of type `type` (any other is an 'unexpected-message' ProtocolError). */
export function decodeExpected<T extends MessageType>(
  type: T,
  bytes: Uint8Array,
  group: PrimeOrderGroup | null,
  limits?: WireLimits,
): MessageOf<T> {
  const actual = peekMessageType(bytes);
  if (actual !== type) throw new ProtocolError('unexpected-message', `expected ${type}, got ${actual}`);
  return decodeMessage(bytes, group, limits) as MessageOf<T>;
}

/** Encodes a decoded message again; for every message that decodes, encodeMessage(decodeMessage(b)) equals b. */
export function encodeMessage(message: Message, group: PrimeOrderGroup | null): Uint8Array {
  if (message.type === 'plaintext-query') return encodePlaintextQuery(message.input);
  if (!group) throw new PsiError(`${message.type} needs a group to encode`);
  switch (message.type) {
    case 'oprf-filter':
      return encodeOprfFilter(group, message.entries, message.filter);
    case 'oprf-request':
      return encodeOprfRequest(group, message.element);
    case 'oprf-response':
      return encodeOprfResponse(group, message.element);
    case 'ecdh-blinded-set':
      return encodeEcdhBlindedSet(
        group,
        message.elements.map((e) => group.encodeElement(e)),
      );
    case 'ecdh-double-blinded-set':
      return encodeEcdhDoubleBlindedSet(
        group,
        message.shuffled,
        message.elements.map((e) => group.encodeElement(e)),
      );
    case 'tpsi-public-data':
      return encodeTpsiPublicData(group, message.data);
    case 'tpsi-voucher':
      return encodeTpsiVoucher(group, message.voucher);
    default:
      return encodeFuzzyMessage(group, message);
  }
}
