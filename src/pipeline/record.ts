// The bytes one message puts on the wire and the relay stores: a header naming message id and account, the protocol
// messages, and one HPKE envelope per recipient; the envelope's associated data and its plaintext (file name + bytes).
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ENC_BYTES, type Envelope } from './envelope.js';
import { PipelineError } from './errors.js';
import type { MessageBinding } from './scan-protocol.js';

export const MESSAGE_ID_BYTES = 16;
const MAGIC = utf8ToBytes('SLP1');
const AAD_LABEL = utf8ToBytes('scanlab pipeline aad v1');
const MAX_PARTS = 0xffff;

export interface RelayRecord extends MessageBinding {
  readonly protocolMessages: readonly Uint8Array[];
  readonly envelopes: readonly Envelope[];
}

/** Bytes of the fixed header: magic, message id, account. */
export const HEADER_BYTES = MAGIC.length + MESSAGE_ID_BYTES + 4;

const u32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v);
  return b;
};
const u16 = (v: number): Uint8Array => Uint8Array.of(v >>> 8, v & 0xff);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** count (u16) || for each: length (u32) || bytes. */
function protocolSection(messages: readonly Uint8Array[]): Uint8Array {
  if (messages.length > MAX_PARTS) throw new PipelineError('malformed-record', `${messages.length} protocol messages`);
  return concat([u16(messages.length), ...messages.flatMap((m) => [u32(m.length), m])]);
}

/**
 * The envelope's associated data: label || message id || account (u32) || SHA-256 of the protocol section, so an
 * envelope opens only beside the protocol messages it was sent with, under its own message id and account.
 */
export function envelopeAad(binding: MessageBinding, protocolMessages: readonly Uint8Array[]): Uint8Array {
  checkMessageId(binding.messageId);
  return concat([AAD_LABEL, binding.messageId, u32(binding.account), sha256(protocolSection(protocolMessages))]);
}

function checkMessageId(id: Uint8Array): void {
  if (id.length !== MESSAGE_ID_BYTES)
    throw new PipelineError('malformed-record', `message id of ${id.length} bytes, expected ${MESSAGE_ID_BYTES}`);
}

export function encodeRecord(r: RelayRecord): Uint8Array {
  checkMessageId(r.messageId);
  if (!Number.isInteger(r.account) || r.account < 0 || r.account > 0xffffffff)
    throw new PipelineError('malformed-record', `account ${r.account} is not a 32-bit unsigned integer`);
  if (r.envelopes.length > MAX_PARTS) throw new PipelineError('malformed-record', `${r.envelopes.length} envelopes`);
  return concat([
    MAGIC,
    r.messageId,
    u32(r.account),
    protocolSection(r.protocolMessages),
    u16(r.envelopes.length),
    ...r.envelopes.flatMap((e) => [e.enc, u32(e.ciphertext.length), e.ciphertext]),
  ]);
}

/** Parses a record strictly (every length checked, nothing left over); failures are PipelineErrors. */
export function decodeRecord(bytes: Uint8Array): RelayRecord {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const take = (n: number, what: string): Uint8Array => {
    if (at + n > bytes.length) throw new PipelineError('malformed-record', `record ends inside ${what}`);
    const out = bytes.slice(at, at + n);
    at += n;
    return out;
  };
  const readU16 = (what: string): number => {
    take(2, what);
    return view.getUint16(at - 2);
  };
  const readU32 = (what: string): number => {
    take(4, what);
    return view.getUint32(at - 4);
  };
  const magic = take(MAGIC.length, 'the magic');
  if (!magic.every((b, i) => b === MAGIC[i])) throw new PipelineError('malformed-record', 'not a pipeline record');
  const messageId = take(MESSAGE_ID_BYTES, 'the message id');
  const account = readU32('the account');
  const protocolMessages: Uint8Array[] = [];
  for (let i = readU16('the protocol message count'); i > 0; i--)
    protocolMessages.push(take(readU32('a protocol message length'), 'a protocol message'));
  const envelopes: Envelope[] = [];
  for (let i = readU16('the envelope count'); i > 0; i--) {
    const enc = take(ENC_BYTES, 'an encapsulated key');
    envelopes.push({ enc, ciphertext: take(readU32('a ciphertext length'), 'a ciphertext') });
  }
  if (at !== bytes.length) throw new PipelineError('malformed-record', `${bytes.length - at} bytes after the record`);
  return { messageId, account, protocolMessages, envelopes };
}

/** What an envelope carries: the file name (u16 length, UTF-8) and the file's bytes. */
export function encodeContent(name: string, fileBytes: Uint8Array): Uint8Array {
  const n = utf8ToBytes(name);
  if (n.length > 0xffff) throw new PipelineError('malformed-record', 'file name longer than 65535 bytes');
  return concat([u16(n.length), n, fileBytes]);
}

export function decodeContent(plaintext: Uint8Array): { name: string; bytes: Uint8Array } {
  if (plaintext.length < 2) throw new PipelineError('malformed-record', 'envelope content ends inside its name');
  const n = (plaintext[0]! << 8) | plaintext[1]!;
  if (2 + n > plaintext.length) throw new PipelineError('malformed-record', 'envelope content ends inside its name');
  return { name: new TextDecoder().decode(plaintext.subarray(2, 2 + n)), bytes: plaintext.slice(2 + n) };
}
