// What one party saw in a run: every message it received (bytes and type) and every value it computed from them.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/curves/utils.js';
import type { MessageType } from './wire.js';

export type PartyRole = 'client' | 'server';
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type TranscriptEvent =
  | { readonly kind: 'received'; readonly type: MessageType; readonly bytes: Uint8Array }
  | { readonly kind: 'computed'; readonly what: string; readonly value: JsonValue };

/** An append-only record of a party's view. Parties record only what they received and derived, never their keys. */
export class Transcript {
  readonly events: TranscriptEvent[] = [];
  constructor(readonly party: PartyRole) {}

  received(type: MessageType, bytes: Uint8Array): void {
    this.events.push({ kind: 'received', type, bytes });
  }

  computed(what: string, value: JsonValue): void {
    this.events.push({ kind: 'computed', what, value });
  }
}

/** A transcript as JSON: messages up to `maxMessageBytes` in base64, larger ones by length, SHA-256 and first bytes. */
export interface StoredTranscript {
  readonly party: PartyRole;
  readonly events: StoredEvent[];
}
export type StoredEvent =
  | { kind: 'received'; type: MessageType; length: number; sha256: string; base64?: string; headBase64?: string }
  | { kind: 'computed'; what: string; value: JsonValue };

const HEAD_BYTES = 256;

export function storeTranscript(t: Transcript, maxMessageBytes = 1 << 20): StoredTranscript {
  return {
    party: t.party,
    events: t.events.map((e): StoredEvent => {
      if (e.kind === 'computed') return { kind: 'computed', what: e.what, value: e.value };
      const base = {
        kind: 'received' as const,
        type: e.type,
        length: e.bytes.length,
        sha256: bytesToHex(sha256(e.bytes)),
      };
      const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
      return e.bytes.length <= maxMessageBytes
        ? { ...base, base64: b64(e.bytes) }
        : { ...base, headBase64: b64(e.bytes.subarray(0, HEAD_BYTES)) };
    }),
  };
}
